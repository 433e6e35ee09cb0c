package org.gdpstore.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.proto.GdpMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corruption suite on the durable store: damage a log file between two runs of a simulator;
 * every intact record must stay readable, the damaged ones answer NAK 222, appends continue after
 * the highest record number that may have been acknowledged, and nothing is truncated on open.
 */
class CorruptionTest {
  static final int N = 6;
  @TempDir
  Path dir;
  LogMetadata md = Cmds.metadata("corrupt-me");
  GdpName log = md.logName();
  LogMetadata otherMd = Cmds.metadata("bystander");

  private GdpSimulator start() {
    return GdpSimulator.builder().inProcess().dataDir(dir).serverName("corruption.test").start();
  }

  private Path file(GdpName name) {
    return dir.resolve("logs").resolve(name.printable() + ".glog");
  }

  @BeforeEach
  void fill() {
    try (GdpSimulator sim = start(); TestClient c = TestClient.local(sim, "fill")) {
      c.call(sim.serverName(), Cmds.create(md));
      c.call(sim.serverName(), Cmds.create(otherMd));
      for (int i = 1; i <= N; i++) {
        assertThat(c.call(log, Cmds.append(0, Cmds.datum(i, data(i)))).getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
        c.call(otherMd.logName(), Cmds.append(0, Cmds.datum(i, "other" + i)));
      }
    }
  }

  private static String data(int i) {
    return "record-" + i + "-" + "x".repeat(40);
  }

  /** Where record {@code i}'s data starts in the file. */
  private int dataOffset(int i) throws IOException {
    String text = new String(Files.readAllBytes(file(log)), StandardCharsets.ISO_8859_1);
    int at = text.indexOf(data(i));
    assertThat(at).isPositive();
    return at;
  }

  /** The start of the frame holding {@code dataAt}: the "GDFR" frame magic before it. */
  private long frameStart(int dataAt) throws IOException {
    byte[] b = Files.readAllBytes(file(log));
    for (int i = dataAt - 4; i >= 0; i--) {
      if (b[i] == 'G' && b[i + 1] == 'D' && b[i + 2] == 'F' && b[i + 3] == 'R') {
        return i;
      }
    }
    throw new AssertionError("no frame before " + dataAt);
  }

  private void writeAt(long pos, byte[] b) throws IOException {
    try (FileChannel ch = FileChannel.open(file(log), StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(b), pos);
    }
  }

  private static GdpMessage read(TestClient c, GdpName log, long recno) {
    return c.call(log, Cmds.read(9, recno, 0));
  }

  /** Every record but {@code damaged} reads back intact; each damaged one answers NAK 222. */
  private void assertState(TestClient c, long nrecs, long... damaged) {
    assertThat(c.call(log, Cmds.open(MsgCode.CMD_OPEN_RO, 1)).getAckSuccess().getRecno()).isEqualTo(nrecs);
    for (int i = 1; i <= N; i++) {
      GdpMessage m = read(c, log, i);
      if (contains(damaged, i)) {
        assertThat(m.getCmd()).as("record %d", i).isEqualTo(MsgCode.NAK_C_REC_MISSING);
        assertThat(m.getNak().getDescription()).contains("record " + i).contains("damaged");
        assertThat(m.getNak().getRecno()).isEqualTo(i);
      } else {
        assertThat(m.getCmd()).as("record %d", i).isEqualTo(MsgCode.ACK_CONTENT);
        assertThat(Cmds.data(m)).isEqualTo(data(i));
      }
    }
    for (int i = 1; i <= N; i++) {
      assertThat(Cmds.data(read(c, otherMd.logName(), i))).isEqualTo("other" + i);
    }
  }

  private static boolean contains(long[] a, long v) {
    for (long x : a) {
      if (x == v) {
        return true;
      }
    }
    return false;
  }

  /** Appends continue after {@code nrecs}, and the state survives another restart unchanged. */
  private void assertAppendsContinue(long nrecs, long... damaged) throws IOException {
    long size = Files.size(file(log));
    try (GdpSimulator sim = start(); TestClient c = TestClient.local(sim, "after")) {
      assertState(c, nrecs, damaged);
      GdpMessage ack = c.call(log, Cmds.append(0, Cmds.datum(nrecs + 1, "appended")));
      assertThat(ack.getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
    }
    assertThat(Files.size(file(log))).as("nothing was cut").isGreaterThan(size);
    try (GdpSimulator sim = start(); TestClient c = TestClient.local(sim, "again")) {
      assertState(c, nrecs + 1, damaged);
      assertThat(Cmds.data(read(c, log, nrecs + 1))).isEqualTo("appended");
    }
  }

  @Test
  void flippedByteInTheMiddleDamagesOnlyThatRecord() throws IOException {
    writeAt(dataOffset(3) + 5, new byte[] {'#'});
    long size = Files.size(file(log));
    try (GdpSimulator sim = start(); TestClient c = TestClient.local(sim, "flip")) {
      assertState(c, N, 3);
      // a range read over the damage stops at it with the same error
      c.send(log, Cmds.read(4, 1, null));
      assertThat(Cmds.data(c.nextEnvelope().message())).isEqualTo(data(1));
      assertThat(Cmds.data(c.nextEnvelope().message())).isEqualTo(data(2));
      assertThat(c.nextEnvelope().message().getCmd()).isEqualTo(MsgCode.NAK_C_REC_MISSING);
      // a subscription replaying over it ends there with the same error, and delivers nothing more
      c.send(log, Cmds.subscribe(5, 1L, null));
      assertThat(c.nextEnvelope().message().getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
      assertThat(Cmds.data(c.nextEnvelope().message())).isEqualTo(data(1));
      assertThat(Cmds.data(c.nextEnvelope().message())).isEqualTo(data(2));
      GdpMessage end = c.nextEnvelope().message();
      assertThat(end.getCmd()).isEqualTo(MsgCode.NAK_C_REC_MISSING);
      assertThat(end.getRid()).isEqualTo(5);
      assertThat(c.call(log, Cmds.append(6, Cmds.datum(N + 1, "live"))).getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
      assertThat(c.quiet(100)).as("the subscription ended").isTrue();
    }
    assertThat(Files.size(file(log))).as("never truncated on open").isGreaterThan(size);
    assertAppendsContinue(N + 1, 3);
  }

  @Test
  void flippedByteInTheLastRecordKeepsItsNumber() throws IOException {
    writeAt(dataOffset(N) + 5, new byte[] {'#'});
    assertAppendsContinue(N, N);
  }

  @Test
  void corruptLengthIsResynchronised() throws IOException {
    // the length field of record 2's frame: first an impossible length, then a plausible wrong one
    long frame = frameStart(dataOffset(2));
    writeAt(frame + 4, new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff});
    try (GdpSimulator sim = start(); TestClient c = TestClient.local(sim, "length")) {
      assertState(c, N, 2);
    }
    writeAt(frame + 4, new byte[] {0, 0, 0, 3});
    assertAppendsContinue(N, 2);
  }

  @Test
  void tornLastFrameIsTheOnlyThingCut() throws IOException {
    long cut = dataOffset(N) + 10;
    try (FileChannel ch = FileChannel.open(file(log), StandardOpenOption.WRITE)) {
      ch.truncate(cut);
    }
    try (GdpSimulator sim = start(); TestClient c = TestClient.local(sim, "torn")) {
      assertThat(c.call(log, Cmds.open(MsgCode.CMD_OPEN_RO, 1)).getAckSuccess().getRecno()).isEqualTo(N - 1);
      for (int i = 1; i < N; i++) {
        assertThat(Cmds.data(read(c, log, i))).isEqualTo(data(i));
      }
      assertThat(c.call(log, Cmds.append(0, Cmds.datum(N, data(N)))).getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
    }
    try (GdpSimulator sim = start(); TestClient c = TestClient.local(sim, "torn-2")) {
      assertState(c, N);
    }
  }

  @Test
  void garbageAfterTheEndIsKeptAndCountsAsOneDamagedRecord() throws IOException {
    byte[] junk = "this is not a frame, it is junk written after the end".getBytes(StandardCharsets.US_ASCII);
    Files.write(file(log), junk, StandardOpenOption.APPEND);
    long size = Files.size(file(log));
    try (GdpSimulator sim = start(); TestClient c = TestClient.local(sim, "junk")) {
      assertState(c, N + 1);
      GdpMessage m = read(c, log, N + 1);
      assertThat(m.getCmd()).isEqualTo(MsgCode.NAK_C_REC_MISSING);
      assertThat(m.getNak().getDescription()).contains("damaged");
    }
    assertThat(Files.size(file(log))).isEqualTo(size);
    assertAppendsContinue(N + 1);
  }

  @Test
  void zeroedFileIsAnErrorForThatLogOnly() throws IOException {
    long size = Files.size(file(log));
    Files.write(file(log), new byte[(int) size]);
    try (GdpSimulator sim = start(); TestClient c = TestClient.local(sim, "zero")) {
      GdpMessage m = c.call(log, Cmds.open(MsgCode.CMD_OPEN_RO, 1));
      assertThat(m.getCmd()).isEqualTo(MsgCode.NAK_C_REC_MISSING);
      assertThat(m.getNak().getDescription()).contains(file(log).getFileName().toString()).contains("damaged");
      for (int i = 1; i <= N; i++) {
        assertThat(Cmds.data(read(c, otherMd.logName(), i))).isEqualTo("other" + i);
      }
    }
    assertThat(Files.readAllBytes(file(log))).as("left as it was").isEqualTo(new byte[(int) size]);
  }

  @Test
  void deletedFileIsAMissingLogAndOthersKeepWorking() throws IOException {
    Files.delete(file(log));
    try (GdpSimulator sim = start(); TestClient c = TestClient.local(sim, "gone")) {
      c.send(log, Cmds.open(MsgCode.CMD_OPEN_RO, 1));
      assertThat(c.next().isNoRoute()).isTrue();
      for (int i = 1; i <= N; i++) {
        assertThat(Cmds.data(read(c, otherMd.logName(), i))).isEqualTo("other" + i);
      }
    }
  }

  /** Start-up only lists log files: a file is recovered (here: its torn tail cut) when a message first names its log. */
  @Test
  void aLogFileIsRecoveredOnlyWhenFirstUsed() throws IOException {
    long cut = dataOffset(N) + 10;
    try (FileChannel ch = FileChannel.open(file(log), StandardOpenOption.WRITE)) {
      ch.truncate(cut);
    }
    try (GdpSimulator sim = start(); TestClient c = TestClient.local(sim, "lazy")) {
      for (int i = 1; i <= N; i++) {
        assertThat(Cmds.data(read(c, otherMd.logName(), i))).isEqualTo("other" + i);
      }
    }
    assertThat(Files.size(file(log))).as("not opened, not touched").isEqualTo(cut);
    try (GdpSimulator sim = start(); TestClient c = TestClient.local(sim, "lazy-2")) {
      assertThat(c.call(log, Cmds.open(MsgCode.CMD_OPEN_RO, 1)).getAckSuccess().getRecno()).isEqualTo(N - 1);
      assertThat(Files.size(file(log))).as("recovered at first use").isLessThan(cut);
    }
  }
}
