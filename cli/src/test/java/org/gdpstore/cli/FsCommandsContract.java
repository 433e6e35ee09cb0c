package org.gdpstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The filesystem commands end to end through the picocli entry point: round trips of trees with
 * binary files, recursive operations, time travel, key-value pairs and every user error with its
 * exit code and one-line message. Subclasses choose the backend.
 */
abstract class FsCommandsContract {
  @TempDir Path tmp;
  CliRunner cli;

  abstract CliRunner runner(Path home);

  @BeforeEach
  void setUp() {
    cli = runner(tmp.resolve("home"));
  }

  CliRunner.Result ok(String... args) {
    CliRunner.Result r = cli.run(args);
    assertThat(r.code()).as("gdpfs %s%n%s", String.join(" ", args), r).isZero();
    return r;
  }

  CliRunner.Result fails(int code, String... args) {
    CliRunner.Result r = cli.run(args);
    assertThat(r.code()).as("gdpfs %s%n%s", String.join(" ", args), r).isEqualTo(code);
    assertThat(r.err()).as("one line, no stack trace").startsWith("gdpfs: ").doesNotContain("\tat ").hasLineCount(1);
    return r;
  }

  @Test
  void putAndGetATreeWithBinaryFilesRecursively() throws Exception {
    Path tree = tmp.resolve("tree");
    DemoCommand.generate(tree, 14, 7);
    ok("mkfs", "t");
    CliRunner.Result put = ok("put", "-r", tree.toString(), "gdp://t/backup");
    assertThat(put.out()).contains("14 files").contains("in one transaction");

    // like cp -r: a new destination becomes the copy; an existing directory receives it by name
    CliRunner.Result ls = ok("ls", "-r", "gdp://t/backup");
    assertThat(ls.out()).contains("README.md", "data/bin/", "data/big.bin", "empty-dir/", "docs/empty.txt");
    ok("put", "-r", tree.toString(), "gdp://t/backup");
    assertThat(ok("ls", "gdp://t/backup/tree").out()).contains("README.md");
    CliRunner.Result lsl = ok("ls", "-l", "gdp://t/backup/tree/data");
    assertThat(lsl.out()).contains("1.5 MiB").contains("big.bin");

    Path back = tmp.resolve("back");
    ok("get", "-r", "gdp://t/backup/tree", back.toString());
    assertThat(DemoCommand.compare(tree, back)).isEqualTo(14);
    assertThat(back.resolve("empty-dir")).isDirectory();

    Path into = Files.createDirectory(tmp.resolve("into"));
    ok("get", "-r", "gdp://t/backup", into.toString());
    assertThat(DemoCommand.compare(tree, into.resolve("backup/tree"))).isEqualTo(14);
  }

  @Test
  void putSingleFilesAndCat() throws Exception {
    Path a = Files.writeString(tmp.resolve("a.txt"), "alpha\n");
    Path b = Files.write(tmp.resolve("b.bin"), new byte[] {0, 1, 2, (byte) 0xff, '\n', 0});
    ok("mkfs", "s");
    ok("mkdir", "gdp://s/dir");
    ok("put", a.toString(), b.toString(), "gdp://s/dir");
    ok("put", a.toString(), "gdp://s/renamed.txt");
    assertThat(ok("cat", "gdp://s/dir/a.txt").out()).isEqualTo("alpha\n");
    assertThat(ok("cat", "gdp://s/dir/b.bin").outBytes()).containsExactly(0, 1, 2, 0xff, '\n', 0);
    assertThat(ok("cat", "gdp://s/renamed.txt", "gdp://s/dir/a.txt").out()).isEqualTo("alpha\nalpha\n");
    assertThat(ok("ls", "gdp://s/").out()).isEqualTo("dir/\nrenamed.txt\n");
    Path local = tmp.resolve("local.txt");
    ok("get", "gdp://s/renamed.txt", local.toString());
    assertThat(local).hasContent("alpha");
  }

