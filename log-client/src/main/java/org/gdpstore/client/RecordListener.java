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

  /** The server ended the subscription (END_OF_RESULTS), or it was closed by the caller. */
  default void onEnd() {}
}
