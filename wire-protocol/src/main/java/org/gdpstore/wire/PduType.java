package org.gdpstore.wire;

/** Layer-4 PDU types: bits 7-5 of header byte 2 (spec 1.3). */
public enum PduType {
  REGULAR(0x00),
  FORWARD(0x20),
  ADVERTISE(0x40),
  WITHDRAW(0x60),
  NAK_NOROUTE(0x80),
  /** Router-to-router only. */
  SEQ_PACKET(0xa0),
  /** Router-to-router only. */
  NAK_PACKET(0xc0),
  /** Router-to-router only. */
  ACK_PACKET(0xe0);

  private static final PduType[] BY_BITS = values();

  private final int bits;

  PduType(int bits) {
    this.bits = bits;
  }

  /** The value of bits 7-5 of byte 2, in place (e.g. 0x40 for ADVERTISE). */
  public int bits() {
    return bits;
  }

  /** The type encoded in byte 2 of a header. */
  public static PduType fromByte2(int byte2) {
    return BY_BITS[(byte2 & 0xe0) >>> 5];
  }
}