  @Test
  void timeTravelWithAt() throws Exception {
    Path f = tmp.resolve("f.txt");
    ok("mkfs", "tt");
    Files.writeString(f, "version 1\n");
    ok("put", f.toString(), "gdp://tt/f.txt");
    String v1At = ok("stat", "gdp://tt/f.txt").out().lines().filter(l -> l.startsWith("snapshot:")).findFirst().orElseThrow();
    long recno = Long.parseLong(v1At.replaceAll("\\D*(\\d+).*", "$1"));
    Files.writeString(f, "version 2, longer\n");
    ok("put", f.toString(), "gdp://tt/f.txt");
    ok("put", f.toString(), "gdp://tt/g.txt");
    assertThat(ok("cat", "gdp://tt/f.txt").out()).isEqualTo("version 2, longer\n");
    assertThat(ok("cat", "--at", Long.toString(recno), "gdp://tt/f.txt").out()).isEqualTo("version 1\n");
    assertThat(ok("ls", "--at", Long.toString(recno), "gdp://tt/").out()).isEqualTo("f.txt\n");
    Path old = tmp.resolve("old.txt");
    ok("get", "--at", Long.toString(recno), "gdp://tt/f.txt", old.toString());
    assertThat(old).hasContent("version 1");
    fails(ExitCodes.NOT_FOUND, "cat", "--at", Long.toString(recno), "gdp://tt/g.txt");
    fails(ExitCodes.USAGE, "cat", "--at", "last tuesday", "gdp://tt/f.txt");
    // a time far in the future is the latest state
    assertThat(ok("cat", "--at", "2999-01-01T00:00:00Z", "gdp://tt/f.txt").out()).isEqualTo("version 2, longer\n");
  }

  @Test
  void removeMkdirMoveStatLogVerify() throws Exception {
    Path tree = tmp.resolve("tree");
    DemoCommand.generate(tree, 6, 3);
    ok("mkfs", "m");
    ok("put", "-r", tree.toString(), "gdp://m/");
    fails(ExitCodes.USAGE, "rm", "gdp://m/tree/docs");
    ok("rm", "gdp://m/tree/README.md");
    fails(ExitCodes.NOT_FOUND, "cat", "gdp://m/tree/README.md");
    ok("rm", "-r", "gdp://m/tree/docs");
    assertThat(ok("ls", "gdp://m/tree").out()).doesNotContain("docs");
    ok("mkdir", "-p", "gdp://m/a/b/c");
    ok("mkdir", "-p", "gdp://m/a/b/c");
    fails(ExitCodes.EXISTS, "mkdir", "gdp://m/a/b");
    fails(ExitCodes.NOT_FOUND, "mkdir", "gdp://m/x/y");
    ok("mv", "gdp://m/tree", "gdp://m/a/b/moved");
    assertThat(ok("ls", "-r", "gdp://m/a").out()).contains("b/moved/data/big.bin");
    fails(ExitCodes.NOT_FOUND, "ls", "gdp://m/tree");
    CliRunner.Result stat = ok("stat", "gdp://m/a/b/moved/data/big.bin");
    assertThat(stat.out()).contains("type:      file", "size:      " + Files.size(tree.resolve("data/big.bin")) + " bytes");
    CliRunner.Result log = ok("log", "gdp://m/");
    assertThat(log.out().lines().count()).isGreaterThanOrEqualTo(5);
    assertThat(log.out()).contains("signer ").contains("hash ");
    assertThat(ok("verify", "gdp://m/").out()).startsWith("verified gdp://m/");
    assertThat(ok("verify", "m").out()).startsWith("verified gdp://m/");
    assertThat(ok("verify", "m/a").out()).startsWith("verified gdp://m/a");
    fails(ExitCodes.USAGE, "rm", "-r", "gdp://m/");
    fails(ExitCodes.USAGE, "mv", "gdp://m/a", "gdp://other/a");
  }

