package org.gdpstore.fs.internal;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import org.gdpstore.fs.internal.proto.DirectoryLogIntent;
import org.gdpstore.fs.internal.proto.FsRecord;
import org.gdpstore.wire.GdpName;

/**
 * Intent records of the directory log (format version 5, docs/on-log-format.md "Intents"): a
 * writer instance states, before it creates file logs, which names they will have, so a gc can
 * find the logs no commit references. Encoding, checked decoding and the derivation of a slot's
 * log identity. Stateless.
 */
public final class LogIntents {
  /** Slots one intent record covers. */
  public static final int SLOTS_PER_INTENT = 64;
  private static final byte[] DOMAIN = "gdpstore file log".getBytes(StandardCharsets.UTF_8);

  private LogIntents() {}

  /**
   * One intent: writer instance {@code id} (16 bytes) will create the logs of slots
   * {@code first .. first + count - 1}; appended at {@code recno} (0 while not yet appended);
   * {@code renewed}: the writer's latest renewal (format 7), 0 if none.
   */
  public record Intent(byte[] id, long first, int count, long nanos, boolean chained, long recno, long renewed) {
    public Intent {
      id = id.clone();
    }

    public Intent(byte[] id, long first, int count, long nanos, boolean chained, long recno) {
      this(id, first, count, nanos, chained, recno, 0);
    }

    /** When its writer last said it uses the intent's logs: gc counts the intent's age from here. */
    public long claimNanos() {
      return Math.max(nanos, renewed);
    }

    /** This intent, renewed at {@code at} (never earlier than a renewal it had). */
    Intent renewedAt(long at) {
      return new Intent(id, first, count, nanos, chained, recno, Math.max(renewed, at));
    }

    @Override
    public byte[] id() {
      return id.clone();
    }

    /** What identifies an intent across records: writer instance and first slot. */
    public String key() {
      return HexFormat.of().formatHex(id) + "/" + first;
    }

    Intent at(long appendedAs) {
      return new Intent(id, first, count, nanos, chained, appendedAs, renewed);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Intent i && Arrays.equals(id, i.id) && first == i.first && count == i.count
          && nanos == i.nanos && chained == i.chained && recno == i.recno && renewed == i.renewed;
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(id) * 31 + Long.hashCode(first);
    }

    @Override
    public String toString() {
      return "Intent[" + key() + " x" + count + " at record " + recno + (renewed != 0 ? ", renewed" : "") + "]";
    }
  }

  /**
   * A file log's identity: the metadata nonce and creation time that, with the writer key and
   * whether it is chained, fix its GDP name.
   */
  public record Identity(byte[] nonce, Instant created) {
    public Identity {
      nonce = nonce.clone();
    }

    @Override
    public byte[] nonce() {
      return nonce.clone();
    }
  }

  /**
   * The identity of slot {@code slot} of {@code intent} in filesystem {@code root}: nonce =
   * SHA-256("gdpstore file log" || root || intent id || slot as 8 bytes big-endian), first 16 bytes;
   * created = the intent's time, in milliseconds (the precision of the metadata's CTM).
   */
  public static Identity identity(GdpName root, Intent intent, long slot) {
    MessageDigest md = Hashes.newSha256();
    md.update(DOMAIN);
    md.update(root.toBytes());
    md.update(intent.id);
    md.update(ByteBuffer.allocate(8).putLong(slot).array());
    byte[] nonce = Arrays.copyOf(md.digest(), 16);
    return new Identity(nonce, Instant.ofEpochMilli(Math.floorDiv(intent.nanos(), 1_000_000L)));
  }

  /** An intent record; {@code checkpoint} and {@code commitNanos} as a gc record carries them. */
  static ByteBuffer encode(Intent i, long checkpoint, long commitNanos) {
    return ByteBuffer.wrap(FsRecord.newBuilder().setIntent(toProto(i).toBuilder().clearRecno()
        .setCheckpointRecno(checkpoint).setCommitUnixNanos(commitNanos)).build().toByteArray());
  }

  static DirectoryLogIntent toProto(Intent i) {
    return DirectoryLogIntent.newBuilder().setIntentId(ByteString.copyFrom(i.id)).setFirst(i.first())
        .setCount(i.count()).setIntentUnixNanos(i.nanos()).setChained(i.chained()).setRecno(i.recno())
        .setRenewedUnixNanos(i.renewed()).build();
  }

  /**
   * Decodes an intent; {@code recno} is the record it was appended as (for an intent record) or 0
   * (an intent carried by a checkpoint or gc record names its own). IllegalArgumentException if
   * inconsistent.
   */
  static Intent decode(DirectoryLogIntent d, long recno) {
    if (d.getIntentId().size() != 16) {
      throw new IllegalArgumentException("intent id has " + d.getIntentId().size() + " bytes, not 16");
    }
    if (d.getCount() < 1 || d.getCount() > 1024 || d.getFirst() < 0) {
      throw new IllegalArgumentException("intent covers " + d.getCount() + " slots from " + d.getFirst());
    }
    long at = recno != 0 ? recno : d.getRecno();
    if (at < 2) {
      throw new IllegalArgumentException("intent names record " + at);
    }
    if (recno != 0 && (d.getCheckpointRecno() >= recno || d.getCheckpointRecno() == 1)) {
      throw new IllegalArgumentException("intent names checkpoint " + d.getCheckpointRecno() + ", which is not before it");
    }
    if (d.getRenewedUnixNanos() < 0) {
      throw new IllegalArgumentException("intent renewed at " + d.getRenewedUnixNanos());
    }
    return new Intent(d.getIntentId().toByteArray(), d.getFirst(), d.getCount(), d.getIntentUnixNanos(),
        d.getChained(), at, d.getRenewedUnixNanos());
  }
}
