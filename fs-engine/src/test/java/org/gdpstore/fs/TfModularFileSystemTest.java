package org.gdpstore.fs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;

/**
 * TensorFlow's filesystem compliance suite (tensorflow/c/experimental/filesystem/
 * modular_filesystem_test.cc), case by case: one test per {@code TEST_P} with TensorFlow's name,
 * its set-up (writers are left open where TensorFlow leaves them open: they are closed after the
 * case, as TensorFlow's destructors do) and the status codes it expects. Every case runs in a fresh
 * directory {@code /tf_<case>} of one filesystem, addressed by {@code gdp://} URIs as TensorFlow
 * addresses its scheme. Where gdpstore differs on purpose the case says so ("Difference:") and
 * docs/fs-engine.md lists it. Subclasses choose the log back end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TfModularFileSystemTest {
  private static final byte[] TEST_DATA = "asdf".getBytes(UTF_8);

  LogBackend backend;
  GdpFileSystem fs;
  private String rootDir;
  private final List<WritableFile> openWriters = new ArrayList<>();

  abstract LogBackend newBackend();

  @BeforeAll
  void start() throws FsException {
    backend = newBackend();
    fs = backend.mkfs(FsOptions.DEFAULT);
  }

  @AfterAll
  void stop() {
    fs.close();
    backend.close();
  }

  @BeforeEach
  void freshDirectory(TestInfo info) throws FsException {
    rootDir = "/tf_" + info.getTestMethod().orElseThrow().getName();
    fs.createDir(rootDir);
  }

  /** TensorFlow's unique_ptr destructors close the writers a case left open; statuses ignored. */
  @AfterEach
  void closeLeftOpenWriters() {
    for (WritableFile w : openWriters) {
      try {
        w.close();
      } catch (FsException ignored) {
        // as in TensorFlow: a destructor's Close status is not checked
      }
    }
    openWriters.clear();
  }

  /** TensorFlow's GetURIForPath: the URI of {@code path} in this case's directory. */
  String uri(String path) {
    return fs.uri() + FsPaths.join(rootDir, path);
  }

  /** The normalized path of {@code path} in this case's directory (what gdpstore returns). */
  String abs(String path) {
    return path.isEmpty() ? rootDir : rootDir + "/" + path;
  }

  /** TensorFlow's {@code Env::NewWritableFile}, leaving the file open. */
  WritableFile newWritable(String path) throws FsException {
    WritableFile w = fs.newWritableFile(uri(path));
    openWriters.add(w);
    return w;
  }

  WritableFile newAppendable(String path) throws FsException {
    WritableFile w = fs.newAppendableFile(uri(path));
    openWriters.add(w);
    return w;
  }

  /** The set-up TensorFlow uses for a file with content: append "asdf", flush, close. */
  void writeClosed(String path) throws FsException {
    WritableFile w = newWritable(path);
    w.append(TEST_DATA);
    w.flush();
    w.close();
  }

  interface Call {
    void run() throws Exception;
  }

  static void expect(FsCode code, Call call) throws Exception {
    if (code == FsCode.OK) {
      call.run();
      return;
    }
    assertThatThrownBy(call::run).isInstanceOf(FsException.class)
        .satisfies(e -> assertThat(((FsException) e).code()).as(e.getMessage()).isEqualTo(code));
  }

  // ------------------------------------------------------------------ TranslateName

  @Test
  void TestTranslateName() throws Exception {
    assertThat(FsPaths.translateName("")).isEqualTo("");
    assertThat(FsPaths.translateName("gdp://")).isEqualTo("/");
    assertThat(FsPaths.translateName("gdp:///")).isEqualTo("/");
    assertThat(FsPaths.translateName("gdp:////")).isEqualTo("/");
    assertThat(rel(FsPaths.translateName(uri("a_file")))).isEqualTo("/a_file");
    assertThat(rel(FsPaths.translateName(uri("a_dir/a_file")))).isEqualTo("/a_dir/a_file");
    assertThat(rel(FsPaths.translateName(uri("./a_file")))).isEqualTo("/a_file");
    assertThat(rel(FsPaths.translateName(uri("a/convoluted/../path/./to/.//.///a/file"))))
        .isEqualTo("/a/path/to/a/file");
  }

  private String rel(String translated) {
    return translated.startsWith(rootDir) ? translated.substring(rootDir.length()) : translated;
  }

  // ------------------------------------------------------------------ NewWritableFile / NewAppendableFile

  @Test
  void TestCreateFile() throws Exception {
    expect(FsCode.OK, () -> newWritable("a_file"));
  }

  @Test
  void TestCreateFileNonExisting() throws Exception {
    expect(FsCode.NOT_FOUND, () -> newWritable("dir_not_found/a_file"));
  }

  @Test
  void TestCreateFileExistingDir() throws Exception {
    fs.createDir(uri("a_file"));
    expect(FsCode.FAILED_PRECONDITION, () -> newWritable("a_file"));
  }

  @Test
  void TestCreateFilePathIsInvalid() throws Exception {
    newWritable("a_file");
    expect(FsCode.FAILED_PRECONDITION, () -> newWritable("a_file/a_file"));
  }

  @Test
  void TestAppendFile() throws Exception {
    expect(FsCode.OK, () -> newAppendable("a_file"));
  }

  @Test
  void TestAppendFileNonExisting() throws Exception {
    expect(FsCode.NOT_FOUND, () -> newAppendable("dir_not_found/a_file"));
  }

  @Test
  void TestAppendFileExistingDir() throws Exception {
    fs.createDir(uri("a_file"));
    expect(FsCode.FAILED_PRECONDITION, () -> newAppendable("a_file"));
  }

  @Test
  void TestCreateThenAppendFile() throws Exception {
    newWritable("a_file");
    expect(FsCode.OK, () -> newAppendable("a_file"));
  }

  @Test
  void TestAppendFilePathIsInvalid() throws Exception {
    newWritable("a_file");
    expect(FsCode.FAILED_PRECONDITION, () -> newAppendable("a_file/a_file"));
  }

  // ------------------------------------------------------------------ NewRandomAccessFile

  @Test
  void TestReadFile() throws Exception {
    expect(FsCode.NOT_FOUND, () -> fs.newRandomAccessFile(uri("a_file")));
  }

  @Test
  void TestReadFileNonExisting() throws Exception {
    expect(FsCode.NOT_FOUND, () -> fs.newRandomAccessFile(uri("dir_not_found/a_file")));
  }

  @Test
  void TestReadFileExistingDir() throws Exception {
    fs.createDir(uri("a_file"));
    expect(FsCode.FAILED_PRECONDITION, () -> fs.newRandomAccessFile(uri("a_file")));
  }

  @Test
  void TestCreateThenReadFile() throws Exception {
    newWritable("a_file");
    expect(FsCode.OK, () -> fs.newRandomAccessFile(uri("a_file")).close());
  }

  @Test
  void TestReadFilePathIsInvalid() throws Exception {
    newWritable("a_file");
    expect(FsCode.FAILED_PRECONDITION, () -> fs.newRandomAccessFile(uri("a_file/a_file")));
  }

  // ------------------------------------------------------------------ NewReadOnlyMemoryRegionFromFile

  @Test
  void TestCreateMemoryRegion() throws Exception {
    expect(FsCode.NOT_FOUND, () -> fs.newReadOnlyMemoryRegionFromFile(uri("a_file")));
  }

  @Test
  void TestCreateMemoryRegionNonExisting() throws Exception {
    expect(FsCode.NOT_FOUND, () -> fs.newReadOnlyMemoryRegionFromFile(uri("dir_not_found/a_file")));
  }

  @Test
  void TestCreateMemoryRegionExistingDir() throws Exception {
    fs.createDir(uri("a_file"));
    expect(FsCode.FAILED_PRECONDITION, () -> fs.newReadOnlyMemoryRegionFromFile(uri("a_file")));
  }

  @Test
  void TestCreateMemoryRegionFromEmptyFile() throws Exception {
    newWritable("a_file");
    expect(FsCode.INVALID_ARGUMENT, () -> fs.newReadOnlyMemoryRegionFromFile(uri("a_file")));
  }

  @Test
  void TestCreateMemoryRegionFromFile() throws Exception {
    writeClosed("a_file");
    ReadOnlyMemoryRegion region = fs.newReadOnlyMemoryRegionFromFile(uri("a_file"));
    assertThat(region.length()).isEqualTo(TEST_DATA.length);
    byte[] got = new byte[(int) region.length()];
    region.data().get(got);
    assertThat(got).isEqualTo(TEST_DATA);
  }

  @Test
  void TestCreateMemoryRegionFromFilePathIsInvalid() throws Exception {
    newWritable("a_file");
    expect(FsCode.FAILED_PRECONDITION, () -> fs.newReadOnlyMemoryRegionFromFile(uri("a_file/a_file")));
  }

  // ------------------------------------------------------------------ CreateDir / RecursivelyCreateDir

  @Test
  void TestCreateDir() throws Exception {
    expect(FsCode.OK, () -> fs.createDir(uri("a_dir")));
  }

  @Test
  void TestCreateDirNoParent() throws Exception {
    expect(FsCode.NOT_FOUND, () -> fs.createDir(uri("dir_not_found/a_dir")));
  }

  @Test
  void TestCreateDirWhichIsFile() throws Exception {
    newWritable("a_file");
    expect(FsCode.ALREADY_EXISTS, () -> fs.createDir(uri("a_file")));
  }

  @Test
  void TestCreateDirTwice() throws Exception {
    fs.createDir(uri("a_dir"));
    expect(FsCode.ALREADY_EXISTS, () -> fs.createDir(uri("a_dir")));
  }

  @Test
  void TestCreateDirPathIsInvalid() throws Exception {
    newWritable("a_file");
    expect(FsCode.FAILED_PRECONDITION, () -> fs.createDir(uri("a_file/a_dir")));
  }

  @Test
  void TestRecursivelyCreateDir() throws Exception {
    expect(FsCode.OK, () -> fs.recursivelyCreateDir(uri("a/path/to/a/dir")));
  }

  @Test
  void TestRecursivelyCreateDirInATree() throws Exception {
    fs.recursivelyCreateDir(uri("a/path/to/a/dir"));
    expect(FsCode.OK, () -> fs.recursivelyCreateDir(uri("a/path/to/a/another/dir")));
  }

  @Test
  void TestRecursivelyCreateDirWhichIsFile() throws Exception {
    newWritable("a_file");
    expect(FsCode.FAILED_PRECONDITION, () -> fs.recursivelyCreateDir(uri("a_file")));
  }

  @Test
  void TestRecursivelyCreateDirTwice() throws Exception {
    fs.recursivelyCreateDir(uri("a/path/to/a/dir"));
    expect(FsCode.OK, () -> fs.recursivelyCreateDir(uri("a/path/to/a/dir")));
  }

  @Test
  void TestRecursivelyCreateDirPathIsInvalid() throws Exception {
    newWritable("a_file");
    expect(FsCode.FAILED_PRECONDITION, () -> fs.recursivelyCreateDir(uri("a_file/a_dir")));
  }

  @Test
  void TestRecursivelyCreateDirFromNestedDir() throws Exception {
    fs.recursivelyCreateDir(uri("some/path"));
    expect(FsCode.OK, () -> fs.recursivelyCreateDir(uri("some/path/that/is/extended")));
  }

  @Test
  void TestRecursivelyCreateDirFromNestedFile() throws Exception {
    fs.recursivelyCreateDir(uri("some/path"));
    newWritable("some/path/to_a_file");
    expect(FsCode.FAILED_PRECONDITION, () -> fs.recursivelyCreateDir(uri("some/path/to_a_file/error")));
  }

  // ------------------------------------------------------------------ DeleteFile / DeleteDir

  @Test
  void TestDeleteFile() throws Exception {
    newWritable("a_file");
    expect(FsCode.OK, () -> fs.deleteFile(uri("a_file")));
  }

  @Test
  void TestDeleteFileFromDirectory() throws Exception {
    fs.createDir(uri("a_dir"));
    newWritable("a_dir/a_file");
    expect(FsCode.OK, () -> fs.deleteFile(uri("a_dir/a_file")));
  }

  @Test
  void TestDeleteFileDoesNotExist() throws Exception {
    expect(FsCode.NOT_FOUND, () -> fs.deleteFile(uri("a_file")));
  }

  @Test
  void TestDeleteFileWhichIsDirectory() throws Exception {
    fs.createDir(uri("a_dir"));
    expect(FsCode.FAILED_PRECONDITION, () -> fs.deleteFile(uri("a_dir")));
  }

  @Test
  void TestDeleteFilePathIsInvalid() throws Exception {
    newWritable("a_file");
    expect(FsCode.FAILED_PRECONDITION, () -> fs.deleteFile(uri("a_file/a_new_file")));
  }

  @Test
  void TestDeleteDirectory() throws Exception {
    fs.createDir(uri("a_dir"));
    expect(FsCode.OK, () -> fs.deleteDir(uri("a_dir")));
  }

  @Test
  void TestDeleteDirectoryFromDirectory() throws Exception {
    fs.createDir(uri("a_dir"));
    expect(FsCode.OK, () -> fs.createDir(uri("a_dir/another_dir")));
    expect(FsCode.OK, () -> fs.deleteDir(uri("a_dir/another_dir")));
  }

  @Test
  void TestDeleteDirectoryDoesNotExist() throws Exception {
    expect(FsCode.NOT_FOUND, () -> fs.deleteDir(uri("a_dir")));
  }

  @Test
  void TestDeleteDirectoryNotEmpty() throws Exception {
    fs.createDir(uri("a_dir"));
    newWritable("a_dir/a_file");
    expect(FsCode.FAILED_PRECONDITION, () -> fs.deleteDir(uri("a_dir")));
  }

  @Test
  void TestDeleteDirectoryWhichIsFile() throws Exception {
    newWritable("a_file");
    expect(FsCode.FAILED_PRECONDITION, () -> fs.deleteDir(uri("a_file")));
  }

  @Test
  void TestDeleteDirectoryPathIsInvalid() throws Exception {
    newWritable("a_file");
    expect(FsCode.FAILED_PRECONDITION, () -> fs.deleteDir(uri("a_file/a_dir")));
  }

  // ------------------------------------------------------------------ DeleteRecursively

  @Test
  void TestDeleteRecursivelyEmpty() throws Exception {
    fs.createDir(uri("a_dir"));
    DeleteResult r = fs.deleteRecursively(uri("a_dir"));
    assertThat(r.undeletedFiles()).isZero();
    assertThat(r.undeletedDirs()).isZero();
  }

  @Test
  void TestDeleteRecursivelyNotEmpty() throws Exception {
    fs.createDir(uri("a_dir"));
    fs.createDir(uri("a_dir/another_dir"));
    fs.createDir(uri("a_dir/yet_another_dir"));
    newWritable("a_dir/a_file");
    DeleteResult r = fs.deleteRecursively(uri("a_dir"));
    assertThat(r.undeletedFiles()).isZero();
    assertThat(r.undeletedDirs()).isZero();
  }

  @Test
  void TestDeleteRecursivelyDoesNotExist() throws Exception {
    // Difference: the NOT_FOUND status is an exception; TensorFlow's counts come with it
    assertThatThrownBy(() -> fs.deleteRecursively(uri("a_dir")))
        .isInstanceOfSatisfying(DeleteIncompleteException.class, e -> {
          assertThat(e.code()).isEqualTo(FsCode.NOT_FOUND);
          assertThat(e.undeleted().undeletedFiles()).isZero();
          assertThat(e.undeleted().undeletedDirs()).isEqualTo(1);
        });
  }

  @Test
  void TestDeleteRecursivelyAFile() throws Exception {
    newWritable("a_file");
    DeleteResult r = fs.deleteRecursively(uri("a_file"));
    assertThat(r.undeletedFiles()).isZero();
    assertThat(r.undeletedDirs()).isZero();
  }

  @Test
  void TestDeleteRecursivelyPathIsInvalid() throws Exception {
    newWritable("a_file");
    expect(FsCode.FAILED_PRECONDITION, () -> fs.deleteRecursively(uri("a_file/a_dir")));
  }

  @Test
  void TestDeleteRecursivelyANestedDir() throws Exception {
    fs.recursivelyCreateDir(uri("parent/path"));
    fs.recursivelyCreateDir(uri("parent/path/that/is/extended"));
    DeleteResult r = fs.deleteRecursively(uri("parent/path/that"));
    assertThat(r.undeletedFiles()).isZero();
    assertThat(r.undeletedDirs()).isZero();
    expect(FsCode.OK, () -> fs.fileExists(uri("parent/path")));
  }

  @Test
  void TestDeleteRecursivelyANestedFile() throws Exception {
    fs.recursivelyCreateDir(uri("some/path"));
    newWritable("some/path/to_a_file");
    DeleteResult r = fs.deleteRecursively(uri("some/path/to_a_file"));
    assertThat(r.undeletedFiles()).isZero();
    assertThat(r.undeletedDirs()).isZero();
    expect(FsCode.OK, () -> fs.fileExists(uri("some/path")));
  }

  // ------------------------------------------------------------------ RenameFile

  @Test
  void TestRenameFile() throws Exception {
    newWritable("a_file");
    expect(FsCode.OK, () -> fs.renameFile(uri("a_file"), uri("a_new_file")));
    expect(FsCode.NOT_FOUND, () -> fs.fileExists(uri("a_file")));
    expect(FsCode.OK, () -> fs.fileExists(uri("a_new_file")));
  }

  @Test
  void TestRenameFileOverwrite() throws Exception {
    newWritable("a_file");
    newWritable("a_file"); // sic: TensorFlow opens the source twice
    expect(FsCode.OK, () -> fs.renameFile(uri("a_file"), uri("a_new_file")));
    expect(FsCode.NOT_FOUND, () -> fs.fileExists(uri("a_file")));
    expect(FsCode.OK, () -> fs.fileExists(uri("a_new_file")));
  }

  @Test
  void TestRenameFileSourceNotFound() throws Exception {
    expect(FsCode.NOT_FOUND, () -> fs.renameFile(uri("a_file"), uri("a_new_file")));
  }

  @Test
  void TestRenameFileDestinationParentNotFound() throws Exception {
    newWritable("a_file");
    expect(FsCode.NOT_FOUND, () -> fs.renameFile(uri("a_file"), uri("a_dir/a_file")));
  }

  @Test
  void TestRenameFileSourceIsDirectory() throws Exception {
    fs.createDir(uri("a_dir"));
    expect(FsCode.FAILED_PRECONDITION, () -> fs.renameFile(uri("a_dir"), uri("a_new_file")));
  }

  @Test
  void TestRenameFileTargetIsDirectory() throws Exception {
    newWritable("a_file");
    fs.createDir(uri("a_dir"));
    expect(FsCode.FAILED_PRECONDITION, () -> fs.renameFile(uri("a_file"), uri("a_dir")));
  }

  @Test
  void TestRenameFileSourcePathIsInvalid() throws Exception {
    newWritable("a_file");
    expect(FsCode.FAILED_PRECONDITION, () -> fs.renameFile(uri("a_file/x"), uri("a_new_file")));
  }

  @Test
  void TestRenameFileTargetPathIsInvalid() throws Exception {
    newWritable("a_file");
    newWritable("a_file");
    expect(FsCode.FAILED_PRECONDITION, () -> fs.renameFile(uri("a_file"), uri("a_file/a_new_file")));
  }

  @Test
  void TestRenameFileCompareContents() throws Exception {
    writeClosed("a_file");
    expect(FsCode.OK, () -> fs.renameFile(uri("a_file"), uri("a_new_file")));
    assertThat(fs.getFileSize(uri("a_new_file"))).isEqualTo(TEST_DATA.length);
  }

  // ------------------------------------------------------------------ CopyFile

  @Test
  void TestCopyFile() throws Exception {
    newWritable("a_file");
    expect(FsCode.OK, () -> fs.copyFile(uri("a_file"), uri("a_new_file")));
    expect(FsCode.OK, () -> fs.fileExists(uri("a_file")));
    expect(FsCode.OK, () -> fs.fileExists(uri("a_new_file")));
  }

  @Test
  void TestCopyFileOverwrite() throws Exception {
    newWritable("a_file");
    newWritable("a_file"); // sic: TensorFlow opens the source twice
    expect(FsCode.OK, () -> fs.copyFile(uri("a_file"), uri("a_new_file")));
    expect(FsCode.OK, () -> fs.fileExists(uri("a_file")));
    expect(FsCode.OK, () -> fs.fileExists(uri("a_new_file")));
  }

  @Test
  void TestCopyFileSourceNotFound() throws Exception {
    expect(FsCode.NOT_FOUND, () -> fs.copyFile(uri("a_file"), uri("a_new_file")));
  }

  @Test
  void TestCopyFileSourceIsDirectory() throws Exception {
    fs.createDir(uri("a_dir"));
    expect(FsCode.FAILED_PRECONDITION, () -> fs.copyFile(uri("a_dir"), uri("a_new_file")));
  }

  @Test
  void TestCopyFileTargetIsDirectory() throws Exception {
    newWritable("a_file");
    fs.createDir(uri("a_dir"));
    expect(FsCode.FAILED_PRECONDITION, () -> fs.copyFile(uri("a_file"), uri("a_dir")));
  }

  @Test
  void TestCopyFileSourcePathIsInvalid() throws Exception {
    newWritable("a_file");
    expect(FsCode.FAILED_PRECONDITION, () -> fs.copyFile(uri("a_file/x"), uri("a_new_file")));
  }

  @Test
  void TestCopyFileTargetPathIsInvalid() throws Exception {
    newWritable("a_file");
    newWritable("a_file");
    expect(FsCode.FAILED_PRECONDITION, () -> fs.copyFile(uri("a_file"), uri("a_file/a_new_file")));
  }

  @Test
  void TestCopyFileCompareContents() throws Exception {
    writeClosed("a_file");
    expect(FsCode.OK, () -> fs.copyFile(uri("a_file"), uri("a_new_file")));
    assertThat(fs.getFileSize(uri("a_file"))).isEqualTo(TEST_DATA.length);
    assertThat(fs.getFileSize(uri("a_new_file"))).isEqualTo(TEST_DATA.length);
  }

  // ------------------------------------------------------------------ FileExists / FilesExist

  @Test
  void TestFileExists() throws Exception {
    newWritable("a_file");
    expect(FsCode.OK, () -> fs.fileExists(uri("a_file")));
  }

  @Test
  void TestFileExistsButIsDirectory() throws Exception {
    fs.createDir(uri("a_file"));
    expect(FsCode.OK, () -> fs.fileExists(uri("a_file")));
  }

  @Test
  void TestFileExistsNotFound() throws Exception {
    expect(FsCode.NOT_FOUND, () -> fs.fileExists(uri("a_file")));
  }

  @Test
  void TestFileExistsPathIsInvalid() throws Exception {
    newWritable("a_file");
    expect(FsCode.FAILED_PRECONDITION, () -> fs.fileExists(uri("a_file/a_new_file")));
  }

  @Test
  void TestFilesExist() throws Exception {
    List<String> filenames = List.of(uri("a"), uri("b"));
    for (String f : filenames) {
      openWriters.add(fs.newWritableFile(f));
    }
    // Difference: gdpstore returns one status per path (TensorFlow: a boolean plus the statuses)
    assertThat(fs.filesExist(filenames)).containsExactly(FsCode.OK, FsCode.OK);
  }

  @Test
  void TestFilesExistAllFailureModes() throws Exception {
    List<String> filenames = List.of(uri("a_dir"), uri("a_file"), uri("a_file/a_new_file"), uri("file_not_found"));
    fs.createDir(filenames.get(0));
    openWriters.add(fs.newWritableFile(filenames.get(1)));
    assertThat(fs.filesExist(filenames))
        .containsExactly(FsCode.OK, FsCode.OK, FsCode.FAILED_PRECONDITION, FsCode.NOT_FOUND);
  }

  @Test
  void TestFilesExistsNoFiles() throws Exception {
    assertThat(fs.filesExist(List.of())).isEmpty();
  }

  // ------------------------------------------------------------------ Stat / IsDirectory / GetFileSize

  @Test
  void TestStatEmptyFile() throws Exception {
    newWritable("a_file");
    FileStatistics stat = fs.stat(uri("a_file"));
    assertThat(stat.isDirectory()).isFalse();
    assertThat(stat.length()).isZero();
  }

  @Test
  void TestStatNonEmptyFile() throws Exception {
    writeClosed("a_file");
    FileStatistics stat = fs.stat(uri("a_file"));
    assertThat(stat.isDirectory()).isFalse();
    assertThat(stat.length()).isEqualTo(TEST_DATA.length);
  }

  @Test
  void TestStatDirectory() throws Exception {
    fs.createDir(uri("a_dir"));
    assertThat(fs.stat(uri("a_dir")).isDirectory()).isTrue();
  }

  @Test
  void TestStatNotFound() throws Exception {
    expect(FsCode.NOT_FOUND, () -> fs.stat(uri("a_dir")));
  }

  @Test
  void TestStatPathIsInvalid() throws Exception {
    newWritable("a_file");
    expect(FsCode.FAILED_PRECONDITION, () -> fs.stat(uri("a_file/a_new_file")));
  }

  @Test
  void TestIsDirectory() throws Exception {
    fs.createDir(uri("a_dir"));
    expect(FsCode.OK, () -> fs.isDirectory(uri("a_dir")));
  }

  @Test
  void TestIsDirectoryFile() throws Exception {
    newWritable("a_file");
    expect(FsCode.FAILED_PRECONDITION, () -> fs.isDirectory(uri("a_file")));
  }

  @Test
  void TestIsDirectoryNotFound() throws Exception {
    expect(FsCode.NOT_FOUND, () -> fs.isDirectory(uri("a_dir")));
  }

  @Test
  void TestIsDirectoryPathIsInvalid() throws Exception {
    newWritable("a_file");
    expect(FsCode.FAILED_PRECONDITION, () -> fs.isDirectory(uri("a_file/a_new_file")));
  }

  @Test
  void TestGetFileSizeEmptyFile() throws Exception {
    newWritable("a_file");
    assertThat(fs.getFileSize(uri("a_file"))).isZero();
  }

  @Test
  void TestGetFileSizeNonEmptyFile() throws Exception {
    writeClosed("a_file");
    assertThat(fs.getFileSize(uri("a_file"))).isEqualTo(TEST_DATA.length);
  }

  @Test
  void TestGetFileSizeDirectory() throws Exception {
    fs.createDir(uri("a_dir"));
    expect(FsCode.FAILED_PRECONDITION, () -> fs.getFileSize(uri("a_dir")));
  }

  @Test
  void TestGetFileSizeNotFound() throws Exception {
    expect(FsCode.NOT_FOUND, () -> fs.getFileSize(uri("a_dir")));
  }

  @Test
  void TestGetFileSizePathIsInvalid() throws Exception {
    newWritable("a_file");
    expect(FsCode.FAILED_PRECONDITION, () -> fs.getFileSize(uri("a_file/a_new_file")));
  }

  // ------------------------------------------------------------------ GetChildren

  @Test
  void TestGetChildren() throws Exception {
    fs.createDir(uri("dir"));
    newWritable("dir/a_file");
    newWritable("dir/another_file");
    fs.createDir(uri("dir/a_dir"));
    fs.createDir(uri("dir/another_dir"));
    assertThat(fs.getChildren(uri("dir")))
        .containsExactlyInAnyOrder("a_file", "another_file", "a_dir", "another_dir");
  }

  @Test
  void TestGetChildrenEmpty() throws Exception {
    fs.createDir(uri("dir"));
    assertThat(fs.getChildren(uri("dir"))).isEmpty();
  }

  @Test
  void TestGetChildrenOfFile() throws Exception {
    newWritable("a_file");
    expect(FsCode.FAILED_PRECONDITION, () -> fs.getChildren(uri("a_file")));
  }

  @Test
  void TestGetChildrenPathNotFound() throws Exception {
    expect(FsCode.NOT_FOUND, () -> fs.getChildren(uri("a_dir")));
  }

  @Test
  void TestGetChildrenPathIsInvalid() throws Exception {
    newWritable("a_file");
    expect(FsCode.FAILED_PRECONDITION, () -> fs.getChildren(uri("a_file/a_new_dir")));
  }

  // ------------------------------------------------------------------ GetMatchingPaths
  // Difference: gdpstore returns normalized paths (/tf_x/a_file), not URIs (gdp://root/tf_x/a_file).

  private void fourFiles() throws FsException {
    for (String f : List.of("a_file", "another_file", "some_file", "yet_another_file")) {
      newWritable(f);
    }
  }

  @Test
  void TestGetMatchingPaths() throws Exception {
    fourFiles();
    assertThat(fs.getMatchingPaths(uri("/a*"))).containsExactlyInAnyOrder(abs("a_file"), abs("another_file"));
  }

  @Test
  void TestGetMatchingPathsEmptyFileSystem() throws Exception {
    assertThat(fs.getMatchingPaths(uri("a*"))).isEmpty();
  }

  @Test
  void TestGetMatchingPathsEmptyPattern() throws Exception {
    fourFiles();
    assertThat(fs.getMatchingPaths(uri(""))).containsExactly(abs(""));
    assertThat(fs.getMatchingPaths("")).isEmpty(); // the empty string itself: OK, no match
  }

  @Test
  void TestGetMatchingPathsLiteralMatch() throws Exception {
    fourFiles();
    assertThat(fs.getMatchingPaths(uri("a_file"))).containsExactly(abs("a_file"));
  }

  @Test
  void TestGetMatchingPathsNoMatch() throws Exception {
    fourFiles();
    assertThat(fs.getMatchingPaths(uri("x?y*"))).isEmpty();
  }

  // ------------------------------------------------------------------ WritableFile / RandomAccessFile

  @Test
  void TestAppendAndTell() throws Exception {
    WritableFile file = newWritable("a_file");
    assertThat(file.tell()).isZero();
    file.append(TEST_DATA);
    assertThat(file.tell()).isEqualTo(TEST_DATA.length);
  }

  @Test
  void TestClose() throws Exception {
    WritableFile file = newWritable("a_file");
    expect(FsCode.OK, file::close);
  }

  @Test
  void TestRoundTrip() throws Exception {
    writeClosed("a_file");
    try (GdpRandomAccessFile in = fs.newRandomAccessFile(uri("a_file"))) {
      assertThat(in.readFully(0, TEST_DATA.length)).isEqualTo(TEST_DATA);
    }
  }

  @Test
  void TestRoundTripWithAppendableFile() throws Exception {
    writeClosed("a_file");
    WritableFile same = newAppendable("a_file");
    byte[] more = "qwer".getBytes(UTF_8);
    same.append(more);
    same.flush();
    same.close();
    try (GdpRandomAccessFile in = fs.newRandomAccessFile(uri("a_file"))) {
      assertThat(new String(in.readFully(0, 8), UTF_8)).isEqualTo("asdfqwer");
      assertThat(new String(in.readFully(4, 4), UTF_8)).isEqualTo("qwer");
    }
  }

  @Test
  void TestReadOutOfRange() throws Exception {
    writeClosed("a_file");
    try (GdpRandomAccessFile in = fs.newRandomAccessFile(uri("a_file"))) {
      expect(FsCode.OUT_OF_RANGE, () -> in.readFully(0, TEST_DATA.length + 1));
      // Difference: TensorFlow's partial read with OUT_OF_RANGE is read()'s short count
      ByteBuffer dst = ByteBuffer.allocate(TEST_DATA.length + 1);
      assertThat(in.read(0, dst)).isEqualTo(TEST_DATA.length);
    }
  }
}
