package org.gdpstore.sim.internal;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.KeyEntry;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.RecordDigest;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpTimestamp;

/**
 * The state of one log in the log server: metadata, the records 1..nrecs (contiguous, because the
 * server accepts only the next record number), their hashes, the live subscriptions and, in
 * durable mode, the file. Confined to the log server's thread.
 */
final class SimLog {
  final GdpName name;
  final byte[] metadataBytes;
  final LogMetadata metadata;
  /** The key appends must be signed with, or null for an open log. */
  final KeyEntry writerKey;
  final RecordDigest digest;
  final LogFile file;
  /** Record {@code r} is at index {@code r - 1}, in the form reads return it. */
  private final List<GdpDatum> records = new ArrayList<>();
  private final List<ByteString> hashes = new ArrayList<>();
  private final Map<ByteString, Long> byHash = new HashMap<>();
  /** True while timestamps never decrease with the record number (then time lookups can bisect). */
  private boolean tsMonotonic = true;
  final List<Subscription> subscriptions = new ArrayList<>();

  SimLog(GdpName name, byte[] metadataBytes, LogMetadata metadata, KeyEntry writerKey, LogFile file) {
    this.name = name;
    this.metadataBytes = metadataBytes;
    this.metadata = metadata;
    this.writerKey = writerKey;
    this.file = file;
    this.digest = new RecordDigest(name, metadataBytes, hashAlgorithm(metadata, writerKey));
  }

  /** SHA-256 unless the PUB entry (as the reference) or the writer key names another digest. */
  private static String hashAlgorithm(LogMetadata md, KeyEntry writerKey) {
    try {
      var pub = md.find(LogMetadata.PUB);
      if (pub.isPresent()) {
        int id = KeyEntry.parse(pub.get().valueBytes()).digestAlgorithm();
        if (id != KeyEntry.MD_NONE) {
          return KeyEntry.digestName(id);
        }
      }
    } catch (IllegalArgumentException e) {
      // an unusable PUB entry: fall back to the default
    }
    return "SHA-256";
  }

  long nrecs() {
    return records.size();
  }

  GdpDatum get(long recno) {
    return records.get((int) (recno - 1));
  }

  ByteString hashAt(long recno) {
    return hashes.get((int) (recno - 1));
  }

  /** The record number of a record hash, or -1. */
  long recnoOfHash(ByteString hash) {
    Long r = byHash.get(hash);
    return r == null ? -1 : r;
  }

  void add(GdpDatum stored, ByteString hash) {
    if (!records.isEmpty()) {
      GdpTimestamp prev = records.get(records.size() - 1).getTs();
      if (compareTs(stored.getTs(), prev) < 0) {
        tsMonotonic = false;
      }
    }
    records.add(stored);
    hashes.add(hash);
    byHash.putIfAbsent(hash, (long) records.size());
  }

  /** Record numbers of records with {@code ts >= t}, in timestamp order (ties by record number). */
  List<Long> recnosFromTime(GdpTimestamp t) {
    List<Long> out = new ArrayList<>();
    if (tsMonotonic) {
      int lo = 0;
      int hi = records.size();
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (compareTs(records.get(mid).getTs(), t) < 0) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      for (int i = lo; i < records.size(); i++) {
        out.add((long) i + 1);
      }
      return out;
    }
    for (int i = 0; i < records.size(); i++) {
      if (compareTs(records.get(i).getTs(), t) >= 0) {
        out.add((long) i + 1);
      }
    }
    out.sort((a, b) -> {
      int c = compareTs(get(a).getTs(), get(b).getTs());
      return c != 0 ? c : Long.compare(a, b);
    });
    return out;
  }

  static int compareTs(GdpTimestamp a, GdpTimestamp b) {
    int c = Long.compare(a.getSec(), b.getSec());
    return c != 0 ? c : Integer.compareUnsigned(a.getNsec(), b.getNsec());
  }

  /** One live subscription of a client on this log. */
  static final class Subscription {
    final GdpName client;
    final int rid;
    /** Records still to send, or -1 for no limit. */
    long remaining;
    /** The next record number to deliver live. */
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
