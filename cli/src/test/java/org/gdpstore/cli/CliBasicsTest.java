package org.gdpstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command-line plumbing that needs no GDP backend: help, usage errors, keys, exit codes. */
class CliBasicsTest {
  @TempDir Path home;

  @Test
  void helpOnEveryCommand() {
    CliRunner cli = new CliRunner(home);
    String[][] commands = {
      {}, {"demo"}, {"mkfs"}, {"ls"}, {"put"}, {"get"}, {"cat"}, {"rm"}, {"mkdir"}, {"mv"}, {"stat"}, {"log"},
      {"verify"}, {"kv"}, {"kv", "put"}, {"kv", "get"}, {"kv", "del"}, {"kv", "scan"}, {"logs"},
      {"logs", "create"}, {"logs", "append"}, {"logs", "read"}, {"logs", "tail"}, {"keygen"}, {"aliases"},
      {"sim"}, {"sim", "serve"}
    };
    for (String[] c : commands) {
      String[] args = java.util.Arrays.copyOf(c, c.length + 1);
      args[c.length] = "--help";
      CliRunner.Result r = cli.run(args);
      assertThat(r.code()).as(String.join(" ", args)).isZero();
      assertThat(r.out()).as(String.join(" ", args)).startsWith("Usage: gdpfs").contains("--help");
    }
  }

  @Test
  void unknownOptionIsAUsageErrorWithOneLineMessage() {
    CliRunner.Result r = new CliRunner(home).run("ls", "--bogus", "gdp://x/");
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).startsWith("gdpfs: Unknown option: '--bogus'").doesNotContain("at org.");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void keygenWritesAnOwnerOnlyKey() throws Exception {
    CliRunner cli = new CliRunner(home.resolve("h"));
    CliRunner.Result r = cli.run("keygen");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("public key (Ed25519, hex): ");
    Path key = home.resolve("h/keys/default.key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key.getParent()))).isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("h")))).isEqualTo("rwx------");
    String seedBefore = Files.readString(key);

    CliRunner.Result again = cli.run("keygen");
    assertThat(again.code()).isEqualTo(ExitCodes.EXISTS);
    assertThat(again.err()).contains("exists already").doesNotContain("Exception");
    assertThat(Files.readString(key)).isEqualTo(seedBefore);

    CliRunner.Result other = cli.run("keygen", "backup");
    assertThat(other.code()).isZero();
    assertThat(home.resolve("h/keys/backup.key")).exists();

    CliRunner.Result forced = cli.run("keygen", "--force");
    assertThat(forced.code()).isZero();
    assertThat(Files.readString(key)).isNotEqualTo(seedBefore);
  }

  @Test
  void badKeyNameIsAUsageError() {
    CliRunner.Result r = new CliRunner(home).run("keygen", "../evil");
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).startsWith("gdpfs: bad key name '../evil'");
  }

  @Test
  void bareCommandShowsUsageOnStderr() {
    CliRunner.Result r = new CliRunner(home).run("logs");
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).startsWith("Usage: gdpfs logs").contains("append", "tail");
  }

  @Test
  void versionPrints() {
    CliRunner.Result r = new CliRunner(home).run("--version");
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("gdpfs ");
  }
}
