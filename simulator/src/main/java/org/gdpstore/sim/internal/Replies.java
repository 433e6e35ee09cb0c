package org.gdpstore.sim.internal;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.gdpstore.wire.EpStat;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.PduHeader;
import org.gdpstore.wire.proto.AckEndOfResults;
import org.gdpstore.wire.proto.AckSuccess;
import org.gdpstore.wire.proto.GdpMessage;
import org.gdpstore.wire.proto.NakGeneric;

/** Builders of response messages; every response copies the command's rid (and l5seqno) when non-zero. */
public final class Replies {
  private Replies() {}

  /** A response skeleton with the command's rid and l5seqno. */
  public static GdpMessage.Builder to(GdpMessage cmd, int code) {
    GdpMessage.Builder b = GdpMessage.newBuilder().setCmd(code);
    if (cmd.getRid() != 0) {
      b.setRid(cmd.getRid());
    }
    if (cmd.getL5Seqno() != 0) {
      b.setL5Seqno(cmd.getL5Seqno());
    }
    return b;
  }

  /** A NAK with ep_stat and description, and recno when {@code recno >= 0}. */
  public static GdpMessage nak(GdpMessage cmd, int code, EpStat stat, String description, long recno) {
    NakGeneric.Builder n = NakGeneric.newBuilder().setEpStat(stat.value());
    if (description != null) {
      n.setDescription(description);
    }
    if (recno >= 0) {
      n.setRecno(recno);
    }
    return to(cmd, code).setNak(n).build();
  }

  /** An ACK with an empty ack_success body. */
  public static GdpMessage ack(GdpMessage cmd, int code) {
    return to(cmd, code).setAckSuccess(AckSuccess.getDefaultInstance()).build();
  }

  /** The 191 that ends a range read or a subscription's budget, counting {@code n} records. */
  public static GdpMessage endOfResults(GdpMessage cmd, long n) {
    return to(cmd, MsgCode.ACK_END_OF_RESULTS).setAckEndOfResults(
        AckEndOfResults.newBuilder().setEpStat(EpStat.END_OF_RESULTS.value()).setNresults(n)).build();
  }

  /** Field number of {@code ack_content} in GdpMessage. */
  private static final int ACK_CONTENT_FIELD = 133;

  /**
   * The payload of a one-record ACK_CONTENT answering {@code cmd}: exactly the bytes
   * {@code to(cmd, ACK_CONTENT).setAckContent(dl = [datum])} encodes to (fields in number order:
   * cmd, rid, l5seqno, ack_content{dl{d}}), but written around the record's already serialized
   * form instead of building and encoding messages per record. The caller owns the buffer.
   *
   * @param datum a serialized GdpDatum
   * @throws IllegalArgumentException if the message would not fit one PDU
   */
  public static ByteBuf contentPayload(ByteBufAllocator alloc, GdpMessage cmd, byte[] datum) {
    int rid = cmd.getRid();
    int seq = cmd.getL5Seqno();
    int dlLen = 1 + CodedOutputStream.computeUInt32SizeNoTag(datum.length) + datum.length;
    int acLen = 1 + CodedOutputStream.computeUInt32SizeNoTag(dlLen) + dlLen;
    int size = CodedOutputStream.computeUInt32Size(1, MsgCode.ACK_CONTENT)
        + (rid != 0 ? CodedOutputStream.computeUInt32Size(2, rid) : 0)
        + (seq != 0 ? CodedOutputStream.computeUInt32Size(3, seq) : 0)
        + CodedOutputStream.computeTagSize(ACK_CONTENT_FIELD) + CodedOutputStream.computeUInt32SizeNoTag(acLen) + acLen;
    if (size > PduHeader.MAX_PAYLOAD_LENGTH) {
      throw new IllegalArgumentException("ACK_CONTENT of " + size + " bytes exceeds the 65535-byte PDU payload");
    }
    ByteBuf buf = alloc.heapBuffer(size, size);
    try {
      boolean direct = buf.hasArray();
      byte[] target = direct ? buf.array() : new byte[size];
      CodedOutputStream out = CodedOutputStream.newInstance(target, direct ? buf.arrayOffset() + buf.writerIndex() : 0, size);
      out.writeUInt32(1, MsgCode.ACK_CONTENT);
      if (rid != 0) {
        out.writeUInt32(2, rid);
      }
      if (seq != 0) {
        out.writeUInt32(3, seq);
      }
      out.writeTag(ACK_CONTENT_FIELD, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag(acLen);
      out.writeTag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED); // AckContent.dl
      out.writeUInt32NoTag(dlLen);
      out.writeTag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED); // GdpDatumList.d
      out.writeUInt32NoTag(datum.length);
      out.writeRawBytes(datum);
      out.checkNoSpaceLeft();
      if (!direct) {
        buf.writeBytes(target);
        return buf;
      }
    } catch (IOException e) {
      buf.release();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      buf.release();
      throw e;
    }
    return buf.writerIndex(buf.writerIndex() + size);
  }
}
