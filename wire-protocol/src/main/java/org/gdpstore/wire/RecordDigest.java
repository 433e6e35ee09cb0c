package org.gdpstore.wire;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.util.Objects;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpTimestamp;

/**
 * The reference's record digest (spec 6.1) for one log: the digest input is
 * {@code N || M || recno || ts.sec || ts.nsec || ts.accuracy || prevhash || H(data)} and the record
 * hash is {@code H(digest input)}. {@code N || M} is hashed once and the state cloned per record.
 * Instances are not thread-safe; make one per thread or synchronize.
 */
public final class RecordDigest {
  /** {@code ts.sec} of a datum without a timestamp. */
  public static final long NO_TIME_SEC = -9223372036854775807L;

  private final GdpName logName;
  private final byte[] metadata;
  private final String algorithm;
  private final MessageDigest prefix;
  private final MessageDigest scratch;

  /**
   * @param logName the log's name
   * @param metadata the serialized metadata exactly as OPEN returned it
   * @param algorithm JCA digest name, normally {@code SHA-256}
   */
  public RecordDigest(GdpName logName, byte[] metadata, String algorithm) {
    this.logName = Objects.requireNonNull(logName, "logName");
    this.metadata = metadata.clone();
    this.algorithm = algorithm;
    try {
      java.security.Provider p = algorithm.startsWith("RIPEMD") ? Crypto.BC : null;
      this.prefix = newDigest(algorithm, p);
      this.scratch = newDigest(algorithm, p);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalArgumentException("unknown digest " + algorithm, e);
    }
    prefix.update(logName.toBytes());
    prefix.update(this.metadata);
  }

  private static MessageDigest newDigest(String alg, java.security.Provider p) throws NoSuchAlgorithmException {
    return p == null ? MessageDigest.getInstance(alg) : MessageDigest.getInstance(alg, p);
  }

  /** SHA-256 digest for a log. */
  public static RecordDigest sha256(GdpName logName, byte[] metadata) {
    return new RecordDigest(logName, metadata, "SHA-256");
  }

  /** The JCA name of this instance's digest. */
  public String algorithm() {
    return algorithm;
  }

  /** The per-record part of the digest input (everything after {@code N || M}). */
  public byte[] recordPart(long recno, long sec, int nsec, float accuracy, byte[] prevhash, byte[] data) {
    byte[] dataHash = hashOf(data);
    int ph = prevhash == null ? 0 : prevhash.length;
    ByteBuffer b = ByteBuffer.allocate(8 + 8 + 4 + 4 + ph + dataHash.length);
    b.putLong(recno).putLong(sec).putInt(nsec).putInt(Float.floatToRawIntBits(accuracy));
    if (ph > 0) {
      b.put(prevhash);
    }
    b.put(dataHash);
    return b.array();
  }

  /** The whole digest input {@code N || M || record part}. */
  public byte[] digestInput(long recno, long sec, int nsec, float accuracy, byte[] prevhash, byte[] data) {
    byte[] rec = recordPart(recno, sec, nsec, accuracy, prevhash, data);
    ByteBuffer b = ByteBuffer.allocate(GdpName.LENGTH + metadata.length + rec.length);
    b.put(logName.toBytes()).put(metadata).put(rec);
    return b.array();
  }

  /** The record hash {@code H(digest input)}. */
  public byte[] recordHash(long recno, long sec, int nsec, float accuracy, byte[] prevhash, byte[] data) {
    byte[] rec = recordPart(recno, sec, nsec, accuracy, prevhash, data);
    try {
      MessageDigest md = (MessageDigest) prefix.clone();
      return md.digest(rec);
    } catch (CloneNotSupportedException e) {
      scratch.reset();
      scratch.update(logName.toBytes());
      scratch.update(metadata);
      return scratch.digest(rec);
    }
  }

