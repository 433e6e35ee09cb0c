package org.gdpstore.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.netty.buffer.Unpooled;
import java.util.concurrent.TimeUnit;
import org.gdpstore.wire.EpStat;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.Pdu;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One client's malformed or oversize PDUs never disturb another client. */
class IsolationTest {
  static GdpSimulator sim;
  static TestClient good;
  static GdpName log;
  static long next = 1;

  @BeforeAll
  static void start() {
    sim = GdpSimulator.builder().inProcess().loopbackTcp(0).maxRecordBytes(1000).start();
    good = TestClient.tcp(sim, "good-client");
    LogMetadata md = Cmds.metadata("isolation");
    log = md.logName();
    assertThat(good.call(sim.serverName(), Cmds.create(md)).getCmd()).isEqualTo(MsgCode.ACK_CREATED);
  }

  @AfterAll
  static void stop() {
    good.close();
    sim.close();
  }

  /** The good client appends and reads back. */
  private static void goodClientStillWorks() {
    long r = next++;
    assertThat(good.call(log, Cmds.append((int) r, Cmds.datum(r, "good-" + r))).getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
    assertThat(Cmds.data(good.call(log, Cmds.read(0, r, 0)))).isEqualTo("good-" + r);
  }

  private static TestClient bad(boolean tcp, String name) {
    return tcp ? TestClient.tcp(sim, name) : TestClient.local(sim, name);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void brokenFramingClosesOnlyThatConnection(boolean tcp) {
    byte[][] garbage = {
        {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
            9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
            9, 9, 9, 9},
        header(0x04, 0x01), // header length below 76
        header(0x04, 0xd3), // reserved bits
    };
    for (byte[] g : garbage) {
      try (TestClient b = bad(tcp, "bad-framing-" + tcp)) {
        assertThat(b.call(log, Cmds.open(MsgCode.CMD_OPEN_RO, 1)).getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
        b.sendBytes(g);
        assertThat(b.channel.closeFuture().awaitUninterruptibly(10, TimeUnit.SECONDS)).isTrue();
        goodClientStillWorks();
      }
    }
  }

  private static byte[] header(int version, int hlen) {
    byte[] h = new byte[76];
    h[0] = (byte) version;
    h[1] = (byte) hlen;
    h[3] = 15;
    return h;
  }

  @Test
  void truncatedPduThenDisconnect() {
    TestClient b = bad(true, "bad-truncated");
    byte[] h = header(0x04, 0x13);
    h[10] = (byte) 0xff;
    h[11] = (byte) 0xff; // promises 65535 bytes
    b.sendBytes(h);
    b.sendBytes(new byte[1000]);
    b.close();
    goodClientStillWorks();
  }

  @Test
  void malformedMessageGetsBadRequestAndTheConnectionStays() {
    try (TestClient b = bad(false, "bad-protobuf")) {
      // a REGULAR PDU whose payload is not a GdpMessage (rid 7, then a truncated field)
      b.sendPdu(Pdu.regular(log, b.name, Unpooled.wrappedBuffer(new byte[] {0x10, 0x07, 0x1a, (byte) 0xff})));
      GdpMessage nak = b.nextEnvelope().message();
      assertThat(nak.getCmd()).isEqualTo(MsgCode.NAK_C_BADREQ);
      assertThat(nak.getRid()).isEqualTo(7);
      assertThat(nak.getNak().getEpStat()).isEqualTo(EpStat.NAK_BADREQ.value());
      // a message without the required cmd
      b.sendPdu(Pdu.regular(log, b.name, Unpooled.wrappedBuffer(new byte[] {0x10, 0x08})));
      assertThat(b.nextEnvelope().message().getCmd()).isEqualTo(MsgCode.NAK_C_BADREQ);
      assertThat(b.isActive()).isTrue();
      assertThat(b.call(log, Cmds.open(MsgCode.CMD_OPEN_RO, 2)).getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
      goodClientStillWorks();
    }
  }

  @Test
  void oversizeRecordIsRefusedWithTooLarge() {
    try (TestClient b = bad(true, "bad-oversize")) {
      GdpDatum big = Cmds.datum(next, "x").toBuilder().setData(ByteString.copyFrom(new byte[1001])).build();
      GdpMessage nak = b.call(log, Cmds.append(3, big));
      assertThat(nak.getCmd()).isEqualTo(MsgCode.NAK_C_TOOLARGE);
      assertThat(nak.getNak().getEpStat()).isEqualTo(EpStat.NAK_TOOLARGE.value());
      GdpDatum fits = Cmds.datum(next, "x").toBuilder().setData(ByteString.copyFrom(new byte[1000])).build();
      assertThat(b.call(log, Cmds.append(4, fits)).getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
      next++;
      goodClientStillWorks();
    }
  }

  @Test
  void unknownCommandsAndWrongBodies() {
    try (TestClient b = bad(false, "bad-commands")) {
      assertThat(b.call(log, Cmds.bodiless(120, 1)).getCmd()).isEqualTo(MsgCode.NAK_S_NOTIMPL);
      assertThat(b.call(log, Cmds.bodiless(MsgCode.CMD_SUBSCRIBE_BY_HASH, 2)).getCmd()).isEqualTo(MsgCode.NAK_S_NOTIMPL);
      assertThat(b.call(log, Cmds.bodiless(MsgCode.CMD_READ_BY_RECNO, 3)).getCmd()).isEqualTo(MsgCode.NAK_C_BADREQ);
      // responses and blind commands get no answer
      b.send(log, Cmds.bodiless(MsgCode.ACK_SUCCESS, 4));
      b.send(log, Cmds.bodiless(MsgCode.CMD_NONE, 5));
      assertThat(b.quiet(100)).isTrue();
      goodClientStillWorks();
    }
  }
}
