package org.gdpstore.client;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An open log for appending, held by the log's single writer. Obtained from
 * {@link GdpClient#openWriterAsync}. Thread-safe.
 *
 * <p>The writer numbers records itself (the next one is {@code nrecs() + 1}), stamps them with the
 * client's clock unless given a timestamp, and signs each with Ed25519 over its record hash
 * (spec 6.1, gdpstore-design.md section 2) when the log's metadata names a writer key (a log
 * without one is written unsigned: nobody could check the signatures). Signing happens on the
 * calling thread. Appends are pipelined; records are stored in call
 * order. An append in flight when the connection drops is re-sent after reconnecting and resolved
 * exactly once: a future completes with the record number only when the server stored exactly
 * this record. {@link GdpStatus.Code#DEADLINE_EXCEEDED} means the outcome is unknown; the writer
 * then re-synchronises its numbering with the server before sending more. A writer opened with
 * {@link AppendMode#RENUMBER_ON_CONFLICT} shares the log with other writers (see there).
 *
 * <p>The data arrays are copied when the call is made; the caller may reuse them.
 * {@code appendAsync} blocks the calling thread while {@code maxInFlight} requests are
 * outstanding (backpressure).
 */
public interface LogWriter extends LogReader {
  /** Appends one record stamped with the client's clock; completes with its record number. */
  CompletableFuture<Long> appendAsync(byte[] data);

  /** Appends one record with the given timestamp. */
  CompletableFuture<Long> appendAsync(byte[] data, Instant timestamp);

  /**
   * Appends records in order, pipelined: as datum lists in {@link ServerMode#GDPSTORE} mode, one
   * APPEND per record in {@link ServerMode#REFERENCE} mode. Completes with their record numbers
   * when all are stored, or with the first failure (records before it may be stored).
   */
  CompletableFuture<List<Long>> appendBatchAsync(List<byte[]> data);

  default long append(byte[] data) {
    return Blocking.get(appendAsync(data));
  }

  default long append(byte[] data, Instant timestamp) {
    return Blocking.get(appendAsync(data, timestamp));
  }

  default List<Long> appendBatch(List<byte[]> data) {
    return Blocking.get(appendBatchAsync(data));
  }
}