  /**
   * The record hash with prevhash and data as protobuf byte strings, hashed where they are (no
   * copy: a 60 KiB record is not duplicated to be hashed). Same value as the byte[] form.
   */
  public byte[] recordHash(long recno, long sec, int nsec, float accuracy, ByteString prevhash, ByteString data) {
    scratch.reset();
    for (ByteBuffer b : data.asReadOnlyByteBufferList()) {
      scratch.update(b);
    }
    byte[] dataHash = scratch.digest();
    MessageDigest md;
    try {
      md = (MessageDigest) prefix.clone();
    } catch (CloneNotSupportedException e) {
      md = scratch;
      md.reset();
      md.update(logName.toBytes());
      md.update(metadata);
    }
    byte[] fixed = ByteBuffer.allocate(24).putLong(recno).putLong(sec).putInt(nsec)
        .putInt(Float.floatToRawIntBits(accuracy)).array();
    md.update(fixed);
    for (ByteBuffer b : prevhash.asReadOnlyByteBufferList()) {
      md.update(b);
    }
    md.update(dataHash);
    return md.digest();
  }

  /** Digest input of a datum as it is on the wire (absent timestamp = "no time", empty prevhash = none). */
  public byte[] digestInput(GdpDatum d) {
    GdpTimestamp ts = d.getTs();
    return digestInput(d.getRecno(), ts.getSec(), ts.getNsec(), ts.getAccuracy(),
        d.getPrevhash().toByteArray(), d.getData().toByteArray());
  }

  /** Record hash of a datum as it is on the wire. */
  public byte[] recordHash(GdpDatum d) {
    GdpTimestamp ts = d.getTs();
    return recordHash(d.getRecno(), ts.getSec(), ts.getNsec(), ts.getAccuracy(), d.getPrevhash(), d.getData());
  }

  /**
   * Verifies a datum's signature with a key entry: Ed25519 over the record hash (gdpstore), or
   * the reference's RSA / DSA / ECDSA over the digest input. The digest is the key entry's (spec
   * 6.1: the digest input's {@code H(data)} and the signature use the same algorithm), so a key
   * whose digest differs from this instance's is verified with a digest of its own. Never throws
   * for bad signatures or keys; returns false instead.
   */
  public boolean verify(GdpDatum d, KeyEntry key) {
    byte[] sig = d.hasSig() ? d.getSig().getSig().toByteArray() : new byte[0];
    if (sig.length == 0) {
      return false;
    }
    RecordDigest digest = this;
    try {
      String keyDigest = key.digestName();
      if (!keyDigest.equals(algorithm)) {
        digest = new RecordDigest(logName, metadata, keyDigest);
      }
    } catch (IllegalArgumentException e) {
      return false; // digest id 0 or unknown: nothing can be verified
    }
    if (key.keyType() == KeyEntry.KEY_ED25519) {
      try {
        return Ed25519Keys.verify(key.ed25519RawKey(), digest.recordHash(d), sig);
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
    return verifyReference(key, digest.digestInput(d), sig);
  }

  /** RSA (PKCS#1 v1.5), DSA or ECDSA (DER) over the reference digest input. */
  public static boolean verifyReference(KeyEntry key, byte[] digestInput, byte[] sig) {
    String md;
    try {
      md = KeyEntry.digestName(key.digestAlgorithm()).replace("-", "");
    } catch (IllegalArgumentException e) {
      return false;
    }
    String alg = switch (key.keyType()) {
      case KeyEntry.KEY_RSA -> md + "withRSA";
      case KeyEntry.KEY_DSA -> md + "withDSA";
      case KeyEntry.KEY_EC -> md + "withECDSA";
      default -> null;
    };
    if (alg == null) {
      return false;
    }
    try {
      Signature s = Signature.getInstance(alg, Crypto.BC);
      s.initVerify(key.toPublicKey());
      s.update(digestInput);
      return s.verify(sig);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private byte[] hashOf(byte[] data) {
    scratch.reset();
    return scratch.digest(data);
  }
}
