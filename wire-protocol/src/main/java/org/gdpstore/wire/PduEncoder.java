package org.gdpstore.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Encodes {@link Pdu}s (spec 1.5). Stateless and shared. The header goes into a small buffer of
 * its own and the payload follows without a copy.
 */
@Sharable
public final class PduEncoder extends MessageToMessageEncoder<Pdu> {
  /** The shared instance. */
  public static final PduEncoder INSTANCE = new PduEncoder();

  private PduEncoder() {
    super(Pdu.class);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Pdu pdu, List<Object> out) {
    out.add(encodeHeader(ctx.alloc(), pdu.header(), pdu.content().readableBytes()));
    if (pdu.content().isReadable()) {
      out.add(pdu.content().retain());
    }
  }

  /** Writes the header of a PDU whose payload has {@code payloadLength} bytes into a new buffer. */
  public static ByteBuf encodeHeader(ByteBufAllocator alloc, PduHeader h, int payloadLength) {
    ByteBuf buf = alloc.buffer(h.headerLength());
    writeHeader(buf, h, payloadLength);
    return buf;
  }

  /** Writes the header of a PDU whose payload has {@code payloadLength} bytes into {@code buf}. */
  public static void writeHeader(ByteBuf buf, PduHeader h, int payloadLength) {
    if (payloadLength > PduHeader.MAX_PAYLOAD_LENGTH) {
      throw new IllegalArgumentException("payload of " + payloadLength + " bytes exceeds 65535");
    }
    buf.writeByte(PduHeader.VERSION);
    buf.writeByte(h.headerLength() / 4);
    buf.writeByte(h.type().bits() | h.flags());
    buf.writeByte(h.ttl());
    buf.writeInt(h.seqField());
    buf.writeShort(h.fragmentLength());
    buf.writeShort(payloadLength);
    h.dst().writeTo(buf);
    h.src().writeTo(buf);
    buf.writeBytes(h.options());
  }

  /** Encodes a whole PDU into one new buffer (for tests and tools; the pipeline avoids the copy). */
  public static ByteBuf encode(ByteBufAllocator alloc, Pdu pdu) {
    ByteBuf buf = alloc.buffer(pdu.wireLength());
    writeHeader(buf, pdu.header(), pdu.content().readableBytes());
    buf.writeBytes(pdu.content(), pdu.content().readerIndex(), pdu.content().readableBytes());
    return buf;
  }
}
