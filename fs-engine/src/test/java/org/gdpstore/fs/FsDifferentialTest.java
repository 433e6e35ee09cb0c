package org.gdpstore.fs;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Differential test: long seeded random sequences of operations are applied to a gdpstore
 * filesystem and to Jimfs (the oracle, behind a thin adapter that expresses TensorFlow's rules in
 * java.nio terms); every operation must give the same result or the same class of error, and the
 * whole tree (kinds and contents) must match at checkpoints and after reopening from the logs.
 *
 * <p>Where TensorFlow's contract differs from java.nio (e.g. "parent is a file" is
 * FAILED_PRECONDITION in TensorFlow, NoSuchFileException in Jimfs; java.nio replaces an empty
 * directory when moving a file onto it, TensorFlow refuses), the adapter states the TensorFlow
 * rule explicitly by throwing {@link TfRule}.
 */
class FsDifferentialTest {
  static final String[] NAMES = {"a", "b", "c"};

  @ParameterizedTest(name = "{0} seed {1}, {2} ops")
  @CsvSource({"memory, 1, 1500", "memory, 2, 1500", "memory, 3, 1500", "simulator, 4, 300"})
  void sameResultsAsJimfs(String backendName, long seed, int ops) throws Exception {
    try (LogBackend backend = backendName.equals("memory") ? LogBackend.memory() : LogBackend.simulator();
        FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix().toBuilder().setWorkingDirectory("/").build())) {
      // files of 0..300 bytes: with a 150-byte inline limit some are inline, some in logs, and
      // appends move files from one to the other; seed 3 keeps every file in a log
      FsOptions opts = FsOptions.builder().chunkSize(64).cacheBytes(1 << 16)
          .inlineFileBytes(seed == 3 ? 0 : 150).build();
      GdpFileSystem fs = backend.mkfs(opts);
      Path root = jimfs.getPath("/");
      Random rnd = new Random(seed);
      List<String> log = new ArrayList<>();
      java.util.Set<String> outcomes = new java.util.TreeSet<>();
      try {
        for (int i = 0; i < ops; i++) {
          Op op = randomOp(rnd);
          String got = run(() -> op.onGdp(fs));
          String expected = run(() -> op.onJimfs(root));
          log.add(i + ": " + op + " -> " + got);
          outcomes.add(op.getClass().getSimpleName() + " " + (got.startsWith("ok") ? "ok" : got));
          assertThat(got).as("op %d %s (history: %s)", i, op, tail(log)).isEqualTo(expected);
          if (i % 100 == 99) {
            assertThat(tree(fs)).as("tree after op %d", i).isEqualTo(tree(root));
          }
        }
        assertThat(tree(fs)).isEqualTo(tree(root));
        // the sequence must have exercised the interesting outcomes, or the comparison proves little
        assertThat(outcomes).contains("Mkdir error ALREADY_EXISTS", "Read error NOT_FOUND",
            "Write error FAILED_PRECONDITION", "Rename ok", "Write ok");
        if (ops >= 1000) {
          assertThat(outcomes).contains("DeleteDir error FAILED_PRECONDITION", "Copy ok", "DeleteTree ok",
              "Rename error FAILED_PRECONDITION", "Children ok", "Append ok");
        }
        try (GdpFileSystem reopened = backend.open(fs.rootName(), null, opts)) {
          assertThat(tree(reopened)).isEqualTo(tree(root));
        }
      } finally {
        fs.close();
      }
    }
  }

  static List<String> tail(List<String> l) {
    return l.subList(Math.max(0, l.size() - 8), l.size());
  }

  interface Step {
    String run() throws Exception;
  }

  /** The outcome as a comparable string: the result, or the error class. */
  static String run(Step s) {
    try {
      return "ok " + s.run();
    } catch (FsException e) {
      return "error " + e.code();
    } catch (TfRule e) {
      return "error " + e.code;
    } catch (NoSuchFileException e) {
      return "error " + FsCode.NOT_FOUND;
    } catch (FileAlreadyExistsException e) {
      return "error " + FsCode.ALREADY_EXISTS;
    } catch (DirectoryNotEmptyException | NotDirectoryException e) {
      return "error " + FsCode.FAILED_PRECONDITION;
    } catch (IOException e) {
      return "error io " + e;
    } catch (Exception e) {
      return "crash " + e;
    }
  }

  /** An error the adapter predicts from TensorFlow's rules. */
  static final class TfRule extends Exception {
    private static final long serialVersionUID = 1L;
    final FsCode code;

    TfRule(FsCode code) {
      super(code.toString(), null, false, false);
      this.code = code;
    }
  }

  static String randomPath(Random rnd) {
    int depth = 1 + rnd.nextInt(3);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      sb.append('/').append(NAMES[rnd.nextInt(NAMES.length)]);
    }
    return sb.toString();
  }

  static byte[] randomContent(Random rnd) {
    byte[] b = new byte[rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(300)];
    rnd.nextBytes(b);
    return b;
  }

  abstract static class Op {
    final String p;
    final String q;
    final byte[] data;

    Op(String p, String q, byte[] data) {
      this.p = p;
      this.q = q;
      this.data = data;
    }

    abstract String onGdp(GdpFileSystem fs) throws Exception;

    abstract String onJimfs(Path root) throws Exception;

    @Override
    public String toString() {
      return getClass().getSimpleName() + "(" + p + (q != null ? ", " + q : "")
          + (data != null ? ", " + data.length + "B" : "") + ")";
    }
  }

  static Op randomOp(Random rnd) {
    String p = randomPath(rnd);
    String q = randomPath(rnd);
    return switch (rnd.nextInt(15)) {
      case 0, 1 -> new Write(p, randomContent(rnd));
      case 2 -> new Append(p, randomContent(rnd));
      case 3, 4 -> new Mkdir(p);
      case 5 -> new Mkdirs(p);
      case 6 -> new DeleteFile(p);
      case 7 -> new DeleteDir(p);
      case 8 -> new DeleteTree(p);
      case 9 -> new Rename(p, q);
      case 10 -> new Copy(p, q);
      case 11 -> new Read(p);
      case 12 -> new Children(p);
      case 13 -> new Stat(p);
      default -> new Glob(rnd.nextBoolean() ? "/*/?" : "/[ab]/*");
    };
  }

  static Path j(Path root, String p) {
    return root.resolve(p.substring(1));
  }

  /** TensorFlow: a file as an ancestor makes the path FAILED_PRECONDITION (java.nio: not found). */
  static void checkAncestors(Path root, String p) throws TfRule, NoSuchFileException {
    Path cur = root;
    String[] parts = p.substring(1).split("/");
    for (int i = 0; i < parts.length - 1; i++) {
      cur = cur.resolve(parts[i]);
      if (Files.isRegularFile(cur)) {
        throw new TfRule(FsCode.FAILED_PRECONDITION);
      }
      if (!Files.exists(cur)) {
        throw new NoSuchFileException(cur.toString());
      }
    }
  }

  static final class Write extends Op {
    Write(String p, byte[] d) {
      super(p, null, d);
    }

    @Override
    String onGdp(GdpFileSystem fs) throws Exception {
      fs.writeFile(p, data);
      return "";
    }

    @Override
    String onJimfs(Path root) throws Exception {
      checkAncestors(root, p);
      if (Files.isDirectory(j(root, p))) {
        throw new TfRule(FsCode.FAILED_PRECONDITION);
      }
      Files.write(j(root, p), data);
      return "";
    }
  }

  static final class Append extends Op {
    Append(String p, byte[] d) {
      super(p, null, d);
    }

    @Override
    String onGdp(GdpFileSystem fs) throws Exception {
      try (WritableFile w = fs.newAppendableFile(p)) {
        w.append(data);
        return String.valueOf(w.tell());
      }
    }

    @Override
    String onJimfs(Path root) throws Exception {
      checkAncestors(root, p);
      if (Files.isDirectory(j(root, p))) {
        throw new TfRule(FsCode.FAILED_PRECONDITION);
      }
      Files.write(j(root, p), data, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      return String.valueOf(Files.size(j(root, p)));
    }
  }

  static final class Mkdir extends Op {
    Mkdir(String p) {
      super(p, null, null);
    }

    @Override
    String onGdp(GdpFileSystem fs) throws Exception {
      fs.createDir(p);
      return "";
    }

    @Override
    String onJimfs(Path root) throws Exception {
      checkAncestors(root, p);
      Files.createDirectory(j(root, p));
      return "";
    }
  }

  static final class Mkdirs extends Op {
    Mkdirs(String p) {
      super(p, null, null);
    }

    @Override
    String onGdp(GdpFileSystem fs) throws Exception {
      fs.recursivelyCreateDir(p);
      return "";
    }

    @Override
    String onJimfs(Path root) throws Exception {
      try {
        Files.createDirectories(j(root, p));
      } catch (FileAlreadyExistsException | NoSuchFileException e) {
        // createDirectories met a file on the way: TensorFlow says FAILED_PRECONDITION
        throw new TfRule(FsCode.FAILED_PRECONDITION);
      }
      return "";
    }
  }

  static final class DeleteFile extends Op {
    DeleteFile(String p) {
      super(p, null, null);
    }

    @Override
    String onGdp(GdpFileSystem fs) throws Exception {
      fs.deleteFile(p);
      return "";
    }

    @Override
    String onJimfs(Path root) throws Exception {
      checkAncestors(root, p);
      if (Files.isDirectory(j(root, p))) {
        throw new TfRule(FsCode.FAILED_PRECONDITION);
      }
      Files.delete(j(root, p));
      return "";
    }
  }

  static final class DeleteDir extends Op {
    DeleteDir(String p) {
      super(p, null, null);
    }

    @Override
    String onGdp(GdpFileSystem fs) throws Exception {
      fs.deleteDir(p);
      return "";
    }

    @Override
    String onJimfs(Path root) throws Exception {
      checkAncestors(root, p);
      if (Files.isRegularFile(j(root, p))) {
        throw new TfRule(FsCode.FAILED_PRECONDITION);
      }
      Files.delete(j(root, p));
      return "";
    }
  }

  static final class DeleteTree extends Op {
    DeleteTree(String p) {
      super(p, null, null);
    }

    @Override
    String onGdp(GdpFileSystem fs) throws Exception {
      return fs.deleteRecursively(p).toString();
    }

    @Override
    String onJimfs(Path root) throws Exception {
      checkAncestors(root, p);
      Path t = j(root, p);
      if (!Files.exists(t)) {
        throw new NoSuchFileException(p);
      }
      try (Stream<Path> s = Files.walk(t)) {
        for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(x);
        }
      }
      return new DeleteResult(0, 0).toString();
    }
  }

  static final class Rename extends Op {
    Rename(String p, String q) {
      super(p, q, null);
    }

    @Override
    String onGdp(GdpFileSystem fs) throws Exception {
      fs.renamePath(p, q); // Jimfs's move moves trees, as renamePath does
      return "";
    }

    @Override
    String onJimfs(Path root) throws Exception {
      checkAncestors(root, p);
      Path s = j(root, p);
      if (!Files.exists(s)) {
        throw new NoSuchFileException(p);
      }
      checkAncestors(root, q);
      if (p.equals(q)) {
        return "";
      }
      Path d = j(root, q);
      boolean srcDir = Files.isDirectory(s);
      if (srcDir && q.startsWith(p + "/")) {
        throw new TfRule(FsCode.FAILED_PRECONDITION); // into itself
      }
      if (Files.exists(d) && srcDir != Files.isDirectory(d)) {
        throw new TfRule(FsCode.FAILED_PRECONDITION); // file <-> directory
      }
      Files.move(s, d, StandardCopyOption.REPLACE_EXISTING);
      return "";
    }
  }

  static final class Copy extends Op {
    Copy(String p, String q) {
      super(p, q, null);
    }

    @Override
    String onGdp(GdpFileSystem fs) throws Exception {
      fs.copyFile(p, q);
      return "";
    }

    @Override
    String onJimfs(Path root) throws Exception {
      checkAncestors(root, p);
      Path s = j(root, p);
      if (!Files.exists(s)) {
        throw new NoSuchFileException(p);
      }
      if (Files.isDirectory(s)) {
        throw new TfRule(FsCode.FAILED_PRECONDITION);
      }
      checkAncestors(root, q);
      if (Files.isDirectory(j(root, q))) {
        throw new TfRule(FsCode.FAILED_PRECONDITION);
      }
      if (!p.equals(q)) {
        Files.copy(s, j(root, q), StandardCopyOption.REPLACE_EXISTING);
      }
      return "";
    }
  }

  static final class Read extends Op {
    Read(String p) {
      super(p, null, null);
    }

    @Override
    String onGdp(GdpFileSystem fs) throws Exception {
      return Arrays.toString(fs.readFile(p));
    }

    @Override
    String onJimfs(Path root) throws Exception {
      checkAncestors(root, p);
      if (Files.isDirectory(j(root, p))) {
        throw new TfRule(FsCode.FAILED_PRECONDITION);
      }
      return Arrays.toString(Files.readAllBytes(j(root, p)));
    }
  }

  static final class Children extends Op {
    Children(String p) {
      super(p, null, null);
    }

    @Override
    String onGdp(GdpFileSystem fs) throws Exception {
      return fs.getChildren(p).toString();
    }

    @Override
    String onJimfs(Path root) throws Exception {
      checkAncestors(root, p);
      try (Stream<Path> s = Files.list(j(root, p))) {
        return s.map(x -> x.getFileName().toString()).sorted().toList().toString();
      }
    }
  }

  static final class Stat extends Op {
    Stat(String p) {
      super(p, null, null);
    }

    @Override
    String onGdp(GdpFileSystem fs) throws Exception {
      FileStatistics s = fs.stat(p);
      return s.length() + " " + s.isDirectory();
    }

    @Override
    String onJimfs(Path root) throws Exception {
      checkAncestors(root, p);
      Path x = j(root, p);
      if (!Files.exists(x)) {
        throw new NoSuchFileException(p);
      }
      boolean dir = Files.isDirectory(x);
      return (dir ? 0 : Files.size(x)) + " " + dir;
    }
  }

  static final class Glob extends Op {
    Glob(String pattern) {
      super(pattern, null, null);
    }

    @Override
    String onGdp(GdpFileSystem fs) throws Exception {
      return fs.getMatchingPaths(p).toString();
    }

    @Override
    String onJimfs(Path root) throws Exception {
      PathMatcher m = root.getFileSystem().getPathMatcher("glob:" + p);
      try (Stream<Path> s = Files.walk(root)) {
        return s.filter(m::matches).map(Path::toString).sorted().toList().toString();
      }
    }
  }

  /** Every path with its kind and content hash. */
  static TreeMap<String, String> tree(GdpFileSystem fs) throws FsException {
    TreeMap<String, String> out = new TreeMap<>();
    walk(fs, "/", out);
    return out;
  }

  static void walk(GdpFileSystem fs, String dir, TreeMap<String, String> out) throws FsException {
    for (String name : fs.getChildren(dir)) {
      String p = dir.equals("/") ? "/" + name : dir + "/" + name;
      if (fs.stat(p).isDirectory()) {
        out.put(p, "dir");
        walk(fs, p, out);
      } else {
        out.put(p, Arrays.toString(fs.readFile(p)));
      }
    }
  }

  static TreeMap<String, String> tree(Path root) throws IOException {
    TreeMap<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.toList()) {
        if (p.equals(root)) {
          continue;
        }
        out.put(p.toString(), Files.isDirectory(p) ? "dir" : Arrays.toString(Files.readAllBytes(p)));
      }
    }
    return out;
  }
}
