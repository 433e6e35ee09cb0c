package org.gdpstore.sim.internal;

import java.util.Map;
import org.gdpstore.wire.GdpName;

/**
 * What the router asks about each REGULAR PDU on a client connection. Implementations are
 * thread-safe. The API's {@code FaultInjector} implements it; this package never sees the API's
 * fault plan types (no package cycle).
 */
public interface FaultHook {
  /** What to do to a PDU (the API's fault actions except closing the connection, which is {@link Decision#closeAfterDelivery}). */
  enum Action { DELAY, DROP, DUPLICATE, REORDER, NAK, CRASH_LOG_SERVER }

  /** The decision to pass a PDU unchanged. */
  Decision PASS = new Decision(null, 0, 0, false);

  /** A hook that never interferes. */
  FaultHook NONE = new FaultHook() {
    @Override
    public boolean isEmpty() {
      return true;
    }

    @Override
    public Decision decide(boolean toServer, int code, GdpName name, Map<Object, Integer> connCounters) {
      return PASS;
    }

    @Override
    public void crashAndRestartLogServer() {}
  };

  /** True while there are no rules (lets the router skip peeking at payloads). */
  boolean isEmpty();

  /**
   * Decides the fate of one PDU.
   *
   * @param toServer client to router (a command), else router to client
   * @param connCounters per-connection counters owned by the calling connection, keyed as the hook likes
   */
  Decision decide(boolean toServer, int code, GdpName name, Map<Object, Integer> connCounters);

  /** Crashes the log server and restarts it from disk, asynchronously. */
  void crashAndRestartLogServer();

  /**
   * @param action null to pass the PDU unchanged
   * @param closeAfterDelivery deliver the PDU, then close the client's connection
   */
  record Decision(Action action, long delayMillis, int nakCode, boolean closeAfterDelivery) {}
}
