package org.gdpstore.fs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Our Java port of the case list of TensorFlow's modular filesystem compliance test: for every
 * operation, the expected status on a missing path, an existing file, an existing directory, a
 * path whose parent is a file, a missing parent, an empty file, and the normal case. Subclasses
 * choose the log back end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FsComplianceTest {
  LogBackend backend;
  GdpFileSystem fs;

  abstract LogBackend newBackend();

  @BeforeAll
  void startBackend() {
    backend = newBackend();
  }

  @AfterAll
  void stopBackend() {
    backend.close();
  }

  @BeforeEach
  void newFs() throws FsException {
    fs = backend.mkfs(FsOptions.builder().chunkSize(1000).cacheBytes(1 << 20).build());
    // a file "/f" and a directory "/d" exist in every test
    file("/f", "file");
    fs.createDir("/d");
  }

  @AfterEach
  void closeFs() {
    fs.close();
  }

  interface Call {
    void run() throws Exception;
  }

  static void assertCode(FsCode code, Call call) {
    assertThatThrownBy(call::run).isInstanceOf(FsException.class)
        .satisfies(e -> assertThat(((FsException) e).code()).as(e.getMessage()).isEqualTo(code));
  }

  void file(String path, String content) throws FsException {
    fs.writeFile(path, content.getBytes(UTF_8));
  }

  String read(String path) throws FsException {
    return new String(fs.readFile(path), UTF_8);
  }

  @Nested
  class Paths {
    @Test
    void normalization() throws FsException {
      assertThat(FsPaths.normalize("gdp://root/a/convoluted/../path/./to/.//.///a/file"))
          .isEqualTo("/a/path/to/a/file");
      assertThat(FsPaths.normalize("a/b/")).isEqualTo("/a/b");
      assertThat(FsPaths.normalize("/")).isEqualTo("/");
      assertThat(FsPaths.normalize("/a/..")).isEqualTo("/");
      assertThat(FsPaths.cleanPath("a//b/./c/..")).isEqualTo("a/b");
      assertThat(FsPaths.cleanPath("../x")).isEqualTo("../x");
      assertThat(FsPaths.join("/a", "b/", "/c")).isEqualTo("/a/b/c");
      assertThat(FsPaths.basename("/a/b.txt")).isEqualTo("b.txt");
      assertThat(FsPaths.dirname("/a/b.txt")).isEqualTo("/a");
      assertThat(FsPaths.extension("/a/b.txt")).isEqualTo("txt");
    }

    @Test
    void badPathsAreRefused() {
      assertCode(FsCode.INVALID_ARGUMENT, () -> FsPaths.normalize(""));
      assertCode(FsCode.INVALID_ARGUMENT, () -> FsPaths.normalize("/.."));
      assertCode(FsCode.INVALID_ARGUMENT, () -> FsPaths.normalize("/a/../../b"));
      assertCode(FsCode.INVALID_ARGUMENT, () -> FsPaths.normalize("/a\0b"));
      assertCode(FsCode.INVALID_ARGUMENT, () -> FsPaths.normalize("/" + "x".repeat(256)));
      assertCode(FsCode.INVALID_ARGUMENT, () -> FsPaths.normalize(("/" + "y".repeat(200)).repeat(21)));
      assertCode(FsCode.INVALID_ARGUMENT, () -> fs.createDir("/../escape"));
      assertCode(FsCode.INVALID_ARGUMENT, () -> fs.writeFile("/nul\0", new byte[1]));
      assertThat(fs.exists("/../escape")).isFalse();
    }

    @Test
    void gdpUris() throws FsException {
      assertThat(fs.uri()).isEqualTo("gdp://" + fs.rootName().printable());
      assertThat(GdpFileSystem.rootName(fs.uri() + "/f")).isEqualTo(fs.rootName());
      assertThat(fs.readFile(fs.uri() + "/f")).isEqualTo("file".getBytes(UTF_8));
      assertThat(fs.getChildren(fs.uri())).containsExactly("d", "f");
      String other = "gdp://" + org.gdpstore.wire.GdpName.sha256("another").printable() + "/f";
      assertCode(FsCode.INVALID_ARGUMENT, () -> fs.readFile(other));
      assertCode(FsCode.INVALID_ARGUMENT, () -> GdpFileSystem.rootName("gdp://not-a-name/x"));
    }
  }

  @Nested
  class RandomAccess {
    @Test
    void missingIsNotFound() {
      assertCode(FsCode.NOT_FOUND, () -> fs.newRandomAccessFile("/missing"));
    }

    @Test
    void directoryIsFailedPrecondition() {
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.newRandomAccessFile("/d"));
    }

    @Test
    void parentIsFileIsFailedPrecondition() {
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.newRandomAccessFile("/f/x"));
    }

    @Test
    void emptyFileReadsNothing() throws Exception {
      file("/e", "");
      try (GdpRandomAccessFile r = fs.newRandomAccessFile("/e")) {
        assertThat(r.length()).isZero();
        assertThat(r.read(0, ByteBuffer.allocate(10))).isZero();
        assertCode(FsCode.OUT_OF_RANGE, () -> r.readFully(0, 1));
        assertThat(r.readFully(0, 0)).isEmpty();
      }
    }

    @Test
    void readPastEndIsShort() throws Exception {
      try (GdpRandomAccessFile r = fs.newRandomAccessFile("/f")) {
        ByteBuffer b = ByteBuffer.allocate(10);
        assertThat(r.read(2, b)).isEqualTo(2);
        assertThat(new String(b.array(), 0, 2, UTF_8)).isEqualTo("le");
        assertThat(r.read(100, ByteBuffer.allocate(5))).isZero();
        assertCode(FsCode.OUT_OF_RANGE, () -> r.readFully(1, 4));
        assertThat(new String(r.readFully(1, 3), UTF_8)).isEqualTo("ile");
        assertCode(FsCode.INVALID_ARGUMENT, () -> r.read(-1, ByteBuffer.allocate(1)));
      }
    }

    @Test
    void multiChunkRandomReads() throws Exception {
      byte[] data = new byte[25_000];
      new Random(7).nextBytes(data);
      fs.writeFile("/big", data);
      Random rnd = new Random(8);
      try (GdpRandomAccessFile r = fs.newRandomAccessFile("/big")) {
        for (int i = 0; i < 200; i++) {
          int off = rnd.nextInt(data.length);
          int n = rnd.nextInt(3000);
          ByteBuffer b = ByteBuffer.allocate(n);
          int got = r.read(off, b);
          assertThat(got).isEqualTo(Math.min(n, data.length - off));
          assertThat(Arrays.copyOf(b.array(), got)).isEqualTo(Arrays.copyOfRange(data, off, off + got));
        }
      }
      assertThat(fs.readFile("/big")).isEqualTo(data);
    }

    @Test
    void readerKeepsTheVersionItOpened() throws Exception {
      try (GdpRandomAccessFile r = fs.newRandomAccessFile("/f")) {
        file("/f", "replaced content");
        assertThat(new String(r.readFully(0, 4), UTF_8)).isEqualTo("file");
      }
      assertThat(read("/f")).isEqualTo("replaced content");
    }
  }

  @Nested
  class Writable {
    @Test
    void createsAndOverwrites() throws Exception {
      file("/new", "one");
      assertThat(read("/new")).isEqualTo("one");
      file("/new", "two!");
      assertThat(read("/new")).isEqualTo("two!");
    }

    @Test
    void existsHereFromCreationAndElsewhereFromClose() throws Exception {
      long before = fs.head();
      WritableFile w = fs.newWritableFile("/late");
      w.append("abc".getBytes(UTF_8));
      w.sync();
      // this instance sees the file being written, with its bytes so far, without a commit
      assertThat(fs.exists("/late")).isTrue();
      assertThat(fs.getFileSize("/late")).isEqualTo(3);
      assertThat(read("/late")).isEqualTo("abc");
      assertThat(fs.getChildren("/")).contains("late");
      assertThat(fs.head()).isEqualTo(before);
      // another instance on the same directory log sees it only once published
      try (GdpFileSystem other = backend.open(fs.rootName(), null, FsOptions.DEFAULT)) {
        assertThat(other.exists("/late")).isFalse();
        assertThat(fs.snapshot().exists("/late")).isFalse();
        w.close();
        other.refresh();
        assertThat(new String(other.readFile("/late"), UTF_8)).isEqualTo("abc");
      }
      assertThat(fs.head()).isEqualTo(before + 1);
    }

    @Test
    void directoryIsFailedPrecondition() {
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.newWritableFile("/d"));
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.newWritableFile("/"));
    }

    @Test
    void missingParentIsNotFound() {
      assertCode(FsCode.NOT_FOUND, () -> fs.newWritableFile("/nodir/x"));
    }

    @Test
    void parentIsFileIsFailedPrecondition() {
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.newWritableFile("/f/x"));
    }

    @Test
    void appendAfterCloseIsFailedPrecondition() throws Exception {
      WritableFile w = fs.newWritableFile("/c");
      w.close();
      w.close(); // idempotent
      assertCode(FsCode.FAILED_PRECONDITION, () -> w.append(new byte[1]));
      assertCode(FsCode.FAILED_PRECONDITION, () -> w.sync());
      assertCode(FsCode.FAILED_PRECONDITION, () -> w.tell());
    }

    @Test
    void parentOfAFileBeingWrittenIsNotEmpty() throws Exception {
      fs.createDir("/busy");
      WritableFile w = fs.newWritableFile("/busy/x");
      w.append(new byte[10]);
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.deleteDir("/busy"));
      assertCode(FsCode.ALREADY_EXISTS, () -> fs.createDir("/busy/x"));
      w.close();
      assertThat(fs.getFileSize("/busy/x")).isEqualTo(10);
    }

    @Test
    void deletedWhileWrittenPublishesNothing() throws Exception {
      WritableFile w = fs.newWritableFile("/doomed");
      w.append(new byte[10]);
      fs.deleteFile("/doomed");
      assertThat(fs.exists("/doomed")).isFalse();
      long head = fs.head();
      w.close();
      assertThat(fs.exists("/doomed")).isFalse();
      assertThat(fs.head()).isEqualTo(head);
    }

    @Test
    void renamedWhileWrittenIsPublishedAtTheNewName() throws Exception {
      WritableFile w = fs.newWritableFile("/draft");
      w.append("ab".getBytes(UTF_8));
      fs.renameFile("/draft", "/d/final");
      w.append("c".getBytes(UTF_8));
      assertThat(fs.exists("/draft")).isFalse();
      assertThat(read("/d/final")).isEqualTo("abc");
      w.close();
      assertThat(read("/d/final")).isEqualTo("abc");
      assertThat(fs.exists("/draft")).isFalse();
    }
  }

  @Nested
  class Appendable {
    @Test
    void missingIsCreated() throws Exception {
      try (WritableFile w = fs.newAppendableFile("/a")) {
        w.append("x".getBytes(UTF_8));
      }
      assertThat(read("/a")).isEqualTo("x");
    }

    @Test
    void existingIsContinued() throws Exception {
      byte[] first = new byte[2500];
      new Random(1).nextBytes(first);
      fs.writeFile("/a", first);
      byte[] more = new byte[1700];
      new Random(2).nextBytes(more);
      try (WritableFile w = fs.newAppendableFile("/a")) {
        assertThat(w.tell()).isEqualTo(2500);
        w.append(more);
      }
      byte[] all = new byte[4200];
      System.arraycopy(first, 0, all, 0, 2500);
      System.arraycopy(more, 0, all, 2500, 1700);
      assertThat(fs.readFile("/a")).isEqualTo(all);
      try (GdpRandomAccessFile r = fs.newRandomAccessFile("/a")) {
        assertThat(r.readFully(2400, 300)).isEqualTo(Arrays.copyOfRange(all, 2400, 2700));
      }
    }

    @Test
    void errors() {
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.newAppendableFile("/d"));
      assertCode(FsCode.NOT_FOUND, () -> fs.newAppendableFile("/nodir/x"));
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.newAppendableFile("/f/x"));
    }
  }

  @Nested
  class MemoryRegion {
    @Test
    void content() throws Exception {
      ReadOnlyMemoryRegion m = fs.newReadOnlyMemoryRegionFromFile("/f");
      assertThat(m.length()).isEqualTo(4);
      assertThat(UTF_8.decode(m.data()).toString()).isEqualTo("file");
      assertThat(m.data().isReadOnly()).isTrue();
    }

    @Test
    void errors() throws Exception {
      file("/e", "");
      assertCode(FsCode.INVALID_ARGUMENT, () -> fs.newReadOnlyMemoryRegionFromFile("/e"));
      assertCode(FsCode.NOT_FOUND, () -> fs.newReadOnlyMemoryRegionFromFile("/missing"));
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.newReadOnlyMemoryRegionFromFile("/d"));
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.newReadOnlyMemoryRegionFromFile("/f/x"));
    }
  }

  @Nested
  class CreateDir {
    @Test
    void createsAndRefusesExisting() throws Exception {
      fs.createDir("/d/sub");
      fs.isDirectory("/d/sub");
      assertCode(FsCode.ALREADY_EXISTS, () -> fs.createDir("/d/sub"));
      assertCode(FsCode.ALREADY_EXISTS, () -> fs.createDir("/f"));
      assertCode(FsCode.ALREADY_EXISTS, () -> fs.createDir("/"));
      assertCode(FsCode.NOT_FOUND, () -> fs.createDir("/x/y"));
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.createDir("/f/y"));
    }

    @Test
    void recursive() throws Exception {
      fs.recursivelyCreateDir("/r/s/t");
      fs.isDirectory("/r");
      fs.isDirectory("/r/s/t");
      fs.recursivelyCreateDir("/r/s/t");
      fs.recursivelyCreateDir("/");
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.recursivelyCreateDir("/f"));
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.recursivelyCreateDir("/f/a/b"));
    }
  }

  @Nested
  class Delete {
    @Test
    void deleteFile() throws Exception {
      fs.deleteFile("/f");
      assertThat(fs.exists("/f")).isFalse();
      assertCode(FsCode.NOT_FOUND, () -> fs.deleteFile("/f"));
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.deleteFile("/d"));
      assertCode(FsCode.NOT_FOUND, () -> fs.deleteFile("/nodir/x"));
      file("/f", "again");
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.deleteFile("/f/x"));
    }

    @Test
    void deleteDir() throws Exception {
      fs.createDir("/d/sub");
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.deleteDir("/d"));
      fs.deleteDir("/d/sub");
      fs.deleteDir("/d");
      assertCode(FsCode.NOT_FOUND, () -> fs.deleteDir("/d"));
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.deleteDir("/f"));
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.deleteDir("/f/x"));
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.deleteDir("/"));
    }

    @Test
    void deleteRecursively() throws Exception {
      fs.recursivelyCreateDir("/d/a/b");
      file("/d/a/b/x", "x");
      file("/d/y", "y");
      long before = fs.head();
      assertThat(fs.deleteRecursively("/d")).isEqualTo(new DeleteResult(0, 0));
      assertThat(fs.head()).as("one commit").isEqualTo(before + 1);
      assertThat(fs.exists("/d")).isFalse();
      assertThat(fs.exists("/d/a/b/x")).isFalse();
      assertThat(fs.deleteRecursively("/f")).isEqualTo(new DeleteResult(0, 0));
      assertThat(fs.exists("/f")).isFalse();
      assertCode(FsCode.NOT_FOUND, () -> fs.deleteRecursively("/missing"));
      file("/f", "f");
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.deleteRecursively("/f/x"));
      fs.deleteRecursively("/");
      assertThat(fs.getChildren("/")).isEmpty();
    }
  }

  @Nested
  class Rename {
    @Test
    void fileRenameAndOverwrite() throws Exception {
      fs.renameFile("/f", "/d/g");
      assertThat(fs.exists("/f")).isFalse();
      assertThat(read("/d/g")).isEqualTo("file");
      file("/h", "hhh");
      fs.renameFile("/h", "/d/g");
      assertThat(read("/d/g")).isEqualTo("hhh");
      fs.renameFile("/d/g", "/d/g");
      assertThat(read("/d/g")).isEqualTo("hhh");
    }

    @Test
    void errors() throws Exception {
      fs.createDir("/full");
      file("/full/x", "x");
      fs.createDir("/empty");
      assertCode(FsCode.NOT_FOUND, () -> fs.renameFile("/missing", "/z"));
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.renameFile("/f/x", "/z"));
      assertCode(FsCode.NOT_FOUND, () -> fs.renameFile("/f", "/nodir/z"));
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.renameFile("/d", "/f/z"));
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.renameFile("/f", "/d"));
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.renameFile("/d", "/f"));
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.renameFile("/d", "/full"));
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.renameFile("/d", "/d/inside"));
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.renameFile("/", "/x"));
      assertThat(read("/f")).isEqualTo("file");
      fs.isDirectory("/d");
    }

    @Test
    void directoryTreeMovesInOneCommit() throws Exception {
      fs.recursivelyCreateDir("/d/a/b");
      file("/d/a/b/x", "x");
      file("/d/y", "y");
      fs.createDir("/empty");
      long before = fs.head();
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.renameFile("/d", "/empty"));
      fs.renamePath("/d", "/empty");
      assertThat(fs.head()).isEqualTo(before + 1);
      assertThat(fs.exists("/d")).isFalse();
      assertThat(read("/empty/a/b/x")).isEqualTo("x");
      assertThat(read("/empty/y")).isEqualTo("y");
      assertThat(fs.getChildren("/empty")).containsExactly("a", "y");
      assertThat(fs.hasAtomicMove("/empty")).isTrue();
      assertThat(fs.canCreateTempFile("/empty")).isTrue();
    }
  }

  @Nested
  class Copy {
    @Test
    void copies() throws Exception {
      fs.copyFile("/f", "/d/c");
      assertThat(read("/d/c")).isEqualTo("file");
      try (WritableFile w = fs.newAppendableFile("/d/c")) {
        w.append("++".getBytes(UTF_8));
      }
      assertThat(read("/d/c")).isEqualTo("file++");
      assertThat(read("/f")).isEqualTo("file");
      try (WritableFile w = fs.newAppendableFile("/f")) {
        w.append("--".getBytes(UTF_8));
      }
      assertThat(read("/f")).isEqualTo("file--");
      assertThat(read("/d/c")).isEqualTo("file++");
      fs.copyFile("/f", "/f");
      assertThat(read("/f")).isEqualTo("file--");
      file("/o", "old");
      fs.copyFile("/f", "/o");
      assertThat(read("/o")).isEqualTo("file--");
    }

    @Test
    void errors() {
      assertCode(FsCode.NOT_FOUND, () -> fs.copyFile("/missing", "/z"));
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.copyFile("/d", "/z"));
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.copyFile("/f", "/d"));
      assertCode(FsCode.NOT_FOUND, () -> fs.copyFile("/f", "/nodir/z"));
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.copyFile("/f", "/f/z"));
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.copyFile("/f/x", "/z"));
    }
  }

  @Nested
  class Queries {
    @Test
    void fileExists() throws Exception {
      fs.fileExists("/f");
      fs.fileExists("/d");
      fs.fileExists("/");
      assertCode(FsCode.NOT_FOUND, () -> fs.fileExists("/missing"));
      assertCode(FsCode.NOT_FOUND, () -> fs.fileExists("/nodir/x"));
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.fileExists("/f/x"));
      assertThat(fs.filesExist(List.of("/f", "/missing", "/f/x", "")))
          .containsExactly(FsCode.OK, FsCode.NOT_FOUND, FsCode.FAILED_PRECONDITION, FsCode.INVALID_ARGUMENT);
    }

    @Test
    void children() throws Exception {
      file("/d/b", "b");
      fs.createDir("/d/a");
      file("/d/a/deep", "deep");
      file("/d/a.txt", "t");
      assertThat(fs.getChildren("/d")).containsExactly("a", "a.txt", "b");
      assertThat(fs.getChildren("/")).containsExactly("d", "f");
      fs.createDir("/empty");
      assertThat(fs.getChildren("/empty")).isEmpty();
      assertCode(FsCode.NOT_FOUND, () -> fs.getChildren("/missing"));
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.getChildren("/f"));
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.getChildren("/f/x"));
    }

    @Test
    void statSizeIsDirectory() throws Exception {
      FileStatistics s = fs.stat("/f");
      assertThat(s.length()).isEqualTo(4);
      assertThat(s.isDirectory()).isFalse();
      assertThat(s.mtimeNanos()).isPositive();
      assertThat(fs.stat("/d").isDirectory()).isTrue();
      assertThat(fs.stat("/").isDirectory()).isTrue();
      assertCode(FsCode.NOT_FOUND, () -> fs.stat("/missing"));
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.stat("/f/x"));
      assertThat(fs.getFileSize("/f")).isEqualTo(4);
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.getFileSize("/d"));
      assertCode(FsCode.NOT_FOUND, () -> fs.getFileSize("/missing"));
      fs.isDirectory("/d");
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.isDirectory("/f"));
      assertCode(FsCode.NOT_FOUND, () -> fs.isDirectory("/missing"));
      assertCode(FsCode.FAILED_PRECONDITION, () -> fs.isDirectory("/f/x"));
    }

    @Test
    void matchingPaths() throws Exception {
      fs.recursivelyCreateDir("/a/b");
      for (String p : List.of("/a/x.txt", "/a/y.txt", "/a/b.log", "/a/b/z.txt", "/a/*star", "/a/[br]")) {
        file(p, p);
      }
      assertThat(fs.getMatchingPaths("/a/*.txt")).containsExactly("/a/x.txt", "/a/y.txt");
      assertThat(fs.getMatchingPaths("/a/?.txt")).containsExactly("/a/x.txt", "/a/y.txt");
      assertThat(fs.getMatchingPaths("/a/[xz].txt")).containsExactly("/a/x.txt");
      assertThat(fs.getMatchingPaths("/a/[^x].txt")).containsExactly("/a/y.txt");
      assertThat(fs.getMatchingPaths("/a/[a-c]*")).containsExactly("/a/b", "/a/b.log");
      assertThat(fs.getMatchingPaths("/*/b/*")).containsExactly("/a/b/z.txt");
      assertThat(fs.getMatchingPaths("/a/*")).hasSize(6).doesNotContain("/a/b/z.txt");
      assertThat(fs.getMatchingPaths("/a/\\*star")).containsExactly("/a/*star");
      assertThat(fs.getMatchingPaths("/a/\\[br\\]")).containsExactly("/a/[br]");
      assertThat(fs.getMatchingPaths("a/x.txt")).containsExactly("/a/x.txt");
      assertThat(fs.getMatchingPaths("/nothing/*")).isEmpty();
      assertThat(fs.getMatchingPaths("/f/*")).isEmpty();
      assertCode(FsCode.INVALID_ARGUMENT, () -> fs.getMatchingPaths("/a/[x"));
      assertThat(fs.getMatchingPaths("")).isEmpty(); // TensorFlow: OK, no match
      assertThat(GdpFileSystem.match("/a/x.txt", "/a/*.txt")).isTrue();
      assertThat(GdpFileSystem.match("/a/b/z.txt", "/a/*.txt")).isFalse();
    }
  }

  @Nested
  class ReadOnly {
    @Test
    void withoutTheKeyEveryWriteIsRefused() throws Exception {
      try (GdpFileSystem ro = backend.open(fs.rootName(), null,
          FsOptions.builder().chunkSize(1000).build())) {
        assertThat(ro.isWritable()).isFalse();
        assertThat(new String(ro.readFile("/f"), UTF_8)).isEqualTo("file");
        assertCode(FsCode.PERMISSION_DENIED, () -> ro.writeFile("/x", new byte[1]));
        assertCode(FsCode.PERMISSION_DENIED, () -> ro.newAppendableFile("/f"));
        assertCode(FsCode.PERMISSION_DENIED, () -> ro.createDir("/x"));
        assertCode(FsCode.PERMISSION_DENIED, () -> ro.deleteFile("/f"));
        assertCode(FsCode.PERMISSION_DENIED, () -> ro.renameFile("/f", "/g"));
        assertCode(FsCode.PERMISSION_DENIED, () -> ro.deleteRecursively("/d"));
        assertCode(FsCode.PERMISSION_DENIED, () -> ro.startTransaction());
        assertCode(FsCode.PERMISSION_DENIED, () -> ro.kv().put("k", new byte[1]));
        // it follows the writer
        file("/later", "later");
        ro.refresh();
        assertThat(new String(ro.readFile("/later"), UTF_8)).isEqualTo("later");
      }
    }

    @Test
    void anotherKeyCannotOpenForWriting() {
      org.gdpstore.wire.Ed25519Keys other = org.gdpstore.wire.Ed25519Keys.fromSeed(new byte[] {
          1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
          26, 27, 28, 29, 30, 31, 32});
      assertCode(FsCode.PERMISSION_DENIED, () -> backend.open(fs.rootName(), other, FsOptions.DEFAULT));
    }

    @Test
    void reopenSeesEverything() throws Exception {
      fs.recursivelyCreateDir("/p/q");
      file("/p/q/r", "rrr");
      fs.kv().put("key", "value".getBytes(UTF_8));
      fs.close();
      fs = backend.open(fs.rootName(), LogBackend.KEYS, FsOptions.DEFAULT);
      assertThat(read("/p/q/r")).isEqualTo("rrr");
      assertThat(fs.kv().get("key")).hasValueSatisfying(v -> assertThat(v).isEqualTo("value".getBytes(UTF_8)));
      file("/p/after", "a");
      assertThat(read("/p/after")).isEqualTo("a");
    }
  }
}
