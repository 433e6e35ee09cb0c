package org.gdpstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;
import org.gdpstore.sim.GdpSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage to the embedded store's files, as a user meets it: {@code verify} exits 6 naming the log
 * and record, the rest of the filesystem stays readable, a missing log or an unknown name is "not
 * found" (3), never "the network did not answer" (4); {@code sim salvage} rewrites on request,
 * keeping a copy; a simulator serving the directory keeps the embedded store out (7, naming its pid).
 */
class DamagedStoreTest {
  @TempDir Path tmp;

  private static final String MARKER = "DAMAGE-ME-0123456789";

  private Path logHolding(Path simDir, String text) throws Exception {
    try (Stream<Path> s = Files.list(simDir.resolve("logs"))) {
      for (Path f : s.filter(p -> p.toString().endsWith(".glog")).toList()) {
        if (new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(text)) {
          return f;
        }
      }
    }
    throw new AssertionError("no log holds " + text);
  }

  private static void flipAt(Path f, long pos) throws Exception {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, pos);
      b.put(0, (byte) (b.get(0) ^ 0x20)).rewind();
      ch.write(b, pos);
    }
  }

  @Test
  void damageIsReportedPerLogAndRecordWithTheRightExitCodes() throws Exception {
    Path home = tmp.resolve("home");
    Path sim = home.resolve("sim");
    CliRunner cli = new CliRunner(home);
    Path damaged = Files.writeString(tmp.resolve("damaged.txt"), "a".repeat(3000) + MARKER + "b".repeat(3000));
    Path other = Files.writeString(tmp.resolve("other.txt"), "still here\n");
    assertThat(cli.run("mkfs", "t").code()).isZero();
    assertThat(cli.run("put", damaged.toString(), other.toString(), "gdp://t/").code()).isZero();
    assertThat(cli.run("kv", "put", "t", "k", "v").code()).isZero();

    Path file = logHolding(sim, MARKER);
    String logName = file.getFileName().toString().replace(".glog", "");
    long size = Files.size(file);
    String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    flipAt(file, text.indexOf(MARKER) + 3); // no checksum fixed: the storage layer sees the damage

    CliRunner.Result v = cli.run("verify", "gdp://t/");
    assertThat(v.code()).as(v.toString()).isEqualTo(ExitCodes.INTEGRITY);
    assertThat(v.out()).contains("FAILED: /damaged.txt").containsPattern("record \\d+ of log " + logName).contains("damaged");
    assertThat(Files.size(file)).as("nothing cut").isEqualTo(size);
    CliRunner.Result cat = cli.run("cat", "gdp://t/damaged.txt");
    assertThat(cat.code()).as(cat.toString()).isEqualTo(ExitCodes.INTEGRITY);
    assertThat(cat.err()).containsPattern("record \\d+ of log " + logName).doesNotContain("did not answer");
    assertThat(cli.run("cat", "gdp://t/other.txt").out()).isEqualTo("still here\n");
    assertThat(cli.run("kv", "get", "t", "k").out()).contains("v");

    // salvage on request: the original is kept, the record number stays damaged
    CliRunner.Result s = cli.run("sim", "salvage", "--data", sim.toString());
    assertThat(s.code()).as(s.toString()).isZero();
    assertThat(s.out()).contains(logName + ": ").containsPattern("damaged \\[\\d+\\]").contains("original kept as");
    try (Stream<Path> files = Files.list(sim.resolve("logs"))) {
      assertThat(files.filter(p -> p.getFileName().toString().startsWith(logName + ".glog.damaged-")).toList()).hasSize(1);
    }
    assertThat(cli.run("verify", "gdp://t/").code()).isEqualTo(ExitCodes.INTEGRITY);
    assertThat(cli.run("cat", "gdp://t/other.txt").out()).isEqualTo("still here\n");

    // a zeroed log file: that log is damaged (6), the others are fine
    Files.write(file, new byte[(int) Files.size(file)]);
    CliRunner.Result z = cli.run("verify", "gdp://t/");
    assertThat(z.code()).as(z.toString()).isEqualTo(ExitCodes.INTEGRITY);
    assertThat(z.out()).contains(file.getFileName().toString()).contains("damaged");
    assertThat(cli.run("cat", "gdp://t/other.txt").out()).isEqualTo("still here\n");

    // a deleted log file, and a name nobody has: not found (3)
    Files.delete(file);
    CliRunner.Result gone = cli.run("cat", "gdp://t/damaged.txt");
    assertThat(gone.code()).as(gone.toString()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(gone.err()).contains("not found").doesNotContain("did not answer");
    CliRunner.Result unknown = cli.run("ls", "gdp://AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/");
    assertThat(unknown.code()).as(unknown.toString()).isEqualTo(ExitCodes.NOT_FOUND);

    // a simulator serving the directory keeps the embedded store (and salvage) out
    try (GdpSimulator serving = GdpSimulator.builder().dataDir(sim).start()) {
      CliRunner.Result locked = cli.run("ls", "gdp://t/");
      assertThat(locked.code()).as(locked.toString()).isEqualTo(ExitCodes.EXISTS);
      assertThat(locked.err()).contains("in use by process " + ProcessHandle.current().pid());
      assertThat(cli.run("sim", "salvage", "--data", sim.toString()).code()).isEqualTo(ExitCodes.EXISTS);
      assertThat(serving.logs()).isNotEmpty();
    }
    assertThat(cli.run("cat", "gdp://t/other.txt").code()).isZero();
  }

  @Test
  void damagedDirectoryRecordNamesTheRootLog() throws Exception {
    Path home = tmp.resolve("home2");
    CliRunner cli = new CliRunner(home);
    assertThat(cli.run("mkfs", "t").code()).isZero();
    assertThat(cli.run("kv", "put", "t", "key-one", MARKER).code()).isZero();
    assertThat(cli.run("kv", "put", "t", "key-two", "2").code()).isZero();
    Path root = logHolding(home.resolve("sim"), MARKER);
    String text = new String(Files.readAllBytes(root), StandardCharsets.ISO_8859_1);
    flipAt(root, text.indexOf(MARKER) + 2);
    CliRunner.Result v = cli.run("verify", "gdp://t/");
    assertThat(v.code()).as(v.toString()).isEqualTo(ExitCodes.INTEGRITY);
    assertThat(v.out() + v.err()).contains("log " + root.getFileName().toString().replace(".glog", ""))
        .containsPattern("record \\d+ of log").contains("damaged");
  }
}
