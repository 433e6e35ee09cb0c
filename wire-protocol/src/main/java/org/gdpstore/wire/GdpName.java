package org.gdpstore.wire;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * An immutable 256-bit GDP name (spec section 4). Equality is by value; {@link #toString()} gives
 * the 43-character unpadded URL-safe base64 form ("pname").
 */
public final class GdpName implements Comparable<GdpName> {
  /** Length of a name in bytes. */
  public static final int LENGTH = 32;
  /** Length of the printable form in characters. */
  public static final int PRINTABLE_LENGTH = 43;

  /** The all-zero name, which the protocol treats as "none". */
  public static final GdpName ZERO = new GdpName(new byte[LENGTH]);

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final byte[] bytes;
  private final int hash;

  private GdpName(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  /** A name from exactly 32 bytes (copied). */
  public static GdpName of(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("a GDP name has 32 bytes, got " + bytes.length);
    }
    return new GdpName(bytes.clone());
  }

  /** A name from 32 bytes of {@code src} starting at {@code offset} (copied). */
  public static GdpName of(byte[] src, int offset) {
    Objects.checkFromIndexSize(offset, LENGTH, src.length);
    return new GdpName(Arrays.copyOfRange(src, offset, offset + LENGTH));
  }

  /** A name around {@code bytes} without a copy: for decoders that own a fresh 32-byte array. */
  static GdpName wrap(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("a GDP name has 32 bytes, got " + bytes.length);
    }
    return new GdpName(bytes);
  }

  /**
   * Parses the 43-character printable form strictly.
   *
   * @throws IllegalArgumentException if {@code pname} is not a printable name
   */
  public static GdpName parse(String pname) {
    Objects.requireNonNull(pname, "pname");
    if (!isPrintableName(pname)) {
      throw new IllegalArgumentException("not a 43-character base64url GDP name: '" + pname + "'");
    }
    return new GdpName(DECODER.decode(pname));
  }

  /**
   * Resolves a user string the way the reference does without a directory service (spec 4.1): a
   * 43-character printable name is taken as is, anything else is hashed with SHA-256.
   */
  public static GdpName parseOrHash(String nameOrHumanName) {
    Objects.requireNonNull(nameOrHumanName, "nameOrHumanName");
    return isPrintableName(nameOrHumanName) ? parse(nameOrHumanName) : sha256(nameOrHumanName);
  }

  /** SHA-256 of the UTF-8 bytes of a human-readable name (the reference's compatibility fallback). */
  public static GdpName sha256(String humanName) {
    Objects.requireNonNull(humanName, "humanName");
    return sha256(humanName.getBytes(StandardCharsets.UTF_8));
  }

  /** SHA-256 of arbitrary bytes, e.g. serialized log metadata (spec 5.3). */
  public static GdpName sha256(byte[] data) {
    try {
      return new GdpName(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** True if {@code s} is exactly 43 base64url characters that decode to 32 bytes. */
  public static boolean isPrintableName(String s) {
    Objects.requireNonNull(s, "s");
    if (s.length() != PRINTABLE_LENGTH) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_';
      if (!ok) {
        return false;
      }
    }
    // the last character carries 4 padding bits that must be zero for a canonical encoding
    byte[] decoded = DECODER.decode(s);
    return decoded.length == LENGTH && ENCODER.encodeToString(decoded).equals(s);
  }

  /** A copy of the 32 bytes. */
  public byte[] toBytes() {
    return bytes.clone();
  }

  /** Copies the 32 bytes into {@code dst} at {@code offset}. */
  public void copyTo(byte[] dst, int offset) {
    System.arraycopy(bytes, 0, dst, offset, LENGTH);
  }

  /** Writes the 32 bytes to {@code buf} (no intermediate copy). */
  void writeTo(io.netty.buffer.ByteBuf buf) {
    buf.writeBytes(bytes);
  }

  /** Byte {@code i} of the name. */
  public byte byteAt(int i) {
    return bytes[i];
  }

  /** True for the all-zero name. */
  public boolean isZero() {
    for (byte b : bytes) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  /** Lower-case hex of the 32 bytes. */
  public String toHex() {
    StringBuilder sb = new StringBuilder(64);
    for (byte b : bytes) {
      sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return sb.toString();
  }

  /** The 43-character printable form. */
  public String printable() {
    return ENCODER.encodeToString(bytes);
  }

  @Override
  public String toString() {
    return printable();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GdpName other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public int compareTo(GdpName o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }
}
