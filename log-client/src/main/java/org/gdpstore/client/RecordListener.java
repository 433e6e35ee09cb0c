package org.gdpstore.client;

/**
 * Receives the records of a subscription. Calls for one subscription are made one at a time, in
 * record-number order, without gaps or duplicates, on the client's callback executor (never on
 * the network thread). After {@link #onError} or {@link #onEnd} no further call is made.
 */
public interface RecordListener {
  /** The next record. Verified unless verification was turned off for the reader. */
  void onRecord(LogRecord record);

  /** The subscription failed (e.g. {@link GdpStatus.Code#INTEGRITY}, a NAK, or the client closed). */
  default void onError(GdpException error) {}

  /**
   * The subscription was closed by the caller (or its log handle was closed). The client never
   * ends a subscription on its own: an END_OF_RESULTS from the server only makes it subscribe again
   * from the next record.
   */
  default void onEnd() {}
}
