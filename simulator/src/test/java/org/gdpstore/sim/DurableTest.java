package org.gdpstore.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.gdpstore.wire.EpStat;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.proto.GdpMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durable mode in one JVM: crash and restart, torn tails, a full disk, DELETE. */
class DurableTest {
  @TempDir
  Path dir;

  private GdpSimulator start() {
    return GdpSimulator.builder().inProcess().dataDir(dir).serverName("durable.test").start();
  }

  static List<String> readAll(TestClient c, GdpName log) {
    long n = c.call(log, Cmds.open(MsgCode.CMD_OPEN_RO, 1)).getAckSuccess().getRecno();
    List<String> out = new ArrayList<>();
    if (n == 0) {
      return out;
    }
    c.send(log, Cmds.read(2, 1, null));
    for (long i = 1; i <= n; i++) {
      GdpMessage m = c.nextEnvelope().message();
      assertThat(Cmds.recno(m)).isEqualTo(i);
      out.add(Cmds.data(m));
    }
    assertThat(c.nextEnvelope().message().getCmd()).isEqualTo(MsgCode.ACK_END_OF_RESULTS);
    return out;
  }

  private Path logFile(GdpName log) {
    return dir.resolve("logs").resolve(log.printable() + ".glog");
  }

  @Test
  void recordsSurviveCrashAndRestart() {
    LogMetadata md = Cmds.metadata("crash-me");
    GdpName log = md.logName();
    try (GdpSimulator sim = start(); TestClient c = TestClient.local(sim, "durable-client")) {
      assertThat(c.call(sim.serverName(), Cmds.create(md)).getCmd()).isEqualTo(MsgCode.ACK_CREATED);
      for (int i = 1; i <= 10; i++) {
        assertThat(c.call(log, Cmds.append(i, Cmds.datum(i, "d" + i))).getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
      }
      sim.crashLogServer();
      c.send(log, Cmds.open(MsgCode.CMD_OPEN_RO, 1));
      assertThat(c.next().isNoRoute()).as("the log server is gone").isTrue();
      assertThat(sim.logs()).isEmpty();
      sim.restartLogServer();
      assertThat(sim.logs()).containsEntry(log, 10L);
      assertThat(readAll(c, log)).hasSize(10).startsWith("d1").endsWith("d10");
      assertThat(c.call(log, Cmds.append(11, Cmds.datum(11, "d11"))).getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
    }
    // a whole new simulator on the same directory
    try (GdpSimulator sim = start(); TestClient c = TestClient.local(sim, "durable-client-2")) {
      assertThat(readAll(c, log)).hasSize(11).endsWith("d11");
    }
  }

  @Test
  void tornTailIsDroppedAndTheLogStaysWritable() throws IOException {
    LogMetadata md = Cmds.metadata("torn");
    GdpName log = md.logName();
    try (GdpSimulator sim = start(); TestClient c = TestClient.local(sim, "torn-client")) {
      c.call(sim.serverName(), Cmds.create(md));
      for (int i = 1; i <= 3; i++) {
        c.call(log, Cmds.append(0, Cmds.datum(i, "t" + i)));
      }
    }
    long good = Files.size(logFile(log));
    // what a crash leaves of an append: the first 30 bytes of a real frame
    byte[] whole = Files.readAllBytes(logFile(log));
    int frameStart = indexOfFrameMagic(whole, (int) good);
    Files.write(logFile(log), java.util.Arrays.copyOfRange(whole, frameStart, frameStart + 30), StandardOpenOption.APPEND);
    try (GdpSimulator sim = start(); TestClient c = TestClient.local(sim, "torn-client-2")) {
      assertThat(readAll(c, log)).containsExactly("t1", "t2", "t3");
      assertThat(Files.size(logFile(log))).isEqualTo(good);
      assertThat(c.call(log, Cmds.append(0, Cmds.datum(4, "t4"))).getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
    }
    // a complete last record with a bad checksum is not a torn tail: it stays, damaged (CorruptionTest)
    byte[] bytes = Files.readAllBytes(logFile(log));
    bytes[bytes.length - 1] ^= 0x5a;
    Files.write(logFile(log), bytes);
    try (GdpSimulator sim = start(); TestClient c = TestClient.local(sim, "torn-client-3")) {
      assertThat(c.call(log, Cmds.open(MsgCode.CMD_OPEN_RO, 1)).getAckSuccess().getRecno()).isEqualTo(4);
      assertThat(c.call(log, Cmds.read(5, 4, 0)).getCmd()).isEqualTo(MsgCode.NAK_C_REC_MISSING);
      assertThat(Files.size(logFile(log))).isEqualTo(bytes.length);
    }
  }

  /** The start of the last format 2 frame ("GDFR") before {@code end}. */
  private static int indexOfFrameMagic(byte[] b, int end) {
    for (int i = end - 4; i >= 0; i--) {
      if (b[i] == 'G' && b[i + 1] == 'D' && b[i + 2] == 'F' && b[i + 3] == 'R') {
        return i;
      }
    }
    throw new AssertionError("no frame");
  }

  @Test
  void fullDiskRefusesTheAppendAndStoresNothingOfIt() throws IOException {
    LogMetadata md = Cmds.metadata("full");
    GdpName log = md.logName();
    try (GdpSimulator sim = start(); TestClient c = TestClient.local(sim, "full-client")) {
      c.call(sim.serverName(), Cmds.create(md));
      c.call(log, Cmds.append(0, Cmds.datum(1, "f1")));
      long size = Files.size(logFile(log));
      sim.failNextStorageWrites(1);
      GdpMessage nak = c.call(log, Cmds.append(7, Cmds.datum(2, "f2"), Cmds.datum(3, "f3")));
      assertThat(nak.getCmd()).isEqualTo(MsgCode.NAK_S_INTERNAL);
      assertThat(nak.getRid()).isEqualTo(7);
      assertThat(nak.getNak().getEpStat()).isEqualTo(EpStat.NAK_INTERNAL.value());
      assertThat(Files.size(logFile(log))).as("the short write was undone").isEqualTo(size);
      assertThat(readAll(c, log)).containsExactly("f1");
      assertThat(c.call(log, Cmds.append(0, Cmds.datum(2, "f2"))).getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);

      sim.failNextStorageWrites(1);
      LogMetadata md2 = Cmds.metadata("never-created");
      assertThat(c.call(sim.serverName(), Cmds.create(md2)).getCmd()).isEqualTo(MsgCode.NAK_S_INTERNAL);
      sim.crashLogServer();
      sim.restartLogServer();
      assertThat(readAll(c, log)).containsExactly("f1", "f2");
      c.send(md2.logName(), Cmds.open(MsgCode.CMD_OPEN_RO, 1));
      assertThat(c.next().isNoRoute()).isTrue();
    }
  }

  @Test
  void deleteRemovesTheFileAndTheRoute() throws IOException {
    LogMetadata md = Cmds.metadata("delete-me");
    GdpName log = md.logName();
    try (GdpSimulator sim = start(); TestClient c = TestClient.local(sim, "delete-client");
         TestClient sub = TestClient.local(sim, "delete-sub")) {
      c.call(sim.serverName(), Cmds.create(md));
      c.call(log, Cmds.append(0, Cmds.datum(1, "x")));
      sub.send(log, Cmds.subscribe(3, 0L, null));
      assertThat(sub.nextEnvelope().cmd()).isEqualTo(MsgCode.ACK_SUCCESS);
      assertThat(Files.exists(logFile(log))).isTrue();
      GdpMessage del = c.call(log, Cmds.bodiless(MsgCode.CMD_DELETE, 0));
      assertThat(del.getCmd()).isEqualTo(MsgCode.ACK_DELETED);
      assertThat(Files.exists(logFile(log))).isFalse();
      c.send(log, Cmds.open(MsgCode.CMD_OPEN_RO, 1));
      assertThat(c.next().isNoRoute()).isTrue();
      // the name can be created afresh, empty
      assertThat(c.call(sim.serverName(), Cmds.create(md)).getCmd()).isEqualTo(MsgCode.ACK_CREATED);
      assertThat(readAll(c, log)).isEmpty();
      assertThat(sub.quiet(50)).isTrue();
    }
    try (Stream<Path> s = Files.list(dir.resolve("logs"))) {
      assertThat(s.filter(p -> !p.toString().endsWith(".idx")).toList()).hasSize(1); // the new log's file
    }
  }

  @Test
  void crashNeedsDurableMode() {
    try (GdpSimulator sim = GdpSimulator.builder().start()) {
      assertThatThrownBy(sim::crashLogServer).isInstanceOf(IllegalStateException.class);
    }
  }
  @Test
  void recordsAreReadBackFromTheFileAndCorruptionIsReported() throws IOException {
    LogMetadata md = Cmds.metadata("read-back");
    GdpName log = md.logName();
    try (GdpSimulator sim = start(); TestClient c = TestClient.local(sim, "read-back-client")) {
      c.call(sim.serverName(), Cmds.create(md));
      for (int i = 1; i <= 5; i++) {
        c.call(log, Cmds.append(0, Cmds.datum(i, "rb" + i)));
      }
      // flip a byte of record 3's data in the file: the server reads records from disk, finds the bad checksum
      byte[] bytes = Files.readAllBytes(logFile(log));
      String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
      int at = text.indexOf("rb3");
      assertThat(at).isPositive();
      try (var ch = java.nio.channels.FileChannel.open(logFile(log), StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap(new byte[] {'X'}), at);
      }
      assertThat(Cmds.data(c.call(log, Cmds.read(1, 2, 0)))).isEqualTo("rb2");
      GdpMessage bad = c.call(log, Cmds.read(2, 3, 0));
      assertThat(bad.getCmd()).isEqualTo(MsgCode.NAK_C_REC_MISSING);
      assertThat(bad.getNak().getDescription()).contains("record 3", "damaged", "checksum");
      c.send(log, Cmds.read(3, 1, null));
      assertThat(Cmds.data(c.nextEnvelope().message())).isEqualTo("rb1");
      assertThat(Cmds.data(c.nextEnvelope().message())).isEqualTo("rb2");
      GdpMessage end = c.nextEnvelope().message();
      assertThat(end.getCmd()).isEqualTo(MsgCode.NAK_C_REC_MISSING);
      assertThat(end.getRid()).isEqualTo(3);
    }
  }
}
