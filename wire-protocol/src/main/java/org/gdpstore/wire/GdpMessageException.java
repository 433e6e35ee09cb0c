package org.gdpstore.wire;

import io.netty.handler.codec.DecoderException;

/**
 * A REGULAR PDU whose Layer-5 payload is not a valid {@code GdpMessage} (unparsable protobuf or a
 * missing required field). Framing is intact, so the connection stays open; the PDU is dropped.
 * The addressing of the offending PDU is kept so a server can tell who sent it.
 */
public class GdpMessageException extends DecoderException {
  private static final long serialVersionUID = 1L;

  private final transient GdpName src;
  private final transient GdpName dst;
  private final int rid;

  /** A bad payload from {@code src} to {@code dst}; {@code rid} is 0 when it could not be read. */
  public GdpMessageException(GdpName src, GdpName dst, int rid, String message, Throwable cause) {
    super(message, cause);
    this.src = src;
    this.dst = dst;
    this.rid = rid;
  }

  /** Sender of the bad PDU. */
  public GdpName src() {
    return src;
  }

  /** Destination of the bad PDU. */
  public GdpName dst() {
    return dst;
  }

  /** The request id if it could be read, else 0. */
  public int rid() {
    return rid;
  }
}
