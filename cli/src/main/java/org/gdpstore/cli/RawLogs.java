package org.gdpstore.cli;

import java.io.IOException;
import java.time.Instant;
import java.util.function.Predicate;
import org.gdpstore.client.AppendMode;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;

/** Raw GDP log operations for {@code gdpfs logs}. Blocking; one thread at a time. */
interface RawLogs {
  /** One record as read back (verified). */
  record Record(long recno, Instant time, byte[] data) {}

  /**
   * Creates a log (metadata XID = {@code humanName}) whose single writer is {@code writer}; returns
   * its name. {@code chained}: hash-chained (docs/log-client.md, "Chained logs"; gdpstore servers only).
   */
  GdpName create(String humanName, Ed25519Keys writer, boolean chained) throws IOException;

  /**
   * Appends records in order; returns the record number of the last one (0 if none). With
   * {@link AppendMode#RENUMBER_ON_CONFLICT} records another writer's records took the number of get the next
   * free ones instead of failing with a conflict.
   */
  long append(GdpName log, Ed25519Keys writer, Iterable<byte[]> records, AppendMode mode) throws IOException;

  /** Reads {@code count} records from {@code from} (negative = from the end); count null = to the end. */
  void read(GdpName log, long from, Long count, java.util.function.Consumer<Record> sink) throws IOException;

  /**
   * Follows the log: replays from {@code from} (null = only new records), then delivers new records
   * until {@code sink} returns false or the thread is interrupted.
   */
  void tail(GdpName log, Long from, Predicate<Record> sink) throws IOException, InterruptedException;
}
