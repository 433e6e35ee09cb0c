package org.gdpstore.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.proto.GdpMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index a clean shutdown leaves beside each durable log file (the next start need not re-read
 * and re-hash the file): used only when it matches the file exactly, never after the log changed.
 */
class CleanShutdownIndexTest {
  @TempDir
  Path dir;

  private GdpSimulator start() {
    return GdpSimulator.builder().inProcess().dataDir(dir).serverName("index.test").start();
  }

  private Path logFile(GdpName log) {
    return dir.resolve("logs").resolve(log.printable() + ".glog");
  }

  private Path index(GdpName log) {
    return dir.resolve("logs").resolve(log.printable() + ".glog.idx");
  }

  private static void append(TestClient c, GdpName log, int from, int to) {
    for (int i = from; i <= to; i++) {
      assertThat(c.call(log, Cmds.append(i, Cmds.datum(i, "r" + i))).getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
    }
  }

  /** A log of records r1..r{@code n}, closed cleanly. */
  private GdpName cleanLog(String human, int n) {
    LogMetadata md = Cmds.metadata(human);
    try (GdpSimulator sim = start(); TestClient c = TestClient.local(sim, "writer")) {
      c.call(sim.serverName(), Cmds.create(md));
      append(c, md.logName(), 1, n);
    }
    return md.logName();
  }

  /**
   * closeForExit (a process about to exit) does not wait for the event loops, but it returns only
   * once the log server has written its index and closed its files and the directory is free.
   */
  @Test
  void closeForExitReturnsWithTheIndexWrittenAndTheDirectoryReleased() {
    for (int round = 0; round < 5; round++) { // the index is written on the log server's loop: no race
      LogMetadata md = Cmds.metadata("exit" + round);
      GdpSimulator sim = start();
      try (TestClient c = TestClient.local(sim, "writer")) {
        c.call(sim.serverName(), Cmds.create(md));
        append(c, md.logName(), 1, 10);
      }
      sim.closeForExit();
      assertThat(index(md.logName())).as("written before closeForExit returned").exists();
      sim.closeForExit(); // idempotent
      sim.close();
      try (GdpSimulator again = start(); TestClient c = TestClient.local(again, "reader")) {
        assertThat(Cmds.data(c.call(md.logName(), Cmds.read(1, 10, 0)))).isEqualTo("r10");
      }
    }
  }

  @Test
  void aCleanShutdownLeavesAnIndexThatTheNextStartUsesInsteadOfTheFile() throws IOException {
    GdpName log = cleanLog("indexed", 20);
    assertThat(index(log)).exists();
    // Damage record 7's bytes but keep the file's size and time: a scan would find it at once;
    // with the index the log opens from it and only a read of record 7 meets the bad checksum.
    Path f = logFile(log);
    FileTime mtime = Files.getLastModifiedTime(f);
    String text = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
    int at = text.indexOf("r7");
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {'X'}), at);
    }
    Files.setLastModifiedTime(f, mtime);
    try (GdpSimulator sim = start(); TestClient c = TestClient.local(sim, "reader")) {
      assertThat(Cmds.data(c.call(log, Cmds.read(1, 20, 0)))).isEqualTo("r20");
      assertThat(index(log)).as("consumed at first use").doesNotExist();
      assertThat(sim.logs()).containsEntry(log, 20L);
      assertThat(Cmds.data(c.call(log, Cmds.read(2, 6, 0)))).isEqualTo("r6");
      GdpMessage bad = c.call(log, Cmds.read(3, 7, 0));
      assertThat(bad.getCmd()).isEqualTo(MsgCode.NAK_C_REC_MISSING);
      // found by the read (its reason names the file), not by a scan at open (which names no file)
      assertThat(bad.getNak().getDescription()).contains("record 7", "checksum", f.getFileName().toString());
      append(c, log, 21, 22); // appends continue after the indexed records
    }
    try (GdpSimulator sim = start(); TestClient c = TestClient.local(sim, "reader-2")) {
      for (int i = 20; i <= 22; i++) {
        assertThat(Cmds.data(c.call(log, Cmds.read(1, i, 0)))).isEqualTo("r" + i);
      }
    }
  }

  @Test
  void anIndexOlderThanTheFileIsNotTrusted() throws IOException {
    GdpName log = cleanLog("stale-index", 5);
    Path saved = dir.resolve("saved.idx");
    Files.copy(index(log), saved);
    // a later session appends and then crashes: no new index; the old one is put back beside the file
    try (GdpSimulator sim = start(); TestClient c = TestClient.local(sim, "writer-2")) {
      append(c, log, 6, 9);
      sim.crashLogServer();
    }
    Files.copy(saved, index(log), StandardCopyOption.REPLACE_EXISTING);
    try (GdpSimulator sim = start(); TestClient c = TestClient.local(sim, "reader")) {
      assertThat(DurableTest.readAll(c, log)).containsExactly("r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9");
      append(c, log, 10, 10);
      assertThat(sim.logs()).containsEntry(log, 10L);
    }
  }

  @Test
  void salvageDropsTheIndexOfTheFileItReplaces() throws IOException {
    GdpName log = cleanLog("salvaged", 5);
    Path f = logFile(log);
    String text = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {'X'}), text.indexOf("r3"));
    }
    assertThat(Salvage.run(dir, log)).singleElement().satisfies(r -> assertThat(r.rewritten()).isTrue());
    assertThat(index(log)).doesNotExist();
    try (GdpSimulator sim = start(); TestClient c = TestClient.local(sim, "reader")) {
      assertThat(sim.logs()).containsEntry(log, 5L);
      assertThat(c.call(log, Cmds.read(1, 3, 0)).getCmd()).isEqualTo(MsgCode.NAK_C_REC_MISSING);
      assertThat(Cmds.data(c.call(log, Cmds.read(2, 4, 0)))).isEqualTo("r4");
    }
  }

  @Test
  void aDamagedIndexIsIgnored() throws IOException {
    GdpName log = cleanLog("bad-index", 5);
    byte[] idx = Files.readAllBytes(index(log));
    idx[idx.length / 2] ^= 1;
    Files.write(index(log), idx);
    try (GdpSimulator sim = start(); TestClient c = TestClient.local(sim, "reader")) {
      assertThat(DurableTest.readAll(c, log)).containsExactly("r1", "r2", "r3", "r4", "r5");
      append(c, log, 6, 6);
    }
  }
}
