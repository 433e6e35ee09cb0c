package org.gdpstore.sim.internal;

import java.util.Map;
import org.gdpstore.sim.FaultPlan;
import org.gdpstore.wire.GdpName;

/** What the router asks about each REGULAR PDU on a client connection. Implementations are thread-safe. */
public interface FaultHook {
  /** The decision to pass a PDU unchanged. */
  Decision PASS = new Decision(null, 0, 0, false);

  /** A hook that never interferes. */
  FaultHook NONE = new FaultHook() {
    @Override
    public boolean isEmpty() {
      return true;
    }

    @Override
    public Decision decide(FaultPlan.Direction dir, int code, GdpName name, Map<FaultPlan.Rule, Integer> connCounters) {
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
   * @param connCounters per-connection counters owned by the calling connection (for CLOSE_CONNECTION rules)
   */
  Decision decide(FaultPlan.Direction dir, int code, GdpName name, Map<FaultPlan.Rule, Integer> connCounters);

  /** Crashes the log server and restarts it from disk, asynchronously. */
  void crashAndRestartLogServer();

  /**
   * @param action null to pass the PDU unchanged
   * @param closeAfterDelivery deliver the PDU, then close the client's connection
   */
  record Decision(FaultPlan.Action action, long delayMillis, int nakCode, boolean closeAfterDelivery) {}
}
