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
 * A recursive {@code put} is one transaction: a put process killed (SIGKILL) while it is writing
 * file logs leaves either the whole tree visible or nothing, never part of it.
 */
class KilledPutTest {
  @TempDir Path tmp;

  private static long logFiles(Path home) throws Exception {
    Path logs = home.resolve("sim/logs");
    if (!Files.isDirectory(logs)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(logs)) {
      return s.count();
    }
  }

  @Test
  void killedRecursivePutLeavesAllOrNothing() throws Exception {
    Path home = tmp.resolve("home");
    Path tree = tmp.resolve("tree");
    Random rnd = new Random(2026);
    for (int i = 0; i < 120; i++) {
      Path f = tree.resolve("d" + (i % 7)).resolve("f" + i + ".bin");
      Files.createDirectories(f.getParent());
      byte[] b = new byte[8 * 1024 + rnd.nextInt(32 * 1024)];
      rnd.nextBytes(b);
      Files.write(f, b);
    }
    CliRunner.Result mk = CliProcess.run(home, "mkfs", "k");
    assertThat(mk.code()).as(mk.toString()).isZero();
    long before = logFiles(home);

    Process put = CliProcess.builder(home, "put", "-r", tree.toString(), "gdp://k/tree")
        .redirectOutput(tmp.resolve("put.out").toFile()).redirectError(tmp.resolve("put.err").toFile()).start();
    // wait until the put is partway: it has created some file logs (one per file) but cannot have finished
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (put.isAlive() && logFiles(home) < before + 10 && System.nanoTime() < deadline) {
      Thread.sleep(10); // polling another process's files: there is no event to wait on
    }
    boolean killedPartway = put.isAlive();
    put.destroyForcibly();
    assertThat(put.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(killedPartway).as("the put was still running when killed; stderr: %s",
        Files.readString(tmp.resolve("put.err"))).isTrue();

    // after the crash the embedded store recovers; the tree is all there or not at all
    CliRunner cli = new CliRunner(home);
    CliRunner.Result ls = cli.run("ls", "-r", "gdp://k/");
    assertThat(ls.code()).as(ls.toString()).isZero();
    if (ls.out().isEmpty()) {
      assertThat(cli.run("ls", "gdp://k/tree").code()).isEqualTo(ExitCodes.NOT_FOUND);
    } else {
      Path back = tmp.resolve("back-partial");
      assertThat(cli.run("get", "-r", "gdp://k/tree", back.toString()).code()).isZero();
      assertThat(DemoCommand.compare(tree, back)).isEqualTo(120);
    }

    // and the same put, run again to the end, stores the whole tree
    CliRunner.Result again = cli.run("put", "-r", tree.toString(), "gdp://k/tree2");
    assertThat(again.code()).as(again.toString()).isZero();
    Path back = tmp.resolve("back");
    assertThat(cli.run("get", "-r", "gdp://k/tree2", back.toString()).code()).isZero();
    assertThat(DemoCommand.compare(tree, back)).isEqualTo(120);
  }
}
