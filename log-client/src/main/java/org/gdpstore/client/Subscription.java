package org.gdpstore.client;

/**
 * A live subscription to a log. It survives reconnects: the client re-subscribes from the record
 * after the last one delivered. Thread-safe; {@link #close()} is idempotent and makes the
 * listener receive {@link RecordListener#onEnd()} unless it already ended.
 */
public interface Subscription extends AutoCloseable {
  /** The record number of the last record handed over, or the one before the start before the first (0 until a relative start is resolved). */
  long lastDelivered();

  /** True until the subscription ended, failed or was closed. */
  boolean isActive();

  /** Stops delivery and tells the server (UNSUBSCRIBE). */
  @Override
  void close();
}
