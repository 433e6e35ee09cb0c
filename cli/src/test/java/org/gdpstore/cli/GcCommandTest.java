package org.gdpstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gdpfs gc} on the embedded durable simulator: dry run, deletes (log files really gone from
 * the home's data directory), the retention horizon refused with --at, usage errors, and a gc
 * process killed (SIGKILL) half-way through its deletes, which the next gc finishes.
 */
class GcCommandTest {
  @TempDir Path tmp;

  static long logFiles(Path home) throws Exception {
    Path logs = home.resolve("sim/logs");
    try (Stream<Path> s = Files.list(logs)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".glog")).count();
    }
  }

  static CliRunner.Result ok(CliRunner cli, String... args) {
    CliRunner.Result r = cli.run(args);
    assertThat(r.code()).as(r.toString()).isZero();
    return r;
  }

  @Test
  void gcDeletesOldVersionsAndRefusesSnapshotsBeforeTheHorizon() throws Exception {
    Path home = tmp.resolve("home");
    CliRunner cli = new CliRunner(home);
    Path f = tmp.resolve("f.bin");
    ok(cli, "mkfs", "g");
    byte[] b = new byte[5_000];
    new Random(1).nextBytes(b);
    Files.write(f, b);
    ok(cli, "put", f.toString(), "gdp://g/f.bin");
    for (int v = 2; v <= 3; v++) {
      b[0] = (byte) v;
      Files.write(f, b);
      ok(cli, "put", f.toString(), "gdp://g/f.bin");
    }
    long before = logFiles(home);
    CliRunner.Result dry = ok(cli, "gc", "g", "--keep-commits", "1", "--dry-run");
    assertThat(dry.out()).contains("dry run: would delete 2 logs (9.8 KiB)");
    assertThat(dry.out().lines().filter(l -> l.startsWith("would delete ")).count()).isEqualTo(2);
    assertThat(logFiles(home)).isEqualTo(before);
    assertThat(ok(cli, "cat", "--at", "3", "gdp://g/f.bin").outBytes()[0]).isNotEqualTo((byte) 3);

    // records: 1 header, then per put (format 5) an intent before its file log and the commit: 3, 5, 7
    CliRunner.Result gc = ok(cli, "gc", "gdp://g", "--keep-commits", "1");
    assertThat(gc.out()).contains("deleted 2 logs (9.8 KiB)").contains("snapshots from record 7 on are kept");
    assertThat(logFiles(home)).isEqualTo(before - 2);
    assertThat(ok(cli, "cat", "gdp://g/f.bin").outBytes()).isEqualTo(b);
    CliRunner.Result old = cli.run("cat", "--at", "3", "gdp://g/f.bin");
    assertThat(old.code()).as(old.toString()).isEqualTo(ExitCodes.EXPIRED); // not 7: nothing conflicts
    assertThat(old.err().strip()).isEqualTo("gdpfs: snapshot 3 is older than the retention horizon 7: a gc reclaimed it;"
        + " ask for record 7 or later");
    CliRunner.Result oldLs = cli.run("ls", "--at", "2", "gdp://g/");
    assertThat(oldLs.code()).as(oldLs.toString()).isEqualTo(ExitCodes.EXPIRED);
    assertThat(ok(cli, "gc", "g").out()).contains("deleted 0 logs"); // keep-all: nothing more
    ok(cli, "verify", "g");

    assertThat(cli.run("gc", "g", "--keep-for", "7 weeks").code()).isEqualTo(ExitCodes.USAGE);
    assertThat(cli.run("gc", "g", "--keep-commits", "0").code()).isEqualTo(ExitCodes.USAGE);
    assertThat(cli.run("gc", "gdp://g/f.bin").code()).isEqualTo(ExitCodes.USAGE);
    assertThat(cli.run("gc", "nosuchfs").code()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(ok(cli, "gc", "g", "--keep-for", "7d").out()).contains("deleted 0 logs");

    // each put process left the pooled logs it did not use, named by its intent (format 5): a short
    // orphan grace collects them (the default 24 h kept them in every gc above)
    Thread.sleep(1_100);
    long withPools = logFiles(home);
    assertThat(ok(cli, "gc", "g", "--orphan-grace", "1s", "--dry-run").out()).contains("(3 intents due)");
    CliRunner.Result orphans = ok(cli, "gc", "g", "--orphan-grace", "1s");
    assertThat(orphans.out()).contains("no commit referenced (3 intents settled)");
    assertThat(logFiles(home)).isLessThan(withPools);
    assertThat(ok(cli, "cat", "gdp://g/f.bin").outBytes()).isEqualTo(b);
    ok(cli, "verify", "g");
    assertThat(cli.run("gc", "g", "--orphan-grace", "0s").code()).isEqualTo(ExitCodes.USAGE);
    assertThat(cli.run("gc", "g", "--orphan-grace", "soon").code()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void aGcProcessKilledWhileDeletingIsFinishedByTheNextGc() throws Exception {
    Path home = tmp.resolve("home");
    Path tree = tmp.resolve("tree");
    Random rnd = new Random(14);
    // enough deletes that the kill (right after the first one is seen) lands half-way; 300 with -Dgdpstore.long=true
    int files = Boolean.getBoolean("gdpstore.long") ? 300 : 120;
    for (int i = 0; i < files; i++) {
      byte[] b = new byte[2_000];
      rnd.nextBytes(b);
      Files.write(Files.createDirectories(tree.resolve("d" + (i % 5))).resolve("f" + i), b);
    }
    CliRunner cli = new CliRunner(home);
    ok(cli, "mkfs", "k");
    ok(cli, "put", "-r", tree.toString(), "gdp://k/t");
    ok(cli, "put", "-r", tree.toString(), "gdp://k/old");
    ok(cli, "rm", "-r", "gdp://k/old"); // `files` logs no newer snapshot references
    long before = logFiles(home);

    Process gc = CliProcess.builder(home, "gc", "k", "--keep-commits", "1")
        .redirectOutput(tmp.resolve("gc.out").toFile()).redirectError(tmp.resolve("gc.err").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (gc.isAlive() && logFiles(home) > before - 1 && System.nanoTime() < deadline) {
      Thread.onSpinWait(); // polling another process's files: there is no event to wait on
    }
    boolean killedPartway = gc.isAlive();
    gc.destroyForcibly();
    assertThat(gc.waitFor(30, TimeUnit.SECONDS)).isTrue();
    long afterKill = logFiles(home);
    System.out.println("gc killed after deleting " + (before - afterKill) + " of " + files + " logs");
    assertThat(killedPartway).as("the gc was still deleting when killed; stdout: %s stderr: %s",
        Files.readString(tmp.resolve("gc.out")), Files.readString(tmp.resolve("gc.err"))).isTrue();
    assertThat(afterKill).as("killed half-way through its deletes").isBetween(before - files + 1, before - 1);

    // the filesystem opens and verifies; the next gc (keep-all keeps the recorded horizon) finishes
    ok(cli, "verify", "k");
    CliRunner.Result again = ok(cli, "gc", "k");
    assertThat(again.out()).contains("already gone");
    assertThat(logFiles(home)).isEqualTo(before - files);
    ok(cli, "verify", "k");
    for (int i = 0; i < files; i += 37) {
      assertThat(ok(cli, "cat", "gdp://k/t/d" + (i % 5) + "/f" + i).outBytes())
          .isEqualTo(Files.readAllBytes(tree.resolve("d" + (i % 5)).resolve("f" + i)));
    }
  }
}
