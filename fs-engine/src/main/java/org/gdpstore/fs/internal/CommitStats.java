package org.gdpstore.fs.internal;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Cheap counters of one writer's commit path, to see whether group commit groups (docs/fs-engine.md,
 * "Group commit: what it does and costs"): directory appends per member, group sizes, retries,
 * checkpoints. Read by tests and benchmarks; counting costs a few atomic adds per group.
 */
public final class CommitStats {
  final LongAdder groups = new LongAdder();
  final LongAdder members = new LongAdder();
  final LongAdder records = new LongAdder();
  final LongAdder recordBytes = new LongAdder();
  final LongAdder retries = new LongAdder();
  final LongAdder checkpoints = new LongAdder();
  final LongAdder checkpointRecords = new LongAdder();
  final LongAdder checkpointBytes = new LongAdder();
  /** Time spent writing checkpoints (encoding and appending), all on the commit path. */
  final LongAdder checkpointEncodeNanos = new LongAdder();
  final LongAdder checkpointNanos = new LongAdder();
  /** Time checkpoint records held the commit lock (all of a checkpoint's time before format 6). */
  final LongAdder checkpointHeldNanos = new LongAdder();
  /** Detached checkpoints given up (closed, log refused their parts); what landed is never listed. */
  final LongAdder checkpointsAbandoned = new LongAdder();
  /** Time the leader spent on groups in all, and waiting for their appends' answers (round trips). */
  final LongAdder leaderNanos = new LongAdder();
  final LongAdder roundTripNanos = new LongAdder();
  /** Appended groups by size: bucket i holds sizes in [2^i, 2^(i+1)). */
  private final AtomicLongArray sizes = new AtomicLongArray(16);

  /** One group of {@code size} members landed as {@code recs} records of {@code bytes} in all. */
  void landed(int size, int recs, long bytes) {
    groups.increment();
    members.add(size);
    records.add(recs);
    recordBytes.add(bytes);
    sizes.incrementAndGet(Math.min(15, 31 - Integer.numberOfLeadingZeros(size)));
  }

  void checkpoint(int recs, long bytes, long encodeNanos, long nanos) {
    checkpointEncodeNanos.add(encodeNanos);
    checkpointNanos.add(nanos);
    checkpoints.increment();
    checkpointRecords.add(recs);
    checkpointBytes.add(bytes);
  }

  /** Commits (members) that landed through this writer's group commits. */
  public long members() {
    return members.sum();
  }

  /** Directory commit records this writer appended (signed appends; one signature each). */
  public long records() {
    return records.sum();
  }

  /** Bytes of those records. */
  public long recordBytes() {
    return recordBytes.sum();
  }

  /** Groups that landed. */
  public long groups() {
    return groups.sum();
  }

  /** Attempts that had to be re-checked and appended again (another writer came first). */
  public long retries() {
    return retries.sum();
  }

  /** Bytes of checkpoint records written. */
  public long checkpointBytes() {
    return checkpointBytes.sum();
  }

  @Override
  public String toString() {
    long g = groups.sum();
    long m = members.sum();
    StringBuilder hist = new StringBuilder();
    for (int i = 0; i < sizes.length(); i++) {
      long n = sizes.get(i);
      if (n > 0) {
        hist.append(hist.length() == 0 ? "" : " ").append(1 << i).append("+:").append(n);
      }
    }
    return String.format("%d members in %d groups (%.1f per group; sizes %s), %d records (%.3f per member,"
        + " %d B), %d retries, %d checkpoints (%d records, %d B, %.0f ms, %.0f ms of it encoding, %.0f ms holding the commit lock,"
        + " %d given up); per group %.0f us leading, %.0f us of it"
        + " waiting for the append", m, g, g == 0 ? 0.0 : m / (double) g, hist,
        records.sum(), m == 0 ? 0.0 : records.sum() / (double) m, recordBytes.sum(), retries.sum(),
        checkpoints.sum(), checkpointRecords.sum(), checkpointBytes.sum(), checkpointNanos.sum() / 1e6,
        checkpointEncodeNanos.sum() / 1e6, checkpointHeldNanos.sum() / 1e6, checkpointsAbandoned.sum(),
        g == 0 ? 0.0 : leaderNanos.sum() / 1e3 / g, g == 0 ? 0.0 : roundTripNanos.sum() / 1e3 / g);
  }
}
