package org.gdpstore.fs.internal;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;

/**
 * The small port through which the fs engine talks to GDP logs. The production implementation
 * ({@link ClientLogStore}) sits on the log-client's public API; an in-memory store in the
 * fs-engine test-jar backs the fast unit tests. Futures fail with {@link LogStoreException}. Implementations are thread-safe.
 */
public interface LogStore extends AutoCloseable {

  /**
   * Creates a new, empty log whose single writer is {@code writer} (its public key goes into the
   * metadata) and returns its name. {@code label} is a human hint, possibly empty.
   */
  CompletableFuture<GdpName> createLog(Ed25519Keys writer, String label);

  /**
   * Creates a log whose name follows from {@code id} (format 5 intents, {@link LogIntents}): with
   * the same writer and identity the same name, so a gc can compute it without the log existing.
   * A store that cannot fix names creates one with a random name (and {@link #possibleNames} is empty).
   */
  default CompletableFuture<GdpName> createLog(Ed25519Keys writer, String label, LogIntents.Identity id) {
    return createLog(writer, label);
  }

  /**
   * Every name {@link #createLog(Ed25519Keys, String, LogIntents.Identity)} may have given a log of
   * this writer and identity (hash-chained or not), whether or not it exists; empty if this store
   * cannot tell (then gc leaves intents open).
   */
  default List<GdpName> possibleNames(byte[] writerKey, LogIntents.Identity id) {
    return List.of();
  }

  /** Opens a log for reading (records are verified unless {@code verify} is false). */
  CompletableFuture<Source> openSource(GdpName log, boolean verify);

  /** Opens a log for appending, signing with {@code writer}; fails PERMISSION if not its writer. */
  CompletableFuture<Appender> openAppender(GdpName log, Ed25519Keys writer);

  /**
   * Deletes a log (GDP DELETE). Completes with true once deleted, false if there was no such log
   * (deleted before); fails {@link LogStoreException.Kind#UNSUPPORTED} where the log server has
   * no DELETE (the reference gdplogd).
   */
  default CompletableFuture<Boolean> deleteLog(GdpName log) {
    return CompletableFuture.failedFuture(new LogStoreException(LogStoreException.Kind.UNSUPPORTED,
        "this log store cannot delete logs"));
  }

  @Override
  void close();

  /**
   * One stored record. The payload is read-only and owned by the caller; {@code recordHash} is the
   * hash the writer signed (empty if unknown) and {@code verified} whether the record's signature
   * (or the store's own integrity check) was checked and matched.
   */
  record StoredRecord(long recno, long timestampNanos, ByteBuffer payload, ByteBuffer recordHash,
      boolean verified) {
    /** A record with no known record hash, not verified. */
    public StoredRecord(long recno, long timestampNanos, ByteBuffer payload) {
      this(recno, timestampNanos, payload, ByteBuffer.allocate(0), false);
    }
  }

  /** A readable log. */
  interface Source extends AutoCloseable {
    GdpName name();

    /** The raw public key of the log's single writer, as its metadata names it (empty if none). */
    byte[] writerKey();

    /** The number of the newest record (0 for an empty log), asked of the log server. */
    CompletableFuture<Long> lastRecno();

    CompletableFuture<StoredRecord> read(long recno);

    /** Up to {@code count} consecutive records from {@code first}; fewer at the end of the log. */
    CompletableFuture<List<StoredRecord>> readRange(long first, int count);

    /**
     * Delivers every record from {@code from} on, in order and without gaps, now and as they are
     * appended, until the returned handle is closed or {@code onError} was called. Callbacks come
     * one at a time on a thread of the store's choosing and must not block.
     */
    AutoCloseable subscribe(long from, java.util.function.Consumer<StoredRecord> onRecord,
        java.util.function.Consumer<LogStoreException> onError);

    @Override
    void close();
  }

  /** A log opened by its single writer. */
  interface Appender extends Source {
    /** Appends one record; completes with its recno once the log server acknowledged it. */
    CompletableFuture<Long> append(ByteBuffer payload);

    /** Appends records in order; completes with their recnos once all are acknowledged. */
    CompletableFuture<List<Long>> appendBatch(List<ByteBuffer> payloads);
  }
}
