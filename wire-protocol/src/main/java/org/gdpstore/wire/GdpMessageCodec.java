package org.gdpstore.wire;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import java.util.List;

/**
 * Turns REGULAR {@link Pdu}s into {@link GdpEnvelope}s and back. Other PDU types (advertise,
 * withdraw, no-route, ...) pass through unchanged in both directions. A REGULAR PDU whose payload
 * is not a valid message is dropped and reported as a {@link GdpMessageException} through
 * {@code exceptionCaught}; the connection stays open. Outbound, the envelope is written with the
 * reference sender's header ({@link PduHeader#of}); a message that lacks a required field fails
 * the write. Stateless and {@code @Sharable}.
 */
@Sharable
public final class GdpMessageCodec extends MessageToMessageCodec<Pdu, GdpEnvelope> {
  /** The shared instance. */
  public static final GdpMessageCodec INSTANCE = new GdpMessageCodec();

  private GdpMessageCodec() {}

  @Override
  protected void encode(ChannelHandlerContext ctx, GdpEnvelope env, List<Object> out) {
    out.add(Pdu.regular(env.dst(), env.src(), GdpMessages.encode(ctx.alloc(), env.message())));
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, Pdu pdu, List<Object> out) {
    if (pdu.type() != PduType.REGULAR) {
      out.add(pdu.retain());
      return;
    }
    try {
      out.add(new GdpEnvelope(pdu.dst(), pdu.src(), GdpMessages.parse(pdu.content())));
    } catch (InvalidProtocolBufferException e) {
      ctx.fireExceptionCaught(new GdpMessageException(pdu.src(), pdu.dst(), GdpMessages.salvageRid(pdu.content()),
          "malformed GdpMessage from " + pdu.src() + ": " + e.getMessage(), e));
    }
  }
}
