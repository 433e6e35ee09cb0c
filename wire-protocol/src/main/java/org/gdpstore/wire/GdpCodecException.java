package org.gdpstore.wire;

import io.netty.handler.codec.CorruptedFrameException;

/**
 * A Layer-4 framing error. Framing cannot be recovered after one, so the decoder discards
 * the rest of the input and closes the connection.
 */
public class GdpCodecException extends CorruptedFrameException {
  private static final long serialVersionUID = 1L;

  /** What was wrong with the frame. */
  public enum Reason {
    BAD_VERSION,
    BAD_HEADER_LENGTH,
    RESERVED_BITS_SET,
    BAD_ADDRESS_FORMAT,
    PAYLOAD_TOO_LONG,
    HEADER_TOO_LONG,
    TRUNCATED
  }

  private final Reason reason;

  public GdpCodecException(Reason reason, String message) {
    super(reason + ": " + message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
