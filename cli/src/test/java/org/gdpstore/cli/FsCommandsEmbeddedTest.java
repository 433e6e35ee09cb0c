package org.gdpstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The filesystem command contract on the real stack: fs-engine on the log client on the embedded
 * durable simulator, each command a fresh backend on the same home (as separate processes would be).
 */
class FsCommandsEmbeddedTest extends FsCommandsContract {
  @Override
  CliRunner runner(Path home) {
    return new CliRunner(home);
  }

  @Test
  void timeTravelByTime() throws Exception {
    Path f = tmp.resolve("t.txt");
    ok("mkfs", "clock");
    Files.writeString(f, "before\n");
    ok("put", f.toString(), "gdp://clock/t.txt");
    Instant between = Instant.now(); // commit times come from this JVM's clock
    Files.writeString(f, "after\n");
    ok("put", f.toString(), "gdp://clock/t.txt");
    assertThat(ok("cat", "--at", between.toString(), "gdp://clock/t.txt").out()).isEqualTo("before\n");
    assertThat(ok("cat", "gdp://clock/t.txt").out()).isEqualTo("after\n");
    fails(ExitCodes.NOT_FOUND, "cat", "--at", "2000-01-01T00:00:00Z", "gdp://clock/t.txt");
  }

  @Test
  void logOfOnePathShowsOnlyItsChanges() throws Exception {
    Path f = tmp.resolve("h.txt");
    ok("mkfs", "hist");
    Files.writeString(f, "1");
    ok("put", f.toString(), "gdp://hist/h.txt");
    ok("put", f.toString(), "gdp://hist/other.txt");
    Files.writeString(f, "22");
    ok("put", f.toString(), "gdp://hist/h.txt");
    ok("rm", "gdp://hist/h.txt");
    String log = ok("log", "gdp://hist/h.txt").out();
    assertThat(log.lines().filter(l -> l.startsWith("record ")).count()).isEqualTo(3);
    assertThat(log).contains("+/h.txt (1 B)", "~/h.txt (2 B)", "-/h.txt").doesNotContain("other.txt");
    assertThat(log).contains("signer ed25519:", "(verified)", "record hash ");
    String all = ok("log", "gdp://hist/").out();
    assertThat(all).contains("created the filesystem", "other.txt");
  }

  @Test
  void lsLongAndStatShowLastChangeHashAndSigner() throws Exception {
    Path f = tmp.resolve("s.txt");
    ok("mkfs", "info");
    Files.writeString(f, "first");
    ok("put", f.toString(), "gdp://info/s.txt");
    ok("put", f.toString(), "gdp://info/other.txt");
    Files.writeString(f, "second version");
    String put = ok("put", f.toString(), "gdp://info/s.txt").out();
    long changed = Long.parseLong(put.replaceAll("(?s).*directory record (\\d+).*", "$1"));
    ok("put", f.toString(), "gdp://info/later.txt"); // a later commit does not move s.txt's last change
    String sha = java.util.HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));

    String stat = ok("stat", "gdp://info/s.txt").out();
    assertThat(stat).contains("changed:   directory record " + changed + "\n", "sha256:    " + sha + "\n",
        "signer:    ed25519:");
    String signer = stat.replaceAll("(?s).*signer:    ed25519:([0-9a-f]+).*", "$1");
    assertThat(signer).hasSize(64);
    String line = ok("ls", "-l", "gdp://info/").out().lines().filter(l -> l.endsWith(" s.txt")).findFirst().orElseThrow();
    assertThat(line).contains(" r" + changed + " ", sha, "ed25519:" + signer.substring(0, 16));
    // as of an earlier record: the first version
    String old = ok("stat", "--at", String.valueOf(changed - 1), "gdp://info/s.txt").out();
    assertThat(old).doesNotContain(sha).doesNotContain("directory record " + changed + "\n");
  }
}
