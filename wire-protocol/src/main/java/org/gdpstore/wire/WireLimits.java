package org.gdpstore.wire;

/**
 * Limits the decoder enforces on incoming PDUs.
 *
 * @param maxPayloadLength largest accepted Layer-5 payload, at most 65,535 (the length field is 16 bits)
 * @param maxHeaderLength largest accepted header including options, 76..252 bytes
 */
public record WireLimits(int maxPayloadLength, int maxHeaderLength) {
  /** The protocol's own limits: 65,535-byte payloads, 252-byte headers. */
  public static final WireLimits DEFAULT = new WireLimits(PduHeader.MAX_PAYLOAD_LENGTH, PduHeader.MAX_HEADER_LENGTH);

  public WireLimits {
    if (maxPayloadLength < 0 || maxPayloadLength > PduHeader.MAX_PAYLOAD_LENGTH) {
      throw new IllegalArgumentException("maxPayloadLength must be 0..65535, got " + maxPayloadLength);
    }
    if (maxHeaderLength < PduHeader.MIN_HEADER_LENGTH || maxHeaderLength > PduHeader.MAX_HEADER_LENGTH
        || maxHeaderLength % 4 != 0) {
      throw new IllegalArgumentException("maxHeaderLength must be a multiple of 4 in 76..252, got " + maxHeaderLength);
    }
  }

  /** A copy with another payload limit. */
  public WireLimits withMaxPayloadLength(int max) {
    return new WireLimits(max, maxHeaderLength);
  }
}
