package org.gdpstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gdpfs as users run it: separate JVM processes with GDPSTORE_HOME set. Raw logs through the
 * embedded default (each command a new process on the same durable files) and through a
 * {@code sim serve} child process over loopback TCP.
 */
class CliProcessTest {
  @TempDir Path tmp;

  @Test
  void logsThroughTheEmbeddedDefaultAcrossProcesses() throws Exception {
    Path home = tmp.resolve("home");
    CliRunner.Result c = CliProcess.run(home, "logs", "create", "journal");
    assertThat(c.code()).as(c.toString()).isZero();
    CliRunner.Result a = CliProcess.run(home, "one\ntwo\nthree\n".getBytes(StandardCharsets.UTF_8), "logs", "append", "journal");
    assertThat(a.code()).as(a.toString()).isZero();
    assertThat(a.err()).as("no log chatter by default").isEmpty();
    CliRunner.Result r = CliProcess.run(home, "logs", "read", "journal", "--from", "2");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("two\nthree\n");
    CliRunner.Result missing = CliProcess.run(home, "logs", "read", "nope");
    assertThat(missing.code()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(missing.err()).startsWith("gdpfs: unknown log 'nope'").hasLineCount(1);
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(home.resolve("keys/default.key")))).isEqualTo("rw-------");
  }

  @Test
  void logsThroughSimServeOverTcp() throws Exception {
    Path serverHome = tmp.resolve("server-home");
    Process server = CliProcess.builder(serverHome, "sim", "serve", "--listen", "127.0.0.1:0", "--data",
        tmp.resolve("sim-data").toString()).redirectError(tmp.resolve("server.err").toFile()).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      String banner = out.readLine();
      assertThat(banner).as("first line of sim serve; stderr: %s", Files.exists(tmp.resolve("server.err"))
          ? Files.readString(tmp.resolve("server.err")) : "").startsWith("listening on 127.0.0.1:");
      String router = banner.substring("listening on ".length()).trim();
      Path home = tmp.resolve("client-home");

      CliRunner.Result c = CliProcess.run(home, "--router", router, "logs", "create", "remote");
      assertThat(c.code()).as(c.toString()).isZero();
      // tail in its own process, replaying from record 1, stops after 3 records
      Process tail = CliProcess.builder(home, "--router", router, "logs", "tail", "remote", "--from", "1", "--count", "3")
          .redirectError(tmp.resolve("tail.err").toFile()).start();
      CliRunner.Result a = CliProcess.run(home, "alpha\nbeta\ngamma\n".getBytes(StandardCharsets.UTF_8), "logs", "append",
          "remote", "--router", router);
      assertThat(a.code()).as(a.toString()).isZero();
      CliRunner.Result r = CliProcess.run(home, "logs", "read", "remote", "-n", "--router", router);
      assertThat(r.out()).isEqualTo("1\talpha\n2\tbeta\n3\tgamma\n");
      assertThat(tail.waitFor(60, TimeUnit.SECONDS)).as("tail ends after --count records").isTrue();
      assertThat(new String(tail.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("alpha\nbeta\ngamma\n");
      assertThat(tail.exitValue()).isZero();

      // the filesystem commands go through the same router
      Path file = Files.write(tmp.resolve("blob.bin"), new byte[] {1, 2, 3, 0, (byte) 200});
      assertThat(CliProcess.run(home, "--router", router, "mkfs", "netfs").code()).isZero();
      CliRunner.Result put = CliProcess.run(home, "--router", router, "put", file.toString(), "gdp://netfs/x/blob.bin");
      assertThat(put.code()).as(put.toString()).isZero();
      CliRunner.Result cat = CliProcess.run(home, "--router", router, "cat", "gdp://netfs/x/blob.bin");
      assertThat(cat.outBytes()).containsExactly(1, 2, 3, 0, 200);
    } finally {
      server.destroy(); // SIGTERM: the shutdown hook closes the simulator
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor();
      }
    }
    assertThat(server.exitValue()).as("sim serve exits cleanly on SIGTERM").isIn(0, 143);
  }
}
