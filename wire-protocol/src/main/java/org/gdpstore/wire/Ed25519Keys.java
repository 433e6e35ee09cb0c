package org.gdpstore.wire;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An Ed25519 key pair for signing records (gdpstore-design.md section 2), on BouncyCastle's
 * RFC 8032 implementation (the JDK's is about 30x slower). Records are signed over their 32-byte
 * record hash. Thread-safe; {@link #toString()} never shows the private key.
 */
public final class Ed25519Keys {
  /** DER prefix of an Ed25519 SubjectPublicKeyInfo (OID 1.3.101.112); the 32-byte key follows. */
  static final byte[] SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
  /** Length of a signature. */
  public static final int SIGNATURE_LENGTH = Ed25519.SIGNATURE_SIZE;

  private static final int DECODED_KEYS_MAX = 1024;
  private static final Map<ByteBuffer, Ed25519.PublicPoint> DECODED_KEYS = new ConcurrentHashMap<>();

  /** Signatures made and checked in this JVM (benchmarks report them per record). */
  private static final LongAdder SIGNED = new LongAdder();
  private static final LongAdder VERIFIED = new LongAdder();

  private final byte[] seed;
  private final byte[] publicKey;

  private Ed25519Keys(byte[] seed) {
    this.seed = seed;
    this.publicKey = new byte[Ed25519.PUBLIC_KEY_SIZE];
    Ed25519.generatePublicKey(seed, 0, publicKey, 0);
  }

  /** A new random key pair. */
  public static Ed25519Keys generate(SecureRandom random) {
    byte[] seed = new byte[Ed25519.SECRET_KEY_SIZE];
    random.nextBytes(seed);
    return new Ed25519Keys(seed);
  }

  /** The key pair of a 32-byte private seed (copied). */
  public static Ed25519Keys fromSeed(byte[] seed) {
    Objects.requireNonNull(seed, "seed");
    if (seed.length != Ed25519.SECRET_KEY_SIZE) {
      throw new IllegalArgumentException("an Ed25519 seed has 32 bytes, got " + seed.length);
    }
    return new Ed25519Keys(seed.clone());
  }

  /** The 32-byte private seed (a copy; keep it secret). */
  public byte[] seed() {
    return seed.clone();
  }

  /** The raw 32-byte public key (a copy). */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** The metadata key entry: SHA-256, type 5, 256 bits, DER SPKI. */
  public KeyEntry keyEntry() {
    return entryFor(publicKey);
  }

  /** The metadata key entry of a raw 32-byte public key. */
  public static KeyEntry entryFor(byte[] rawPublicKey) {
    byte[] der = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + 32);
    System.arraycopy(rawPublicKey, 0, der, SPKI_PREFIX.length, 32);
    return new KeyEntry(KeyEntry.MD_SHA256, KeyEntry.KEY_ED25519, 256, ByteBuffer.wrap(der));
  }

  /** Signs a message (for records: the 32-byte record hash). */
  public byte[] sign(byte[] message) {
    SIGNED.increment();
    byte[] sig = new byte[SIGNATURE_LENGTH];
    Ed25519.sign(seed, 0, publicKey, 0, message, 0, message.length, sig, 0);
    return sig;
  }

  /** Verifies an Ed25519 signature with a raw public key; never throws on bad input. */
  public static boolean verify(byte[] rawPublicKey, byte[] message, byte[] signature) {
    if (rawPublicKey == null || rawPublicKey.length != Ed25519.PUBLIC_KEY_SIZE || signature == null
        || signature.length != SIGNATURE_LENGTH) {
      return false;
    }
    VERIFIED.increment();
    try {
      Ed25519.PublicPoint point = publicPoint(rawPublicKey);
      return point != null && Ed25519.verify(signature, 0, point, message, 0, message.length);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Ed25519 signatures made so far in this JVM (all key pairs). */
  public static long signaturesMade() {
    return SIGNED.sum();
  }

  /** Ed25519 signatures checked so far in this JVM (well-formed calls of {@link #verify}). */
  public static long signaturesChecked() {
    return VERIFIED.sum();
  }

  /**
   * The decoded point of a public key, or null if the bytes are not a point on the curve (the same
   * check {@code Ed25519.verify} makes on raw keys). Decoding is ~10% of a verification and a log
   * has one writer, so decoded keys are kept; the cache is emptied when full rather than ordered.
   */
  private static Ed25519.PublicPoint publicPoint(byte[] rawPublicKey) {
    Ed25519.PublicPoint point = DECODED_KEYS.get(ByteBuffer.wrap(rawPublicKey));
    if (point == null) {
      point = Ed25519.validatePublicKeyPartialExport(rawPublicKey, 0);
      if (point != null) {
        if (DECODED_KEYS.size() >= DECODED_KEYS_MAX) {
          DECODED_KEYS.clear();
        }
        DECODED_KEYS.put(ByteBuffer.wrap(rawPublicKey.clone()), point);
      }
    }
    return point;
  }

  @Override
  public String toString() {
    return "Ed25519Keys[public=" + java.util.HexFormat.of().formatHex(publicKey) + "]";
  }
}
