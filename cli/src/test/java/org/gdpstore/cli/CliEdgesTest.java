package org.gdpstore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's edges (issue 11): links and special files in {@code put}, no partial file from a
 * failed {@code get}, one-line errors of the right kind, control characters in names escaped.
 * On the real stack (embedded durable simulator), in this JVM.
 */
class CliEdgesTest {
  @TempDir Path tmp;

  private CliRunner.Result ok(CliRunner cli, String... args) {
    CliRunner.Result r = cli.run(args);
    assertThat(r.code()).as("gdpfs %s%n%s", String.join(" ", args), r).isZero();
    return r;
  }

  private static void mkfifo(Path p) throws Exception {
    Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
    assertThat(mk.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(mk.exitValue()).isZero();
  }

  /** tree/{a.txt, sub/s.txt, link-in -> a.txt, link-out -> ../outside/o.txt, link-dir -> sub, broken, loop1 <-> loop2, sub/up -> .., fifo} */
  private Path linkTree() throws Exception {
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    Files.createDirectories(tree.resolve("sub"));
    Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(tree.resolve("a.txt"), "a");
    Files.writeString(tree.resolve("sub/s.txt"), "s");
    Files.writeString(tmp.resolve("outside/o.txt"), "o");
    Files.createSymbolicLink(tree.resolve("link-in"), Path.of("a.txt"));
    Files.createSymbolicLink(tree.resolve("link-out"), Path.of("../outside/o.txt"));
    Files.createSymbolicLink(tree.resolve("link-dir"), Path.of("sub"));
    Files.createSymbolicLink(tree.resolve("broken"), Path.of("nowhere"));
    Files.createSymbolicLink(tree.resolve("loop1"), Path.of("loop2"));
    Files.createSymbolicLink(tree.resolve("loop2"), Path.of("loop1"));
    Files.createSymbolicLink(tree.resolve("sub/up"), Path.of(".."));
    mkfifo(tree.resolve("fifo"));
    return tree;
  }

  @Test
  void putStoresLinksToFilesInsideTheTreeAndSkipsTheRestWithAWarningEach() throws Exception {
    Path tree = linkTree();
    CliRunner cli = new CliRunner(tmp.resolve("home"));
    ok(cli, "mkfs", "l");
    CliRunner.Result put = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> cli.run("put", "-r", tree.toString(), "gdp://l/t"));
    assertThat(put.code()).as(put.toString()).isZero();
    assertThat(put.out()).contains("put 3 files").contains("skipped 7");
    List<String> warnings = put.err().lines().filter(l -> l.startsWith("gdpfs: skipped ")).toList();
    assertThat(warnings).hasSize(7);
    assertThat(put.err()).contains(tree.resolve("link-out") + ": symbolic link out of the tree",
        tree.resolve("link-dir") + ": symbolic link to a directory", tree.resolve("broken") + ": broken symbolic link",
        tree.resolve("loop1") + ": symbolic link loop", tree.resolve("sub/up") + ": symbolic link to a directory",
        tree.resolve("fifo") + ": FIFO");
    assertThat(ok(cli, "ls", "-r", "gdp://l/t").out().lines().toList())
        .containsExactly("a.txt", "link-in", "sub/", "sub/s.txt");
    assertThat(ok(cli, "cat", "gdp://l/t/link-in").out()).isEqualTo("a");
  }

