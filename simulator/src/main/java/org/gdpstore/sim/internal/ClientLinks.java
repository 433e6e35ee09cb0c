package org.gdpstore.sim.internal;

import org.gdpstore.wire.GdpName;

/** What the log service may know of the connections its answers leave on (kept free of Netty types). */
public interface ClientLinks {
  /** An opaque token for the connection {@code client} is reached on now, or null if it has none. */
  Object connectionOf(GdpName client);

  /** Whether that connection can take more data now; a long answer waits while it cannot. */
  boolean ready(Object connection);
}