  @Test
  void keyValuePairs() {
    ok("mkfs", "k");
    ok("kv", "put", "k", "user/1", "ada");
    ok("kv", "put", "k", "user/2", "grace");
    assertThat(cli.runWithInput("line1\nline2\n", "kv", "put", "k", "text").code()).isZero();
    ok("kv", "put", "gdp://k/", "other", "x");
    assertThat(ok("kv", "get", "gdp://k", "user/1").out()).isEqualTo("ada");
    assertThat(ok("kv", "get", "k", "text").out()).isEqualTo("line1\nline2\n");
    assertThat(ok("kv", "scan", "k", "user/").out()).isEqualTo("user/1\tada\nuser/2\tgrace\n");
    ok("kv", "del", "k", "user/1");
    fails(ExitCodes.NOT_FOUND, "kv", "get", "k", "user/1");
    fails(ExitCodes.NOT_FOUND, "kv", "del", "k", "user/1");
    assertThat(ok("kv", "scan", "k").out()).isEqualTo("other\tx\ntext\tline1\\nline2\\n\nuser/2\tgrace\n");
  }

  @Test
  void userErrorsHaveExitCodesAndOneLineMessages() throws Exception {
    ok("mkfs", "e");
    Path dir = Files.createDirectory(tmp.resolve("d"));
    Files.writeString(dir.resolve("x"), "x");
    assertThat(fails(ExitCodes.NOT_FOUND, "put", tmp.resolve("missing").toString(), "gdp://e/").err())
        .contains("no such local file");
    assertThat(fails(ExitCodes.USAGE, "put", dir.toString(), "gdp://e/").err()).contains("is a directory (use put -r)");
    assertThat(fails(ExitCodes.NOT_FOUND, "ls", "gdp://nosuchalias/").err()).contains("unknown filesystem 'nosuchalias'");
    assertThat(fails(ExitCodes.USAGE, "ls", "gdp://e/../../etc").err()).contains("bad path");
    assertThat(fails(ExitCodes.USAGE, "ls", "/etc").err()).contains("not a remote path");
    assertThat(fails(ExitCodes.NOT_FOUND, "cat", "gdp://e/nope").err()).contains("no such file or directory: gdp://e/nope");
    fails(ExitCodes.NOT_FOUND, "get", "gdp://e/nope", tmp.resolve("out").toString());
    fails(ExitCodes.USAGE, "get", "gdp://e/", tmp.resolve("out").toString());
    fails(ExitCodes.EXISTS, "mkfs", "e");
    fails(ExitCodes.USAGE, "mkfs", "bad/alias");
  }

  @Test
  void writingWithoutTheWritersKeyIsAKeyError() throws Exception {
    ok("keygen", "alice");
    ok("mkfs", "--key", "alice", "w");
    Path f = Files.writeString(tmp.resolve("f"), "data");
    ok("put", f.toString(), "gdp://w/f");
    // another key under the same name: the filesystem refuses it
    ok("keygen", "--force", "alice");
    CliRunner.Result r = fails(ExitCodes.KEY, "put", f.toString(), "gdp://w/g");
    assertThat(r.err()).containsIgnoringCase("key");
    // no key at all
    Files.delete(cli.home().resolve("keys/alice.key"));
    assertThat(fails(ExitCodes.KEY, "rm", "gdp://w/f").err()).contains("writer key 'alice'");
    // reading needs no key
    assertThat(ok("cat", "gdp://w/f").out()).isEqualTo("data");
  }

  @Test
  void demoRunsAndComparesItsTree() {
    CliRunner.Result r = ok("demo", "--files", "10");
    assertThat(r.out()).contains("$ gdpfs put -r", "identical", "$ gdpfs verify", "$ gdpfs log", "time travel",
        "version 1", "version 2");
    assertThat(ok("demo", "--files", "3").out()).contains("gdp://demo-2/");
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
