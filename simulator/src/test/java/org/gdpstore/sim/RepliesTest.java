package org.gdpstore.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.util.SplittableRandom;
import org.gdpstore.sim.internal.Replies;
import org.gdpstore.wire.GdpMessages;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.proto.AckContent;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpDatumList;
import org.gdpstore.wire.proto.GdpMessage;
import org.gdpstore.wire.proto.GdpSignature;
import org.gdpstore.wire.proto.GdpTimestamp;
import org.junit.jupiter.api.Test;

/** The hand-written one-record ACK_CONTENT is byte for byte what protobuf encodes. */
class RepliesTest {
  @Test
  void contentPayloadEqualsTheEncodedMessage() {
    SplittableRandom rnd = new SplittableRandom(7);
    int[] edges = {0, 1, 127, 128, 16_383, 16_384, Integer.MAX_VALUE, -1, Integer.MIN_VALUE};
    int[] sizes = {0, 1, 100, 127, 128, 4096, 16_383, 16_384, 65_000};
    for (int i = 0; i < 500; i++) {
      GdpMessage.Builder cmd = GdpMessage.newBuilder().setCmd(MsgCode.CMD_READ_BY_RECNO);
      int rid = i < edges.length ? edges[i] : rnd.nextInt();
      int seq = i < edges.length ? edges[edges.length - 1 - i] : rnd.nextBoolean() ? 0 : rnd.nextInt();
      if (rid != 0) {
        cmd.setRid(rid);
      }
      if (seq != 0) {
        cmd.setL5Seqno(seq);
      }
      byte[] data = new byte[i < sizes.length ? sizes[i] : rnd.nextInt(300)];
      rnd.nextBytes(data);
      GdpDatum.Builder d = GdpDatum.newBuilder().setRecno(rnd.nextLong(1, Long.MAX_VALUE))
          .setTs(GdpTimestamp.newBuilder().setSec(rnd.nextLong(0, 1L << 40)))
          .setData(ByteString.copyFrom(data));
      if (rnd.nextBoolean()) {
        d.setPrevhash(ByteString.copyFrom(new byte[32]));
        d.setSig(GdpSignature.newBuilder().setSig(ByteString.copyFrom(new byte[64])));
      }
      GdpDatum datum = d.build();
      GdpMessage built = cmd.build();
      GdpMessage expected = Replies.to(built, MsgCode.ACK_CONTENT)
          .setAckContent(AckContent.newBuilder().setDl(GdpDatumList.newBuilder().addD(datum))).build();
      ByteBuf want = GdpMessages.encode(ByteBufAllocator.DEFAULT, expected);
      ByteBuf got = Replies.contentPayload(ByteBufAllocator.DEFAULT, built, datum.toByteArray());
      try {
        assertThat(ByteBufUtil.getBytes(got)).as("case %d", i).isEqualTo(ByteBufUtil.getBytes(want));
      } finally {
        want.release();
        got.release();
      }
    }
  }
}
