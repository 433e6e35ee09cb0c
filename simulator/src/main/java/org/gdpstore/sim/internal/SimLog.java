package org.gdpstore.sim.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.KeyEntry;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.RecordDigest;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpTimestamp;

/**
 * The state of one log in the log server: metadata, the records 1..nrecs (contiguous, because the
 * server accepts only the next record number), their hashes and timestamps, the live
 * subscriptions and, in durable mode, the file. In memory mode the records themselves are kept in
 * memory; in durable mode only their file offsets are (about 52 bytes per record in all), and
 * records are read back from the file. Confined to the log server's thread.
 */
final class SimLog {
  final GdpName name;
  final byte[] metadataBytes;
  final LogMetadata metadata;
  /** The key appends must be signed with, or null for an open log. */
  final KeyEntry writerKey;
  final RecordDigest digest;
  /** Hash-chained with a writer key: APPENDs must link by prevhash and sign their last datum. */
  final boolean chained;
  final LogFile file;
  /** Memory mode: record {@code r} at index {@code r - 1}, in the form reads return it. */
  private final List<GdpDatum> records;
  /**
   * Memory mode: the serialized form of each record (answers are written from it without
   * re-encoding), made on the record's first read (null until then).
   */
  private final List<byte[]> encoded;
  /** Durable mode: file offset of record {@code r} at index {@code r - 1}. */
  private long[] offsets = new long[16];
  private long[] tsSec = new long[16];
  private int[] tsNsec = new int[16];
  /** 32 bytes per record (the record hash). */
  private byte[] hashes = new byte[16 * 32];
  private int n;
  /** Durable mode: why each damaged record cannot be served, by record number (rare, so a map). */
  private final java.util.Map<Long, String> damaged = new java.util.TreeMap<>();
  /** True while timestamps never decrease with the record number (then time lookups can bisect). */
  private boolean tsMonotonic = true;
  final List<Subscription> subscriptions = new ArrayList<>();

  SimLog(GdpName name, byte[] metadataBytes, LogMetadata metadata, KeyEntry writerKey, LogFile file) {
    this.name = name;
    this.metadataBytes = metadataBytes;
    this.metadata = metadata;
    this.writerKey = writerKey;
    this.file = file;
    this.records = file == null ? new ArrayList<>() : null;
    this.encoded = file == null ? new ArrayList<>() : null;
    this.digest = new RecordDigest(name, metadataBytes, org.gdpstore.wire.WriterPolicy.hashAlgorithm(metadata));
    this.chained = writerKey != null && metadata.chained();
  }

  long nrecs() {
    return n;
  }

  /**
   * Record {@code recno} (1..nrecs).
   *
   * @throws UncheckedIOException if the durable copy cannot be read back
   */
  GdpDatum get(long recno) {
    int i = (int) (recno - 1);
    if (records != null) {
      return records.get(i);
    }
    try {
      return GdpDatum.parseFrom(stored(recno));
    } catch (InvalidProtocolBufferException e) {
      throw new DamagedRecordException(name, recno, "unparsable record");
    }
  }

