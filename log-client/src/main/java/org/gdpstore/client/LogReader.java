package org.gdpstore.client;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.LogMetadata;

/**
 * An open log, for reading. Obtained from {@link GdpClient#openReaderAsync}. Thread-safe.
 *
 * <p>Record numbers: {@code recno > 0} is absolute (1 = first record); {@code recno < 0} counts
 * back from the end as in the protocol ({@code -1} = the last record); 0 is invalid.
 *
 * <p>Every returned future completes on the client's callback executor, never on the network
 * thread, with a value or a {@link GdpException}. Records are verified against the log's writer key
 * (WPK, else OPK, else PUB) unless verification was turned off; a record that fails verification
 * fails the call with {@link GdpStatus.Code#INTEGRITY}. The blocking twins must not be called
 * on the client's network thread.
 */
public interface LogReader extends AutoCloseable {
  /** The log's name. */
  GdpName name();

  /** The log's metadata, as returned by OPEN. */
  LogMetadata metadata();

  /** Name and metadata together. */
  default LogInfo info() {
    return new LogInfo(name(), metadata());
  }

  /**
   * The highest record number this handle knows of (from OPEN, its own appends and deliveries).
   * Cheap, may be stale; see {@link #lastRecnoAsync()}.
   */
  long nrecs();

  /** True if this handle verifies record signatures. */
  boolean verifies();

  /** Asks the server for the current number of the last record (0 for an empty log). */
  CompletableFuture<Long> lastRecnoAsync();

  default long lastRecno() {
    return Blocking.get(lastRecnoAsync());
  }

  /** Reads one record; fails with {@link GdpStatus.Code#NOT_FOUND} if there is none. */
  CompletableFuture<LogRecord> readAsync(long recno);

  default LogRecord read(long recno) {
    return Blocking.get(readAsync(recno));
  }

  /**
   * Reads up to {@code count} consecutive records starting at {@code from}, in record-number order.
   * Fails with {@link GdpStatus.Code#NOT_FOUND} if there is no record at or after {@code from}.
   */
  CompletableFuture<List<LogRecord>> readRangeAsync(long from, int count);

  default List<LogRecord> readRange(long from, int count) {
    return Blocking.get(readRangeAsync(from, count));
  }

  /**
   * Reads up to {@code count} records whose writer timestamp is at or after {@code from}, ordered by
   * timestamp. The reference server never answers this command: against it the call fails with
   * {@link GdpStatus.Code#DEADLINE_EXCEEDED}.
   */
  CompletableFuture<List<LogRecord>> readByTimestampAsync(Instant from, int count);

  default List<LogRecord> readByTimestamp(Instant from, int count) {
    return Blocking.get(readByTimestampAsync(from, count));
  }

  /** Reads the record with this record hash (the reference answers NOT_IMPLEMENTED). */
  CompletableFuture<LogRecord> readByHashAsync(byte[] recordHash);

  default LogRecord readByHash(byte[] recordHash) {
    return Blocking.get(readByHashAsync(recordHash));
  }

  /**
   * Subscribes from record {@code from} ({@code > 0} absolute; {@code 0} only future records;
   * {@code -k} the last k records, then future ones). The listener gets every record once, in
   * record-number order, across reconnects and log server restarts, until the subscription is
   * closed or fails. A relative start is resolved against the server's record count when the
   * subscription starts (one extra round trip), so it means the same after any reconnect.
   */
  Subscription subscribe(long from, RecordListener listener);

  /**
   * A publisher of the records from {@code from} (as {@link #subscribe}). Each subscriber gets its
   * own server subscription; records are requested from the server only as fast as the subscriber
   * signals demand (bounded buffering). Cancelling the Flow subscription unsubscribes.
   */
  Flow.Publisher<LogRecord> publisher(long from);

  /** Closes this handle: its subscriptions end, its pending calls fail with CLOSED. Idempotent. */
  CompletableFuture<Void> closeAsync();

  @Override
  default void close() {
    Blocking.get(closeAsync());
  }
}
