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
    /** Byte 0 is not 4 (this includes router-to-router PDUs, whose high bit is set). */
    BAD_VERSION,
    /** The header length (byte 1, low 6 bits, in words) is below 76 bytes. */
    BAD_HEADER_LENGTH,
    /** A reserved bit is set: the top two bits of byte 1 or of the TTL byte. */
    RESERVED_BITS_SET,
    /** The address format (byte 2, low 3 bits) is not 0, the only one defined. */
    BAD_ADDRESS_FORMAT,
    /** The payload length exceeds {@link WireLimits#maxPayloadLength()}. */
    PAYLOAD_TOO_LONG,
    /** The header length exceeds {@link WireLimits#maxHeaderLength()}. */
    HEADER_TOO_LONG,
    /** The connection closed in the middle of a PDU. */
    TRUNCATED
  }

  private final Reason reason;

  /** A framing error of kind {@code reason}; the message says what was seen. */
  public GdpCodecException(Reason reason, String message) {
    super(reason + ": " + message);
    this.reason = reason;
  }

  /** What was wrong with the frame. */
  public Reason reason() {
    return reason;
  }
}
