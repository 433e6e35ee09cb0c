package org.gdpstore.client;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One record of a log as read or delivered. Immutable; the buffers are read-only views (use
 * {@link #dataBytes()} for a private copy). Safe to share between threads.
 *
 * @param recno the record number (1 = first)
 * @param timestamp the writer's timestamp, or {@code null} if the writer gave none (spec 6.1 "no time")
 * @param accuracy the writer's clock accuracy in seconds (0 = unknown)
 * @param data the record's data, read-only
 * @param recordHash the record hash of spec 6.1 (SHA-256 unless the log's key says otherwise), read-only
 * @param signature the signature as stored (empty if the record is unsigned), read-only
 * @param verified true if the signature was checked against the log's writer key and matched;
 *     false if the log has no usable key or verification was turned off. A record whose
 *     signature does not verify is never returned: it fails with {@link GdpStatus.Code#INTEGRITY}.
 */
public record LogRecord(long recno, Instant timestamp, float accuracy, ByteBuffer data, ByteBuffer recordHash,
                        ByteBuffer signature, boolean verified) {
  public LogRecord {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(recordHash, "recordHash");
    Objects.requireNonNull(signature, "signature");
    data = data.slice().asReadOnlyBuffer();
    recordHash = recordHash.slice().asReadOnlyBuffer();
    signature = signature.slice().asReadOnlyBuffer();
  }

  /** A copy of the data. */
  public byte[] dataBytes() {
    return copy(data);
  }

  /** A copy of the record hash. */
  public byte[] recordHashBytes() {
    return copy(recordHash);
  }

  /** A copy of the signature (empty if unsigned). */
  public byte[] signatureBytes() {
    return copy(signature);
  }

  /** Size of the data in bytes. */
  public int size() {
    return data.remaining();
  }

  private static byte[] copy(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.duplicate().get(a);
    return a;
  }

  @Override
  public String toString() {
    return "LogRecord[recno=" + recno + ", ts=" + timestamp + ", " + data.remaining() + "B, hash="
        + HexFormat.of().formatHex(copy(recordHash)).substring(0, Math.min(16, 2 * recordHash.remaining()))
        + (verified ? ", verified" : "") + "]";
  }
}
