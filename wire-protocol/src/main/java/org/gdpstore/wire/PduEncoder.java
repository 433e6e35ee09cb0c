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

  /**
   * Writes each PDU as one contiguous buffer from the channel's (pooled) allocator, so that a
   * receiver on an in-process channel (which gets each written buffer as one read) never merges a
   * header with its payload: that merge, or the read coalescing of a composite, copies the payload
   * into a new heap buffer (60 KiB per large record). The copy here goes into pooled memory.
   */
  @Override
  protected void encode(ChannelHandlerContext ctx, Pdu pdu, List<Object> out) {
    ByteBuf payload = pdu.content();
    int length = payload.readableBytes();
    ByteBuf buf = ctx.alloc().buffer(pdu.header().headerLength() + length);
    writeHeader(buf, pdu.header(), length);
    buf.writeBytes(payload, payload.readerIndex(), length);
    out.add(buf);
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