  @Test
  void putFollowFollowsLinksAndSkipsLoops() throws Exception {
    Path tree = linkTree();
    CliRunner cli = new CliRunner(tmp.resolve("home"));
    ok(cli, "mkfs", "l");
    CliRunner.Result put = assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> cli.run("put", "-r", "--follow", tree.toString(), "gdp://l/t"));
    assertThat(put.code()).as(put.toString()).isZero();
    assertThat(ok(cli, "ls", "-r", "gdp://l/t").out().lines().toList())
        .containsExactly("a.txt", "link-dir/", "link-dir/s.txt", "link-in", "link-out", "sub/", "sub/s.txt");
    assertThat(ok(cli, "cat", "gdp://l/t/link-out").out()).isEqualTo("o");
    assertThat(put.err()).contains(tree.resolve("sub/up") + ": symbolic link loop",
        tree.resolve("link-dir/up") + ": symbolic link loop", tree.resolve("loop1") + ": symbolic link loop",
        tree.resolve("broken") + ": broken symbolic link", tree.resolve("fifo") + ": FIFO");
    assertThat(put.out()).contains("put 5 files").contains("skipped 6");
  }

  @Test
  void aFifoNamedOnTheCommandLineIsSkippedNotOpened() throws Exception {
    Path fifo = tmp.resolve("pipe");
    mkfifo(fifo);
    Path f = Files.writeString(tmp.resolve("f.txt"), "f");
    CliRunner cli = new CliRunner(tmp.resolve("home"));
    ok(cli, "mkfs", "p");
    CliRunner.Result put = assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> cli.run("put", fifo.toString(), f.toString(), "gdp://p/"));
    assertThat(put.code()).as(put.toString()).isZero();
    assertThat(put.err()).isEqualTo("gdpfs: skipped " + fifo + ": FIFO (named pipe)\n");
    assertThat(ok(cli, "ls", "gdp://p/").out()).isEqualTo("f.txt\n");
  }

  @Test
  void getThatFailsVerificationMidFileLeavesNoPartialFile() throws Exception {
    CliRunner cli = new CliRunner(tmp.resolve("home"));
    String marker = "MARKER-0123456789-MARKER";
    byte[] content = ("x".repeat(300_000) + marker + "y".repeat(100_000)).getBytes(StandardCharsets.US_ASCII);
    Path big = Files.write(tmp.resolve("big.txt"), content);
    ok(cli, "mkfs", "g");
    ok(cli, "put", big.toString(), "gdp://g/big.txt");
    assertThat(TamperedStoreTest.flipInStorage(tmp.resolve("home/sim"), marker.getBytes(StandardCharsets.US_ASCII))).isEqualTo(1);

    Path out = Files.createDirectories(tmp.resolve("out"));
    CliRunner.Result fresh = cli.run("get", "gdp://g/big.txt", out.resolve("big.txt").toString());
    assertThat(fresh.code()).as(fresh.toString()).isEqualTo(ExitCodes.INTEGRITY);
    assertThat(fresh.err()).hasLineCount(1);
    try (Stream<Path> s = Files.list(out)) {
      assertThat(s.toList()).as("no partial destination, no temporary file").isEmpty();
    }
    Path existing = Files.writeString(out.resolve("big.txt"), "old content");
    CliRunner.Result over = cli.run("get", "gdp://g/big.txt", existing.toString());
    assertThat(over.code()).as(over.toString()).isEqualTo(ExitCodes.INTEGRITY);
    assertThat(Files.readString(existing)).as("an existing destination is left as it was").isEqualTo("old content");
    try (Stream<Path> s = Files.list(out)) {
      assertThat(s.toList()).containsExactly(existing);
    }
  }

  @Test
  void malformedKeyFilesAreKeyErrors() throws Exception {
    CliRunner cli = new CliRunner(tmp.resolve("home"));
    ok(cli, "mkfs", "k");
    Path f = Files.writeString(tmp.resolve("f.txt"), "f");
    Path key = tmp.resolve("home/keys/default.key");
    for (byte[] bad : List.of(new byte[] {(byte) 0xff, (byte) 0xfe, 'a'}, "not hex at all\n".getBytes(StandardCharsets.US_ASCII))) {
      Files.write(key, bad);
      CliRunner.Result r = cli.run("put", f.toString(), "gdp://k/f.txt");
      assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.KEY);
      assertThat(r.err()).startsWith("gdpfs: key file " + key + " is malformed").hasLineCount(1);
    }
  }

  @Test
  void anUnreadableLocalDirectoryIsAOneLinePermissionError() throws Exception {
    Assumptions.assumeFalse("root".equals(System.getProperty("user.name")), "root reads every directory");
    Path tree = Files.createDirectories(tmp.resolve("tree/closed"));
    Files.writeString(tree.resolve("f"), "f");
    Files.setPosixFilePermissions(tree, java.nio.file.attribute.PosixFilePermissions.fromString("---------"));
    try {
      CliRunner cli = new CliRunner(tmp.resolve("home"));
      ok(cli, "mkfs", "u");
      CliRunner.Result r = cli.run("put", "-r", tmp.resolve("tree").toString(), "gdp://u/");
      assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.FAILURE);
      assertThat(r.err()).isEqualTo("gdpfs: permission denied: " + tree + "\n");
    } finally {
      Files.setPosixFilePermissions(tree, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  void anIoErrorWrappedUncheckedIsReportedAsWhatItIs() {
    var err = new java.io.ByteArrayOutputStream();
    var env = new CliEnv(tmp, java.io.InputStream.nullInputStream(), System.out,
        new java.io.PrintStream(err, true, StandardCharsets.UTF_8), false);
    int code = GdpfsCli.report(new java.io.UncheckedIOException(new AccessDeniedException("/some/dir")), false, env);
    assertThat(code).isEqualTo(ExitCodes.FAILURE);
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("gdpfs: permission denied: /some/dir\n");
  }

  @Test
  void warningsOfTheEmbeddedLogServerAreOneLineEach() throws Exception {
    Path home = tmp.resolve("home");
    CliRunner.Result mk = CliProcess.run(home, "mkfs", "w");
    assertThat(mk.code()).as(mk.toString()).isZero();
    Path logs;
    try (Stream<Path> s = Files.walk(home.resolve("sim"))) {
      logs = s.filter(p -> p.toString().endsWith(".glog")).findFirst().orElseThrow().getParent();
    }
    Files.writeString(logs.resolve("junk.glog"), "not a log"); // the log server warns about it on start
    CliRunner.Result ls = CliProcess.run(home, "ls", "gdp://w/");
    assertThat(ls.err()).as(ls.toString()).isNotEmpty();
    assertThat(ls.err().lines()).as(ls.toString()).allMatch(l -> l.startsWith("gdpfs: "));
    assertThat(ls.err()).contains("junk.glog");
  }

  @Test
  void controlCharactersInNamesAreEscapedEverywhereTheyArePrinted() throws Exception {
    CliRunner cli = new CliRunner(tmp.resolve("home"));
    String evil = "a\u001b[31mred\u0007bell\nsecond line\u007f\u0085";
    String shown = "a\\x1b[31mred\\x07bell\\nsecond line\\x7f\\u0085";
    Path local = Files.createDirectories(tmp.resolve("src"));
    Path f = Files.writeString(local.resolve("plain.txt"), "content");
    ok(cli, "mkfs", "e");
    ok(cli, "put", f.toString(), "gdp://e/plain.txt");
    List<CliRunner.Result> outputs = new java.util.ArrayList<>();
    outputs.add(ok(cli, "mv", "gdp://e/plain.txt", "gdp://e/" + evil));
    outputs.add(ok(cli, "put", f.toString(), "gdp://e/dir/" + evil));
    outputs.add(ok(cli, "ls", "gdp://e/"));
    outputs.add(ok(cli, "ls", "-l", "-r", "gdp://e/"));
    outputs.add(ok(cli, "stat", "gdp://e/" + evil));
    outputs.add(ok(cli, "log", "gdp://e/"));
    outputs.add(ok(cli, "get", "gdp://e/" + evil, tmp.resolve("got.txt").toString()));
    outputs.add(ok(cli, "kv", "put", "e", evil, "v"));
    outputs.add(ok(cli, "kv", "scan", "e"));
    outputs.add(cli.run("rm", "gdp://e/dir/" + evil + "/nope"));
    outputs.add(cli.run("mv", "gdp://e/missing" + evil, "gdp://e/x"));
    outputs.add(cli.run("cat", "gdp://e/" + evil + "2"));
    for (CliRunner.Result r : outputs) {
      String all = r.out() + r.err();
      assertThat(all.chars().filter(c -> c != '\n' && c != '\t' && (c < 0x20 || (c >= 0x7f && c <= 0x9f))))
          .as("no raw control character in %s", r).isEmpty();
      assertThat(all.lines().filter(l -> l.contains("second line")))
          .as("a name with a newline stays on one line: %s", r).allMatch(l -> l.contains(shown));
    }
    assertThat(outputs.get(2).out()).isEqualTo(shown + "\ndir/\n");
    assertThat(outputs.get(4).out()).contains("path:      gdp://e/" + shown);
    assertThat(outputs.get(5).out()).contains(shown);
    assertThat(outputs.get(8).out()).isEqualTo(shown + "\tv\n");
    assertThat(outputs.get(9).err()).contains(shown).hasLineCount(1);
    assertThat(outputs.get(11).err()).contains(shown + "2").hasLineCount(1);
  }

  @Test
  void theEscaperKeepsTextAndEscapesEveryControlCharacter() {
    assertThat(Names.escape("plain ascii, ünïcödé 名前 /a/b")).isEqualTo("plain ascii, ünïcödé 名前 /a/b");
    for (char c = 0; c < 0x20; c++) {
      assertThat(Names.escape("x" + c)).as("C0 %02x", (int) c).doesNotContain(String.valueOf(c)).startsWith("x\\");
    }
    for (char c = 0x7f; c <= 0x9f; c++) {
      assertThat(Names.escape("x" + c)).as("DEL/C1 %02x", (int) c).doesNotContain(String.valueOf(c)).startsWith("x\\");
    }
    assertThat(Names.escape("a\\b")).isEqualTo("a\\\\b"); // unambiguous: a literal "\n" in a name is not a newline
  }
}
