package org.gdpstore.bench;

/** How a benchmark's client reaches the simulator. */
public enum Transport {
  /** Netty local channels inside the JVM: no sockets, the codec and the event loops still run. */
  inProcess,
  /** Loopback TCP (127.0.0.1, NIO). */
  tcp
}
