package org.gdpstore.cli;

import org.gdpstore.sim.junit.StorageTamper;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A byte flipped in the embedded simulator's storage (with the storage frame's checksum fixed, so
 * the simulator keeps the record) is caught by {@code verify}, {@code cat} and {@code get}: exit
 * code 6, never the tampered bytes.
 */
class TamperedStoreTest {
  @TempDir Path tmp;

  @Test
  void tamperedFileIsReportedNotReturned() throws Exception {
    Path home = tmp.resolve("home");
    CliRunner cli = new CliRunner(home);
    String marker = "MARKER-0123456789-MARKER";
    Path secret = Files.writeString(tmp.resolve("secret.txt"), ("x".repeat(4000) + marker + "y".repeat(4000)));
    Path plain = Files.writeString(tmp.resolve("plain.txt"), "untouched\n");
    assertThat(cli.run("mkfs", "t").code()).isZero();
    assertThat(cli.run("put", secret.toString(), plain.toString(), "gdp://t/").code()).isZero();
    assertThat(cli.run("verify", "gdp://t/").code()).isZero();

    assertThat(flipInStorage(home.resolve("sim"), marker.getBytes(StandardCharsets.US_ASCII))).isEqualTo(1);

    CliRunner.Result v = cli.run("verify", "gdp://t/");
    assertThat(v.code()).as(v.toString()).isEqualTo(ExitCodes.INTEGRITY);
    assertThat(v.out()).contains("FAILED: /secret.txt");
    assertThat(v.err()).startsWith("gdpfs: verification of gdp://t/ failed");
    CliRunner.Result cat = cli.run("cat", "gdp://t/secret.txt");
    assertThat(cat.code()).as(cat.toString()).isEqualTo(ExitCodes.INTEGRITY);
    assertThat(cat.out()).doesNotContain("MARKER");
    assertThat(cli.run("get", "gdp://t/secret.txt", tmp.resolve("out.txt").toString()).code()).isEqualTo(ExitCodes.INTEGRITY);
    assertThat(cli.run("cat", "gdp://t/plain.txt").out()).isEqualTo("untouched\n");
  }

  /** Flips a bit inside {@code needle} in a stored record, resealing its frame (see {@link StorageTamper}). */
  static int flipInStorage(Path simDir, byte[] needle) throws Exception {
    return StorageTamper.flipInRecords(simDir, needle);
  }
}
