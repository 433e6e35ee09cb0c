package org.gdpstore.client.internal;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import org.gdpstore.client.GdpException;
import org.gdpstore.client.GdpStatus;
import org.gdpstore.client.LogRecord;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.KeyEntry;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.RecordDigest;
import org.gdpstore.wire.WriterPolicy;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpSignature;
import org.gdpstore.wire.proto.GdpTimestamp;

/**
 * Turns datums into verified {@link LogRecord}s and builds signed datums, for one log. Not
 * thread-safe (it holds a {@link RecordDigest}); make one per thread or per batch.
 */
public final class RecordCodec {
  private final RecordDigest digest;
  private final KeyEntry key;
  private final boolean keyUsable;

  public RecordCodec(GdpName log, LogMetadata metadata) {
    this.digest = new RecordDigest(log, metadata.toBytes(), WriterPolicy.hashAlgorithm(metadata));
    this.key = WriterPolicy.signingKey(metadata).orElse(null);
    this.keyUsable = key != null && WriterPolicy.verifiable(key);
  }

  /** True if records of this log can be verified (the metadata holds a usable writer key). */
  public boolean canVerify() {
    return keyUsable;
  }

  /**
   * Decodes a datum. With {@code verify} and a usable key, a missing or bad signature throws
   * {@link GdpException} with {@link GdpStatus.Code#INTEGRITY}.
   */
  public LogRecord decode(GdpDatum d, boolean verify) {
    byte[] hash = digest.recordHash(d);
    boolean verified = false;
    if (verify && keyUsable) {
      verified = digest.verify(d, key);
      if (!verified && !d.getPrevhash().isEmpty()) {
        // ambiguous whether the signer included the prevhash (spec 6.4): try without it
        verified = digest.verify(d.toBuilder().clearPrevhash().build(), key);
      }
      if (!verified) {
        String why = d.hasSig() && !d.getSig().getSig().isEmpty() ? "signature does not verify" : "record is unsigned";
        throw GdpStatus.of(GdpStatus.Code.INTEGRITY, "record " + d.getRecno() + ": " + why
            + " with the log's " + keyName() + " key").asException();
      }
    }
    return toRecord(d, hash, verified);
  }

  /** True if the datum carries a signature that verifies with the log's key (false without a usable key). */
  public boolean signatureVerifies(GdpDatum d) {
    return keyUsable && d.hasSig() && !d.getSig().getSig().isEmpty() && digest.verify(d, key);
  }

  /** The record for a datum whose authenticity the caller established (e.g. by a verified chain). */
  LogRecord toRecord(GdpDatum d, byte[] hash, boolean verified) {
    GdpTimestamp ts = d.getTs();
    Instant when = !d.hasTs() || ts.getSec() == RecordDigest.NO_TIME_SEC ? null
        : Instant.ofEpochSecond(ts.getSec(), Integer.toUnsignedLong(ts.getNsec()) % 1_000_000_000L);
    ByteBuffer sig = d.hasSig() ? d.getSig().getSig().asReadOnlyByteBuffer() : ByteBuffer.allocate(0);
    return new LogRecord(d.getRecno(), when, ts.getAccuracy(), d.getData().asReadOnlyByteBuffer(),
        ByteBuffer.wrap(hash), sig, verified);
  }

  private String keyName() {
    return switch (key.keyType()) {
      case KeyEntry.KEY_ED25519 -> "Ed25519";
      case KeyEntry.KEY_EC -> "ECDSA";
      case KeyEntry.KEY_RSA -> "RSA";
      case KeyEntry.KEY_DSA -> "DSA";
      default -> "type-" + key.keyType();
    };
  }

  /** The record hash of a datum as on the wire. */
  public byte[] recordHash(GdpDatum d) {
    return digest.recordHash(d);
  }

  /** Builds a datum (no prevhash, spec 8.15) and signs it with {@code keys} if given. */
  public GdpDatum build(long recno, Instant ts, ByteString data, Ed25519Keys keys) {
    GdpTimestamp.Builder t = GdpTimestamp.newBuilder().setSec(ts.getEpochSecond());
    if (ts.getNano() != 0) {
      t.setNsec(ts.getNano());
    }
    GdpDatum.Builder d = GdpDatum.newBuilder().setRecno(recno).setTs(t).setData(data);
    if (keys != null) {
      byte[] hash = digest.recordHash(recno, ts.getEpochSecond(), ts.getNano(), 0f, ByteString.EMPTY, data);
      d.setSig(GdpSignature.newBuilder().setSig(ByteString.copyFrom(keys.sign(hash))));
    }
    return d.build();
  }

  /**
   * Builds a datum of a hash-chained log: {@code prevhash} = {@code prev} (none if empty), signed
   * with {@code keys} if given. {@code hashOut[0]} receives the new record's hash.
   */
  public GdpDatum buildChained(long recno, Instant ts, ByteString data, byte[] prev, Ed25519Keys keys,
                               byte[][] hashOut) {
    GdpTimestamp.Builder t = GdpTimestamp.newBuilder().setSec(ts.getEpochSecond());
    if (ts.getNano() != 0) {
      t.setNsec(ts.getNano());
    }
    GdpDatum.Builder d = GdpDatum.newBuilder().setRecno(recno).setTs(t).setData(data);
    ByteString prevhash = prev.length > 0 ? ByteString.copyFrom(prev) : ByteString.EMPTY;
    if (prev.length > 0) {
      d.setPrevhash(prevhash);
    }
    byte[] hash = digest.recordHash(recno, ts.getEpochSecond(), ts.getNano(), 0f, prevhash, data);
    if (keys != null) {
      d.setSig(GdpSignature.newBuilder().setSig(ByteString.copyFrom(keys.sign(hash))));
    }
    hashOut[0] = hash;
    return d.build();
  }

  /** True if both datums have the same record hash (i.e. are the same record). */
  public boolean sameRecord(GdpDatum a, GdpDatum b) {
    return a.getRecno() == b.getRecno() && Arrays.equals(digest.recordHash(a), digest.recordHash(b));
  }
}
