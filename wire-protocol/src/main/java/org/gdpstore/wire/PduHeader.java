package org.gdpstore.wire;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The Layer-4 header of a GDP v2 PDU (spec 1.2), address format 0. Every field is kept, including
 * the ones the protocol ignores (seqno/fragment fields, options), so a decoded header re-encodes
 * to the same bytes.
 *
 * @param type the PDU type
 * @param flags bits 4-3 of byte 2 (RELIABLE = 0x08, SSEQ = 0x10), in place
 * @param ttl time to live, 0..63
 * @param seqField bytes 4-7 (seqno / more-fragments / fragment offset); senders write 0
 * @param fragmentLength bytes 8-9; ignored over TCP
 * @param dst destination name
 * @param src source name
 * @param options header options between offset 76 and the header length (read-only, usually empty);
 *     its length must be a multiple of 4
 */
public record PduHeader(PduType type, int flags, int ttl, int seqField, int fragmentLength, GdpName dst, GdpName src,
                        ByteBuffer options) {
  /** The only version a client link carries. */
  public static final int VERSION = 4;
  /** Size of the fixed header. */
  public static final int MIN_HEADER_LENGTH = 76;
  /** Largest encodable header: 63 words. */
  public static final int MAX_HEADER_LENGTH = 252;
  /** Largest payload the 16-bit length field can express. */
  public static final int MAX_PAYLOAD_LENGTH = 0xffff;
  /** TTL the reference sender writes. */
  public static final int DEFAULT_TTL = 15;

  private static final ByteBuffer NO_OPTIONS = ByteBuffer.allocate(0).asReadOnlyBuffer();

  public PduHeader {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(dst, "dst");
    Objects.requireNonNull(src, "src");
    // a private copy: the record is shared between threads and must not change under a reader
    options = options == null || !options.hasRemaining() ? NO_OPTIONS : copyOf(options);
    if ((flags & ~0x18) != 0) {
      throw new IllegalArgumentException("flags are bits 0x18 only, got 0x" + Integer.toHexString(flags));
    }
    if (ttl < 0 || ttl > 63) {
      throw new IllegalArgumentException("ttl must be 0..63, got " + ttl);
    }
    if (fragmentLength < 0 || fragmentLength > 0xffff) {
      throw new IllegalArgumentException("fragmentLength must be 0..65535, got " + fragmentLength);
    }
    if (options.remaining() % 4 != 0 || MIN_HEADER_LENGTH + options.remaining() > MAX_HEADER_LENGTH) {
      throw new IllegalArgumentException("options must be a multiple of 4 bytes, at most 176, got " + options.remaining());
    }
  }

  /** A header as the reference sender writes it: no flags, TTL 15, zero seq/fragment fields, no options. */
  public static PduHeader of(PduType type, GdpName dst, GdpName src) {
    return new PduHeader(type, 0, DEFAULT_TTL, 0, 0, dst, src, NO_OPTIONS);
  }

  /** The header options (a read-only view; its position is the caller's to move). */
  @Override
  public ByteBuffer options() {
    return options.duplicate();
  }

  /** Total header length in bytes, options included. */
  public int headerLength() {
    return MIN_HEADER_LENGTH + options.remaining();
  }

  /** The same header with another TTL. */
  public PduHeader withTtl(int newTtl) {
    return new PduHeader(type, flags, newTtl, seqField, fragmentLength, dst, src, options);
  }

  @Override
  public String toString() {
    return "PduHeader[" + type + " flags=0x" + Integer.toHexString(flags) + " ttl=" + ttl + " seq=0x"
        + Integer.toHexString(seqField) + " fraglen=" + fragmentLength + " " + src + " -> " + dst
        + (options.hasRemaining() ? " options=" + options.remaining() + "B" : "") + "]";
  }

  private static ByteBuffer copyOf(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.duplicate().get(a);
    return ByteBuffer.wrap(a).asReadOnlyBuffer();
  }
}
