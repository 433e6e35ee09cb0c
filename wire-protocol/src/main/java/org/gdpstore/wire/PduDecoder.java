package org.gdpstore.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * Decodes a byte stream into {@link Pdu}s (spec 1.4). It waits for the fixed header, then for the
 * whole header and payload, so partial frames, many PDUs per buffer and PDUs split over many
 * buffers all work. A bad header raises {@link GdpCodecException}; the rest of the input is
 * discarded and the channel is closed, since framing cannot be recovered. PDUs before the bad one
 * are delivered, and what the pipeline wrote in answer to them is flushed before the close. Nothing is allocated
 * for a frame before its header has been validated against {@link WireLimits}. Stateful: one
 * instance per channel. Each {@link Pdu} it emits owns a retained slice of the input; the next
 * handler releases it.
 */
public final class PduDecoder extends ByteToMessageDecoder {
  private final WireLimits limits;
  private boolean failed;

  /** A decoder enforcing {@code limits}. */
  public PduDecoder(WireLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** A decoder enforcing {@link WireLimits#DEFAULT}. */
  public PduDecoder() {
    this(WireLimits.DEFAULT);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (in.readableBytes() < PduHeader.MIN_HEADER_LENGTH) {
      return;
    }
    int start = in.readerIndex();
    GdpCodecException error = validate(in, start);
    if (error != null) {
      fail(ctx, in, error);
      return;
    }
    int headerLength = (in.getUnsignedByte(start + 1) & 0x3f) * 4;
    int payloadLength = in.getUnsignedShort(start + 10);
    if (in.readableBytes() < headerLength + payloadLength) {
      return;
    }
    int byte2 = in.getUnsignedByte(start + 2);
    byte[] dst = new byte[GdpName.LENGTH];
    byte[] src = new byte[GdpName.LENGTH];
    in.getBytes(start + 12, dst);
    in.getBytes(start + 12 + GdpName.LENGTH, src);
    ByteBuffer options = null;
    if (headerLength > PduHeader.MIN_HEADER_LENGTH) {
      byte[] opt = new byte[headerLength - PduHeader.MIN_HEADER_LENGTH];
      in.getBytes(start + PduHeader.MIN_HEADER_LENGTH, opt);
      options = ByteBuffer.wrap(opt);
    }
    PduHeader header = new PduHeader(
        PduType.fromByte2(byte2), byte2 & 0x18, in.getUnsignedByte(start + 3) & 0x3f,
        in.getInt(start + 4), in.getUnsignedShort(start + 8),
        GdpName.wrap(dst), GdpName.wrap(src), options);
    in.skipBytes(headerLength);
    out.add(new Pdu(header, in.readRetainedSlice(payloadLength)));
  }

  private GdpCodecException validate(ByteBuf in, int start) {
    int version = in.getUnsignedByte(start);
    if (version != PduHeader.VERSION) {
      return new GdpCodecException(GdpCodecException.Reason.BAD_VERSION, "version " + version + ", expected 4");
    }
    int byte1 = in.getUnsignedByte(start + 1);
    int headerLength = (byte1 & 0x3f) * 4;
    if ((byte1 & 0xc0) != 0) {
      return new GdpCodecException(GdpCodecException.Reason.RESERVED_BITS_SET,
          "header length byte 0x" + Integer.toHexString(byte1) + " has reserved bits set");
    }
    if (headerLength < PduHeader.MIN_HEADER_LENGTH) {
      return new GdpCodecException(GdpCodecException.Reason.BAD_HEADER_LENGTH,
          "header length " + headerLength + " is below 76");
    }
    if (headerLength > limits.maxHeaderLength()) {
      return new GdpCodecException(GdpCodecException.Reason.HEADER_TOO_LONG,
          "header length " + headerLength + " exceeds the limit " + limits.maxHeaderLength());
    }
    int byte2 = in.getUnsignedByte(start + 2);
    if ((byte2 & 0x07) != 0) {
      return new GdpCodecException(GdpCodecException.Reason.BAD_ADDRESS_FORMAT,
          "address format " + (byte2 & 0x07) + ", only 0 is defined");
    }
    if ((in.getUnsignedByte(start + 3) & 0xc0) != 0) {
      return new GdpCodecException(GdpCodecException.Reason.RESERVED_BITS_SET, "TTL byte has reserved bits set");
    }
    int payloadLength = in.getUnsignedShort(start + 10);
    if (payloadLength > limits.maxPayloadLength()) {
      return new GdpCodecException(GdpCodecException.Reason.PAYLOAD_TOO_LONG,
          "payload length " + payloadLength + " exceeds the limit " + limits.maxPayloadLength());
    }
    return null;
  }

  private void fail(ChannelHandlerContext ctx, ByteBuf in, GdpCodecException error) {
    failed = true;
    in.skipBytes(in.readableBytes());
    ctx.fireExceptionCaught(error);
    // answers to the good PDUs of this read were written but not flushed yet (that happens at
    // channelReadComplete): flush them so nothing valid is lost, then close
    ctx.flush();
    ctx.close();
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    decode(ctx, in, out);
    if (!failed && in.isReadable()) {
      // the peer went away in the middle of a PDU: report it, the partial bytes are dropped
      int partial = in.readableBytes();
      in.skipBytes(partial);
      ctx.fireExceptionCaught(new GdpCodecException(GdpCodecException.Reason.TRUNCATED,
          "connection closed with " + partial + " bytes of an incomplete PDU"));
    }
  }
}
