package org.gdpstore.client.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.ObjLongConsumer;
import java.util.function.Predicate;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.MsgCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rides out a log server restart: requests to an open log that meet NO_ROUTE are held instead of
 * failed, the log is re-opened with backoff until that succeeds, and then the held requests are
 * re-sent in their original order (appends byte-identically, so the writer's exactly-once
 * resolution still applies; subscriptions resume from their last record). A held request still
 * fails at its own deadline. Confined to the client's network thread.
 */
final class RouteRecovery {
  private static final Logger logger = LoggerFactory.getLogger(RouteRecovery.class);

  private final Outbound client;
  private final Predicate<GdpName> opensForWriting;
  private final ObjLongConsumer<GdpName> routeRestored;
  private final Map<GdpName, Wait> waits = new HashMap<>();

  /** The requests held for one destination and the pending re-open. */
  private static final class Wait {
    final GdpName dst;
    final LinkedHashSet<Request> held = new LinkedHashSet<>();
    final long sinceNanos;
    int attempt;
    Scheduler.Cancellable timer;

    Wait(GdpName dst, long now) {
      this.dst = dst;
      this.sinceNanos = now;
    }
  }

  /**
   * @param opensForWriting whether the client has a writer handle of a log (re-open with OPEN_AO)
   * @param routeRestored told the server's record count when a log's route is back
   */
  RouteRecovery(Outbound client, Predicate<GdpName> opensForWriting, ObjLongConsumer<GdpName> routeRestored) {
    this.client = client;
    this.opensForWriting = opensForWriting;
    this.routeRestored = routeRestored;
  }

  /** True while requests to {@code dst} are held for a route. */
  boolean isWaiting(GdpName dst) {
    return waits.containsKey(dst);
  }

  /** Holds a request (already in the client's table) until the route to its destination is back. */
  void hold(Request r) {
    r.routeLost = true;
    RequestTable.cancelResend(r);
    Wait w = waits.get(r.dst);
    if (w == null) {
      w = new Wait(r.dst, client.scheduler().nanoTime());
      waits.put(r.dst, w);
      logger.info("{} no route to {}; holding its requests and re-opening it", client.logPrefix(), r.dst);
      scheduleProbe(w);
    }
    w.held.add(r);
  }

  /** A held request finished (failed at its deadline, or the client closed). */
  void forget(Request r) {
    Wait w = waits.get(r.dst);
    if (w != null) {
      w.held.remove(r);
    }
  }

  /**
   * The connection dropped or came back: the reconnect re-opens logs and re-sends everything in
   * the table, held requests included; a route that is still missing is found out again.
   */
  void reset() {
    for (Wait w : waits.values()) {
      if (w.timer != null) {
        w.timer.cancel();
      }
      for (Request r : w.held) {
        r.routeLost = false;
      }
    }
    waits.clear();
  }

  private void scheduleProbe(Wait w) {
    w.attempt++;
    long delay = Math.min(client.config().backoff().delay(w.attempt).toNanos(),
        client.config().resendInterval().toNanos());
    w.timer = client.scheduler().schedule(() -> probe(w), delay);
  }

  /** Re-opens the log; success means its log server is back and knows it. */
  private void probe(Wait w) {
    w.timer = null;
    if (waits.get(w.dst) != w || client.isClosed()) {
      return;
    }
    w.held.removeIf(r -> r.finished);
    if (w.held.isEmpty()) {
      waits.remove(w.dst);
      return;
    }
    OpenRequest o = OpenRequest.probe(client, w.dst, opensForWriting.test(w.dst) ? MsgCode.CMD_OPEN_AO
        : MsgCode.CMD_OPEN_RO);
    o.result.whenComplete((opened, t) -> {
      if (waits.get(w.dst) != w) {
        return; // reset by a reconnect meanwhile
      }
      if (t != null) {
        logger.debug("{} re-open of {} failed ({}); retrying", client.logPrefix(), w.dst, t.toString());
        scheduleProbe(w);
        return;
      }
      release(w, opened.recno());
    });
    client.submit(o);
  }

  private void release(Wait w, long serverNrecs) {
    waits.remove(w.dst);
    List<Request> resend = new ArrayList<>(w.held);
    logger.info("{} route to {} is back after {} ms ({} records); re-sending {} requests", client.logPrefix(),
        w.dst, (client.scheduler().nanoTime() - w.sinceNanos) / 1_000_000, serverNrecs, resend.size());
    routeRestored.accept(w.dst, serverNrecs);
    for (Request r : resend) {
      r.routeLost = false;
      if (!r.parked) {
        client.write(r); // a parked one (gap, or a subscription between chunks) goes out when it is unparked
      }
    }
    client.flush();
  }
}