  /** Durable mode: the stored bytes of a record, or {@link DamagedRecordException}. */
  private byte[] stored(long recno) {
    String why = damaged.get(recno);
    if (why != null) {
      throw new DamagedRecordException(name, recno, why);
    }
    try {
      return file.read(offsets[(int) (recno - 1)]);
    } catch (LogFile.CorruptFrameException e) {
      throw new DamagedRecordException(name, recno, e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The serialized stored form of record {@code recno} (1..nrecs): {@code get(recno).toByteArray()}
   * without parsing or encoding. Do not modify it.
   *
   * @throws UncheckedIOException if the durable copy cannot be read back
   */
  byte[] bytes(long recno) {
    int i = (int) (recno - 1);
    if (encoded != null) {
      byte[] b = encoded.get(i);
      if (b == null) {
        b = records.get(i).toByteArray();
        encoded.set(i, b);
      }
      return b;
    }
    return stored(recno);
  }

  /**
   * Durable mode, during recovery: record {@code nrecs + 1} was stored but is damaged. It keeps its
   * number (it may have been acknowledged) and its reads fail; it borrows the previous record's
   * timestamp so time lookups stay ordered.
   */
  void addDamaged(String why) {
    GdpTimestamp.Builder ts = GdpTimestamp.newBuilder();
    if (n > 0) {
      ts.setSec(tsSec[n - 1]).setNsec(tsNsec[n - 1]);
    }
    damaged.put((long) n + 1, why);
    add(GdpDatum.newBuilder().setRecno(n + 1).setTs(ts).setData(ByteString.EMPTY).build(), null, new byte[32], -1);
  }

  /** The damaged records, by record number, with the reason each cannot be served. */
  java.util.Map<Long, String> damaged() {
    return java.util.Collections.unmodifiableMap(damaged);
  }

  /** True if record {@code recno}'s stored hash equals {@code hash} (as stored: its first 32 bytes, zero-padded). */
  boolean hashEquals(long recno, byte[] hash) {
    int i = (int) (recno - 1) * 32;
    byte[] h = stored32(hash);
    return Arrays.equals(hashes, i, i + 32, h, 0, 32);
  }

  /** Record {@code recno}'s stored hash (32 bytes, a copy). */
  byte[] hashAt(long recno) {
    int i = (int) (recno - 1) * 32;
    return Arrays.copyOfRange(hashes, i, i + 32);
  }

  /** A record hash as it is kept: 32 bytes (longer digests cut, shorter ones zero-padded). */
  static byte[] stored32(byte[] hash) {
    return hash.length == 32 ? hash : Arrays.copyOf(hash, 32);
  }

  /** The record number of a record hash, or -1 (a scan: READ_BY_HASH is rare). */
  long recnoOfHash(ByteString hash) {
    if (hash.size() != 32) {
      return -1;
    }
    byte[] h = hash.toByteArray();
    for (int i = 0; i < n; i++) {
      if (Arrays.equals(hashes, i * 32, i * 32 + 32, h, 0, 32)) {
        return i + 1;
      }
    }
    return -1;
  }

  /**
   * Appends record {@code nrecs + 1}; {@code offset} is its place in the file (ignored in memory
   * mode), {@code encoded} its serialized form (may be null in durable mode; kept in memory mode).
   */
  void add(GdpDatum stored, byte[] encodedForm, byte[] hash, long offset) {
    GdpTimestamp ts = stored.getTs();
    addStored(offset, ts.getSec(), ts.getNsec(), stored32(hash), 0);
    if (records != null) {
      records.add(stored);
      encoded.add(encodedForm);
    }
  }

  /**
   * Durable mode, from a {@link LogIndex}: record {@code nrecs + 1} is stored at {@code offset},
   * with this timestamp and the 32-byte record hash at {@code hashes[hashAt..hashAt + 32)}.
   */
  void addStored(long offset, long sec, int nsec, byte[] hashes, int hashAt) {
    if (n == offsets.length) {
      int cap = n * 2;
      offsets = Arrays.copyOf(offsets, cap);
      tsSec = Arrays.copyOf(tsSec, cap);
      tsNsec = Arrays.copyOf(tsNsec, cap);
      this.hashes = Arrays.copyOf(this.hashes, cap * 32);
    }
    if (n > 0 && compare(sec, nsec, tsSec[n - 1], tsNsec[n - 1]) < 0) {
      tsMonotonic = false;
    }
    offsets[n] = offset;
    tsSec[n] = sec;
    tsNsec[n] = nsec;
    System.arraycopy(hashes, hashAt, this.hashes, n * 32, 32);
    n++;
  }

  /** Durable mode: where record {@code recno}'s frame starts in the file. */
  long offsetAt(long recno) {
    return offsets[(int) (recno - 1)];
  }

  long tsSecAt(long recno) {
    return tsSec[(int) (recno - 1)];
  }

  int tsNsecAt(long recno) {
    return tsNsec[(int) (recno - 1)];
  }

  /** True if record {@code recno}'s timestamp is before {@code t}. */
  boolean before(long recno, GdpTimestamp t) {
    int i = (int) (recno - 1);
    return compare(tsSec[i], tsNsec[i], t.getSec(), t.getNsec()) < 0;
  }

  /** Record numbers of records with {@code ts >= t}, in timestamp order (ties by record number). */
  List<Long> recnosFromTime(GdpTimestamp t) {
    List<Long> out = new ArrayList<>();
    long sec = t.getSec();
    int nsec = t.getNsec();
    if (tsMonotonic) {
      int lo = 0;
      int hi = n;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (compare(tsSec[mid], tsNsec[mid], sec, nsec) < 0) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      for (int i = lo; i < n; i++) {
        out.add((long) i + 1);
      }
      return out;
    }
    for (int i = 0; i < n; i++) {
      if (compare(tsSec[i], tsNsec[i], sec, nsec) >= 0) {
        out.add((long) i + 1);
      }
    }
    out.sort((a, b) -> {
      int ia = (int) (a - 1);
      int ib = (int) (b - 1);
      int c = compare(tsSec[ia], tsNsec[ia], tsSec[ib], tsNsec[ib]);
      return c != 0 ? c : Long.compare(a, b);
    });
    return out;
  }

  static int compareTs(GdpTimestamp a, GdpTimestamp b) {
    return compare(a.getSec(), a.getNsec(), b.getSec(), b.getNsec());
  }

  private static int compare(long secA, int nsecA, long secB, int nsecB) {
    int c = Long.compare(secA, secB);
    return c != 0 ? c : Integer.compareUnsigned(nsecA, nsecB);
  }

  /** One live subscription of a client on this log. */
  static final class Subscription {
    final GdpName client;
    final int rid;
    /** Records still to send, or -1 for no limit. */
    long remaining;
    /** The next record number to deliver (replay or live). */
    long next;
    /** For subscriptions by time: only records with {@code ts >= minTs}; null otherwise. */
    final GdpTimestamp minTs;
    long delivered;
    final org.gdpstore.wire.proto.GdpMessage command;
    /** Replay of existing records still running (live delivery waits until it has caught up). */
    boolean catchingUp = true;
    /** Set when the subscription ends; a running replay stops. */
    boolean cancelled;
    /** For subscriptions by time: the records with {@code ts >= minTs} at subscribe time, in time order. */
    List<Long> replay;
    int replayIndex;
    /** System.nanoTime() of the SUBSCRIBE (a refresh creates a new subscription): expiry counts from here. */
    final long subscribedAt = System.nanoTime();

    Subscription(GdpName client, int rid, long remaining, long next, GdpTimestamp minTs,
                 org.gdpstore.wire.proto.GdpMessage command) {
      this.client = client;
      this.rid = rid;
      this.remaining = remaining;
      this.next = next;
      this.minTs = minTs;
      this.command = command;
    }
  }
}
