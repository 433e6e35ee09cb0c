package org.gdpstore.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.buffer.Unpooled;
import java.util.Objects;

/**
 * A Layer-4 PDU: a {@link PduHeader} plus its payload. The payload is reference-counted; whoever
 * holds a {@code Pdu} releases it (Netty's {@code ByteBufHolder} rules). Payload length is
 * implied by the content's readable bytes.
 */
public final class Pdu extends DefaultByteBufHolder {
  private final PduHeader header;

  /**
   * Takes ownership of {@code payload}. If the arguments are rejected (null header, payload over
   * 65,535 bytes) the payload stays the caller's.
   */
  public Pdu(PduHeader header, ByteBuf payload) {
    super(checkLength(payload));
    this.header = Objects.requireNonNull(header, "header");
  }

  private static ByteBuf checkLength(ByteBuf payload) {
    if (payload.readableBytes() > PduHeader.MAX_PAYLOAD_LENGTH) {
      throw new IllegalArgumentException("payload of " + payload.readableBytes() + " bytes exceeds 65535");
    }
    return payload;
  }

  /** A REGULAR PDU carrying {@code payload} (ownership passes to the PDU). */
  public static Pdu regular(GdpName dst, GdpName src, ByteBuf payload) {
    return new Pdu(PduHeader.of(PduType.REGULAR, dst, src), payload);
  }

  /** ADVERTISE of {@code name} by {@code sender} (spec 2.2): dst = the advertised name, src = the sender. */
  public static Pdu advertise(GdpName name, GdpName sender) {
    return new Pdu(PduHeader.of(PduType.ADVERTISE, name, sender), Unpooled.EMPTY_BUFFER);
  }

  /** WITHDRAW of {@code name} by {@code sender} (spec 2.2). */
  public static Pdu withdraw(GdpName name, GdpName sender) {
    return new Pdu(PduHeader.of(PduType.WITHDRAW, name, sender), Unpooled.EMPTY_BUFFER);
  }

  /**
   * The router's no-route answer (spec 2.4): dst = the original sender, src = the unroutable name,
   * empty payload.
   */
  public static Pdu noRoute(GdpName originalSender, GdpName unroutable) {
    return new Pdu(PduHeader.of(PduType.NAK_NOROUTE, originalSender, unroutable), Unpooled.EMPTY_BUFFER);
  }

  /** The Layer-4 header. */
  public PduHeader header() {
    return header;
  }

  /** The PDU type (from the header). */
  public PduType type() {
    return header.type();
  }

  /** The destination name (from the header). */
  public GdpName dst() {
    return header.dst();
  }

  /** The source name (from the header). */
  public GdpName src() {
    return header.src();
  }

  /** Size on the wire: header (with options) plus payload. */
  public int wireLength() {
    return header.headerLength() + content().readableBytes();
  }

  @Override
  public Pdu replace(ByteBuf content) {
    return new Pdu(header, content);
  }

  @Override
  public Pdu retain() {
    super.retain();
    return this;
  }

  @Override
  public Pdu retain(int increment) {
    super.retain(increment);
    return this;
  }

  @Override
  public Pdu retainedDuplicate() {
    return replace(content().retainedDuplicate());
  }

  @Override
  public Pdu touch(Object hint) {
    super.touch(hint);
    return this;
  }

  /** Equal when header and readable payload bytes are equal. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Pdu other && header.equals(other.header) && content().equals(other.content());
  }

  @Override
  public int hashCode() {
    return 31 * header.hashCode() + content().hashCode();
  }

  @Override
  public String toString() {
    return "Pdu[" + header.type() + " " + header.src() + " -> " + header.dst() + ", payload="
        + (refCnt() > 0 ? content().readableBytes() : -1) + "B]";
  }
}
