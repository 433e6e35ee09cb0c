package org.gdpstore.wire;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Objects;

/**
 * A public-key metadata entry (spec 5.5): digest algorithm id, key type, key size in bits, then
 * the DER SubjectPublicKeyInfo. gdpstore adds key type 5 = Ed25519 (gdpstore-design.md section 2).
 * An immutable value; {@link #der()} hands out read-only views.
 *
 * @param digestAlgorithm 1 SHA-1, 2 SHA-224, 3 SHA-256, 4 SHA-384, 5 SHA-512, 6 RIPEMD-160, 0 none
 * @param keyType 1 RSA, 2 DSA, 3 EC, 4 DH, 5 Ed25519
 * @param keyBits key size in bits (0 for EC)
 * @param der the SubjectPublicKeyInfo, read-only
 */
public record KeyEntry(int digestAlgorithm, int keyType, int keyBits, ByteBuffer der) {
  public static final int MD_NONE = 0;
  public static final int MD_SHA1 = 1;
  public static final int MD_SHA224 = 2;
  public static final int MD_SHA256 = 3;
  public static final int MD_SHA384 = 4;
  public static final int MD_SHA512 = 5;
  public static final int MD_RIPEMD160 = 6;

  public static final int KEY_RSA = 1;
  public static final int KEY_DSA = 2;
  public static final int KEY_EC = 3;
  public static final int KEY_DH = 4;
  public static final int KEY_ED25519 = 5;

  public KeyEntry {
    Objects.requireNonNull(der, "der");
    if (digestAlgorithm < 0 || digestAlgorithm > 255 || keyType < 0 || keyType > 255 || keyBits < 0 || keyBits > 0xffff) {
      throw new IllegalArgumentException("key entry fields out of range");
    }
    byte[] copy = new byte[der.remaining()];
    der.duplicate().get(copy);
    der = ByteBuffer.wrap(copy).asReadOnlyBuffer();
  }

  /** The DER SubjectPublicKeyInfo (a read-only view; its position is the caller's to move). */
  @Override
  public ByteBuffer der() {
    return der.duplicate();
  }

  /**
   * Parses an entry value.
   *
   * @throws IllegalArgumentException if shorter than the 4-byte prefix
   */
  public static KeyEntry parse(byte[] value) {
    if (value.length < 5) {
      throw new IllegalArgumentException("a key entry needs 4 header bytes and a key, got " + value.length + " bytes");
    }
    return new KeyEntry(value[0] & 0xff, value[1] & 0xff, ((value[2] & 0xff) << 8) | (value[3] & 0xff),
        ByteBuffer.wrap(value, 4, value.length - 4));
  }

  /** The entry's bytes as stored in metadata. */
  public byte[] toBytes() {
    byte[] out = new byte[4 + der.remaining()];
    out[0] = (byte) digestAlgorithm;
    out[1] = (byte) keyType;
    out[2] = (byte) (keyBits >>> 8);
    out[3] = (byte) keyBits;
    der.duplicate().get(out, 4, der.remaining());
    return out;
  }

  /** The DER SubjectPublicKeyInfo (a copy). */
  public byte[] derBytes() {
    byte[] a = new byte[der.remaining()];
    der.duplicate().get(a);
    return a;
  }

  /** The JCA name of the digest ({@code SHA-256}, ...). */
  public String digestName() {
    return digestName(digestAlgorithm);
  }

  /** The JCA name of a digest id. */
  public static String digestName(int id) {
    return switch (id) {
      case MD_SHA1 -> "SHA-1";
      case MD_SHA224 -> "SHA-224";
      case MD_SHA256 -> "SHA-256";
      case MD_SHA384 -> "SHA-384";
      case MD_SHA512 -> "SHA-512";
      case MD_RIPEMD160 -> "RIPEMD160";
      default -> throw new IllegalArgumentException("no digest for id " + id);
    };
  }

  /**
   * The public key, decoded with BouncyCastle where the JDK lacks the curve (e.g. sect283r1) or the
   * encoding (explicit EC parameters).
   *
   * @throws GeneralSecurityException if the key cannot be decoded
   */
  public PublicKey toPublicKey() throws GeneralSecurityException {
    String alg = switch (keyType) {
      case KEY_RSA -> "RSA";
      case KEY_DSA -> "DSA";
      case KEY_EC -> "EC";
      case KEY_ED25519 -> "Ed25519";
      default -> throw new GeneralSecurityException("unsupported key type " + keyType);
    };
    try {
      return KeyFactory.getInstance(alg, Crypto.BC).generatePublic(new X509EncodedKeySpec(derBytes()));
    } catch (RuntimeException e) {
      // malformed DER can surface as an unchecked exception from the ASN.1 layer; keep one error type
      throw new InvalidKeySpecException("undecodable " + alg + " key: " + e.getMessage(), e);
    }
  }

  /** For an Ed25519 entry: the raw 32-byte public key from the end of the SPKI. */
  public byte[] ed25519RawKey() {
    byte[] d = derBytes();
    if (keyType != KEY_ED25519 || d.length != Ed25519Keys.SPKI_PREFIX.length + 32
        || !Arrays.equals(d, 0, Ed25519Keys.SPKI_PREFIX.length, Ed25519Keys.SPKI_PREFIX, 0, Ed25519Keys.SPKI_PREFIX.length)) {
      throw new IllegalArgumentException("not an Ed25519 key entry");
    }
    return Arrays.copyOfRange(d, Ed25519Keys.SPKI_PREFIX.length, d.length);
  }
}
