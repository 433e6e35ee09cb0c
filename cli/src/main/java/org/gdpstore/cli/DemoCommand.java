package org.gdpstore.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.gdpstore.home.GdpHome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gdpfs demo}: the README's first command. Generates a directory tree with text and binary
 * files, stores it in a new filesystem in one transaction, lists it, reads it back and compares it
 * byte for byte, changes it, reads the old version back (time travel), verifies it and shows its
 * history. Every step is printed as the gdpfs command it runs, and runs through the same code.
 */
@Command(name = "demo", description = {"Show gdpstore at work: store a generated tree, list, read back, verify, history.",
    "Stores a generated directory tree (with binary files) in a new filesystem, lists it, reads it back and",
    "compares it byte for byte, changes a file and reads the old version back, verifies every signature and",
    "hash, and shows the history. Prints each step as the gdpfs command it runs."})
final class DemoCommand extends CliCommand {
  @Option(names = "--files", paramLabel = "N", defaultValue = "24", description = "Number of files to generate (default ${DEFAULT-VALUE}).")
  int files;

  @Option(names = "--keep", description = "Keep the generated and copied trees (their directory is printed).")
  boolean keep;

  @Override
  int execute() throws Exception {
    if (files < 1 || files > 10_000) {
      throw CliException.usage("--files must be between 1 and 10000");
    }
    GdpHome home = home();
    String fs = freeAlias(home);
    Path work = Files.createTempDirectory("gdpfs-demo-");
    try (Backend backend = openBackend()) {
      Backend shared = new NonClosing(backend);
      Path tree = work.resolve("project");
      long bytes = generate(tree, files, 42);
      say("generated " + files + " files (" + Sizes.human(bytes) + ", text and binary) in " + tree);
      step(shared, "mkfs", fs);
      step(shared, "put", "-r", tree.toString(), "gdp://" + fs + "/");
      long firstCommit;
      try (RemoteFs f = FsAccess.open(backend, home, fs, false)) {
        firstCommit = f.snapshot(null).recno();
      }
      step(shared, "ls", "-r", "-l", "gdp://" + fs + "/");
      Path copy = work.resolve("copy");
      step(shared, "get", "-r", "gdp://" + fs + "/project", copy.toString());
      int same = compare(tree, copy);
      say("compared " + same + " files byte for byte with the originals: identical");

      Path readme = tree.resolve("README.md");
      Files.writeString(readme, "gdpstore demo, version 2: this line replaced version 1.\n", StandardCharsets.UTF_8);
      step(shared, "put", readme.toString(), "gdp://" + fs + "/project/README.md");
      step(shared, "rm", "-r", "gdp://" + fs + "/project/data/bin");
      step(shared, "cat", "gdp://" + fs + "/project/README.md");
      say("time travel: the same file as of directory record " + firstCommit + " (the first put)");
      step(shared, "cat", "--at", Long.toString(firstCommit), "gdp://" + fs + "/project/README.md");
      step(shared, "ls", "--at", Long.toString(firstCommit), "gdp://" + fs + "/project/data");
      step(shared, "kv", "put", fs, "greeting", "hello from gdpstore");
      step(shared, "kv", "get", fs, "greeting");
      env().out().println();
      step(shared, "verify", "gdp://" + fs + "/");
      step(shared, "log", "gdp://" + fs + "/");
      say("demo finished: filesystem gdp://" + fs + "/ stays in " + home.root()
          + " (try: gdpfs ls -r gdp://" + fs + "/)");
    } finally {
      if (keep) {
        say("kept the local trees in " + work);
      } else {
        deleteTree(work);
      }
    }
    return ExitCodes.OK;
  }

  private void say(String s) {
    env().out().println("# " + s);
    env().out().flush();
  }

  /** Runs one gdpfs command line on the shared backend, printing it first; fails the demo if it fails. */
  private void step(Backend shared, String... args) {
    env().out().println();
    env().out().println("$ gdpfs " + String.join(" ", args));
    env().out().flush();
    int code = GdpfsCli.run(args, env(), (e, h, o) -> shared);
    env().out().flush();
    if (code != ExitCodes.OK) {
      throw new CliException(code, "demo step 'gdpfs " + String.join(" ", args) + "' failed (exit " + code + ")");
    }
  }

  private static String freeAlias(GdpHome home) throws IOException {
    var aliases = home.aliases();
    if (!aliases.containsKey("demo")) {
      return "demo";
    }
    for (int i = 2; ; i++) {
      if (!aliases.containsKey("demo-" + i)) {
        return "demo-" + i;
      }
    }
  }

