package org.gdpstore.client.internal;

import org.gdpstore.wire.GdpEnvelope;

/** Where the request table writes: the current connection, if any. Network thread only. */
interface Wire {
  /** True while a connection is up. */
  boolean isConnected();

  /** Writes without flushing; dropped when not connected. */
  void write(GdpEnvelope envelope);

  void flush();
}
