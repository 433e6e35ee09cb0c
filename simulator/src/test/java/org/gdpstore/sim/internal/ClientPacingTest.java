package org.gdpstore.sim.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.gdpstore.wire.GdpMessages;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.Pdu;
import org.gdpstore.wire.proto.CmdReadByHash;
import org.gdpstore.wire.proto.CmdReadByRecno;
import org.gdpstore.wire.proto.GdpMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The router's per-client pacing counts only commands whose answer it can recognize. */
class ClientPacingTest {
  private static final GdpName LOG = GdpName.of(new byte[32]);
  private static final GdpName CLIENT = GdpName.of(filled(7));

  private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
  private final List<Pdu> forwarded = new ArrayList<>();
  private final ClientPacing pacing = new ClientPacing(channel.pipeline().firstContext(), 4, forwarded::add, () -> {});

  @AfterEach
  void release() {
    forwarded.forEach(Pdu::release);
    pacing.release();
    channel.finishAndReleaseAll();
  }

  @Test
  void singleRecordReadsNeverPauseTheClient() {
    // each is answered by one ACK_CONTENT, which the pacing cannot tell from a record of a range
    for (int i = 1; i <= 100; i++) {
      pacing.inbound(read(i, 0));
      pacing.inbound(byHash(1000 + i));
    }
    assertThat(forwarded).hasSize(200);
    assertThat(channel.config().isAutoRead()).isTrue();
  }

  @Test
  void rangeReadsPauseAtTheBoundUntilHalfAreAnswered() {
    for (int i = 1; i <= 6; i++) {
      pacing.inbound(read(i, 10)); // a range read ends with a counted answer
    }
    assertThat(forwarded).hasSize(4);
    assertThat(channel.config().isAutoRead()).isFalse();
    pacing.answered(Pdu.regular(CLIENT, LOG, GdpMessages.encode(UnpooledByteBufAllocator.DEFAULT,
        GdpMessage.newBuilder().setCmd(MsgCode.ACK_SUCCESS).setRid(1).build())));
    pacing.answered(Pdu.regular(CLIENT, LOG, GdpMessages.encode(UnpooledByteBufAllocator.DEFAULT,
        GdpMessage.newBuilder().setCmd(MsgCode.ACK_SUCCESS).setRid(2).build())));
    assertThat(forwarded).hasSize(6);
  }

  private static Pdu read(int rid, int nrecs) {
    GdpMessage m = GdpMessage.newBuilder().setCmd(MsgCode.CMD_READ_BY_RECNO).setRid(rid)
        .setCmdReadByRecno(CmdReadByRecno.newBuilder().setRecno(1).setNrecs(nrecs)).build();
    return Pdu.regular(LOG, CLIENT, GdpMessages.encode(UnpooledByteBufAllocator.DEFAULT, m));
  }

  private static Pdu byHash(int rid) {
    GdpMessage m = GdpMessage.newBuilder().setCmd(MsgCode.CMD_READ_BY_HASH).setRid(rid)
        .setCmdReadByHash(CmdReadByHash.newBuilder().setHash(com.google.protobuf.ByteString.copyFrom(new byte[32])))
        .build();
    return Pdu.regular(LOG, CLIENT, GdpMessages.encode(UnpooledByteBufAllocator.DEFAULT, m));
  }

  private static byte[] filled(int b) {
    byte[] a = new byte[32];
    java.util.Arrays.fill(a, (byte) b);
    return a;
  }
}