  /** Generates {@code n} files (deterministic for a seed); returns their total size. */
  static long generate(Path root, int n, long seed) throws IOException {
    SplittableRandom rnd = new SplittableRandom(seed);
    String[] dirs = {"", "docs", "src/main/java/demo", "data", "data/bin", "images"};
    for (String d : dirs) {
      Files.createDirectories(root.resolve(d));
    }
    Files.createDirectories(root.resolve("empty-dir"));
    long total = 0;
    for (int i = 0; i < n; i++) {
      Path file;
      byte[] content;
      if (i == 0) {
        file = root.resolve("README.md");
        content = "gdpstore demo, version 1: files in signed GDP logs.\n".getBytes(StandardCharsets.UTF_8);
      } else if (i == 1) {
        file = root.resolve("docs/empty.txt");
        content = new byte[0];
      } else if (i == 2) {
        file = root.resolve("data/big.bin"); // large enough to span many chunks
        content = randomBytes(rnd, 1536 * 1024 + 7);
      } else {
        switch (i % 4) {
          case 0 -> {
            file = root.resolve("docs/note-" + i + ".md");
            content = ("# Note " + i + "\n\n" + "Lorem ipsum dolor sit amet. ".repeat(1 + rnd.nextInt(200)) + "\n")
                .getBytes(StandardCharsets.UTF_8);
          }
          case 1 -> {
            file = root.resolve("src/main/java/demo/Class" + i + ".java");
            content = ("package demo;\n\nfinal class Class" + i + " {\n  static final int ID = " + i + ";\n}\n")
                .getBytes(StandardCharsets.UTF_8);
          }
          case 2 -> {
            file = root.resolve("data/bin/blob-" + i + ".bin");
            content = randomBytes(rnd, 1 + rnd.nextInt(200 * 1024));
          }
          default -> {
            file = root.resolve("images/pixels-" + i + ".raw");
            content = randomBytes(rnd, 256 + rnd.nextInt(64 * 1024));
          }
        }
      }
      Files.write(file, content);
      total += content.length;
    }
    return total;
  }

  private static byte[] randomBytes(SplittableRandom rnd, int n) {
    byte[] b = new byte[n];
    new Random(rnd.nextLong()).nextBytes(b);
    return b;
  }

  /** SHA-256 of every regular file under {@code root}, by relative path. */
  static TreeMap<String, String> digests(Path root) throws IOException {
    TreeMap<String, String> result = new TreeMap<>();
    List<Path> all;
    try (Stream<Path> s = Files.walk(root)) {
      all = s.filter(Files::isRegularFile).toList();
    }
    for (Path p : all) {
      result.put(root.relativize(p).toString(), sha256(p));
    }
    return result;
  }

  /** Compares two trees; returns the number of files, or throws naming the first difference. */
  static int compare(Path expected, Path actual) throws IOException {
    TreeMap<String, String> a = digests(expected);
    TreeMap<String, String> b = digests(actual);
    if (!a.equals(b)) {
      List<String> diff = new ArrayList<>();
      for (String k : a.keySet()) {
        if (!a.get(k).equals(b.get(k))) {
          diff.add(k);
        }
      }
      for (String k : b.keySet()) {
        if (!a.containsKey(k)) {
          diff.add(k + " (extra)");
        }
      }
      throw CliException.integrity("the copy differs from the original: " + diff);
    }
    return a.size();
  }

  static String sha256(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    List<Path> all;
    try (Stream<Path> s = Files.walk(root)) {
      all = s.sorted(java.util.Comparator.reverseOrder()).toList();
    }
    for (Path p : all) {
      Files.deleteIfExists(p);
    }
  }

  /** A view of a backend whose close() does nothing: the demo's steps share one backend. */
  private record NonClosing(Backend delegate) implements Backend {
    @Override
    public RemoteFs createFs(org.gdpstore.wire.Ed25519Keys writer) throws IOException {
      return delegate.createFs(writer);
    }

    @Override
    public RemoteFs openFs(org.gdpstore.wire.GdpName root, org.gdpstore.wire.Ed25519Keys writer) throws IOException {
      return delegate.openFs(root, writer);
    }

    @Override
    public RawLogs logs() {
      return delegate.logs();
    }

    @Override
    public void close() {}
  }
}
