package org.gdpstore.client.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.gdpstore.client.GdpException;
import org.gdpstore.client.GdpStatus;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.MsgCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests in flight, by rid: their deadlines, resends and slots of the in-flight bound, and
 * the matching of answers to them. Confined to the network thread, except the permit methods.
 */
final class RequestTable {
  private static final Logger logger = LoggerFactory.getLogger(RequestTable.class);
  /** Requests re-sent at once after a reconnect; one more goes out per answer. */
  static final int RECONNECT_WINDOW = 16;

  private final ClientConfig config;
  private final Scheduler scheduler;
  private final Wire wire;
  private final String logPrefix;
  private final Semaphore permits;
  private RouteRecovery routes;
  private volatile boolean closed;

  private final Map<Integer, Request> pending = new LinkedHashMap<>();
  /**
   * Requests waiting to be re-sent after a reconnect. They go out a few at a time, one more per
   * answer, so that a connection that keeps failing still lets some of them through.
   */
  private final ArrayDeque<Request> resendQueue = new ArrayDeque<>();
  /** When each destination last answered anything (scheduler time). */
  private final Map<GdpName, Long> lastHeard = new HashMap<>();
  private int lastRid;

  RequestTable(ClientConfig config, Scheduler scheduler, Wire wire, String logPrefix) {
    this.config = config;
    this.scheduler = scheduler;
    this.wire = wire;
    this.logPrefix = logPrefix;
    this.permits = new Semaphore(config.maxInFlight());
  }

  /** Where NO_ROUTE requests are held (set once, before use). */
  void routes(RouteRecovery routes) {
    this.routes = routes;
  }

  // ------------------------------------------------------------------ permits (any thread)

  boolean acquirePermit() {
    if (closed) {
      throw GdpStatus.of(GdpStatus.Code.CLOSED, "client closed").asException();
    }
    if (Thread.currentThread() instanceof IoThread) {
      // a callback run inline on the network thread must not block it: over-commit instead
      return permits.tryAcquire();
    }
    try {
      if (!permits.tryAcquire(config.requestTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
        throw GdpStatus.of(GdpStatus.Code.DEADLINE_EXCEEDED,
            "no request slot became free within " + config.requestTimeout() + " (maxInFlight " + config.maxInFlight() + ")")
            .asException();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw GdpStatus.of(GdpStatus.Code.CANCELLED, "interrupted while waiting for a request slot", e).asException();
    }
    if (closed) {
      permits.release();
      throw GdpStatus.of(GdpStatus.Code.CLOSED, "client closed").asException();
    }
    return true;
  }

  void releasePermit(Request r) {
    if (r.permit) {
      r.permit = false;
      permits.release();
    }
  }

  /** The client is closing: wake callers waiting for a slot (they see {@code closed}). Any thread. */
  void close() {
    closed = true;
    permits.release(Integer.MAX_VALUE / 2);
  }

  // ------------------------------------------------------------------ submission

  /** Enters a request into the table and sends it if connected. */
  void submit(Request r) {
    if (closed) {
      fail(r, GdpStatus.of(GdpStatus.Code.CLOSED, "client closed"));
      return;
    }
    if (r.rid == 0) {
      r.rid = nextRid();
    }
    armDeadline(r);
    pending.put(r.rid, r);
    if (routes != null && routes.isWaiting(r.dst) && r.waitsForRoute()) {
      routes.hold(r); // its log server is restarting: goes out once the log is re-opened
      return;
    }
    if (wire.isConnected() && !r.parked) {
      dropStaleResends();
      if (!resendQueue.isEmpty()) {
        resendQueue.add(r); // keep call order behind the requests still to be re-sent
        return;
      }
      write(r);
      wire.flush();
    }
  }

  /**
   * A rid for a message whose answer nobody waits for: it must not be 0, or its answer could be
   * matched to another request (spec 3.4 lets rid-less answers match by name).
   */
  int untrackedRid() {
    return nextRid();
  }

  private int nextRid() {
    do {
      lastRid++;
    } while (lastRid == 0 || pending.containsKey(lastRid));
    return lastRid;
  }

  /**
   * How many request timeouts a request may wait in all while its destination keeps answering other
   * requests: a bound, so that a request the server dropped cannot wait for ever behind a busy log.
   */
  static final int MAX_DEADLINE_STRETCH = 6;

  /**
   * Starts the request timeout of a request (once). The timeout measures the destination's
   * silence, not the request's age: when it runs out while the destination answered something
   * within the last timeout (it is busy with the requests queued before this one, e.g. a writer's
   * own pipeline behind a slow disk), the request waits on, up to {@link #MAX_DEADLINE_STRETCH}
   * timeouts in all.
   */
  void armDeadline(Request r) {
    if (r.hasDeadline() && r.deadlineTimer == null && !r.finished) {
      long start = scheduler.nanoTime();
      scheduleDeadline(r, start, config.requestTimeout().toNanos());
    }
  }

  private void scheduleDeadline(Request r, long start, long delayNanos) {
    r.deadlineTimer = scheduler.schedule(() -> {
      if (r.finished) {
        return;
      }
      long timeout = config.requestTimeout().toNanos();
      long now = scheduler.nanoTime();
      Long heard = r.sends == 0 || r.routeLost ? null : lastHeard.get(r.dst);
      long quiet = heard == null ? Long.MAX_VALUE : now - heard;
      if (quiet < timeout && now - start < MAX_DEADLINE_STRETCH * timeout) {
        long left = Math.min(timeout - quiet, start + MAX_DEADLINE_STRETCH * timeout - now);
        scheduleDeadline(r, start, Math.max(1, left));
        return;
      }
      r.deadlineTimer = null;
      if (r.routeLost) {
        fail(r, GdpStatus.fromNak(MsgCode.NAK_R_NOROUTE, "no route to " + r.dst + " for "
            + config.requestTimeout() + ": its log server did not come back"));
      } else if (r.sends == 0) {
        fail(r, GdpStatus.of(GdpStatus.Code.UNAVAILABLE, "no usable connection to the router " + config.router()
            + " within " + config.requestTimeout()));
      } else {
        fail(r, GdpStatus.of(GdpStatus.Code.DEADLINE_EXCEEDED, quiet < timeout
            ? "no answer from " + r.dst + " within " + java.time.Duration.ofNanos(now - start)
                + " while it answered other requests"
            : "no answer from " + r.dst + " within " + config.requestTimeout()));
      }
    }, delayNanos);
  }

  void cancelDeadline(Request r) {
    if (r.deadlineTimer != null) {
      r.deadlineTimer.cancel();
      r.deadlineTimer = null;
    }
  }

  /** Writes a request (without flushing) if connected, and arms its resend timer. */
  void write(Request r) {
    if (!wire.isConnected() || r.finished || closed || r.routeLost) {
      return;
    }
    r.sends++;
    r.lastSentNanos = scheduler.nanoTime();
    wire.write(new GdpEnvelope(r.dst, config.clientName(), r.message(r.rid)));
    cancelResend(r);
    armResend(r, resendDelayNanos(r));
  }

  void flush() {
    wire.flush();
  }

  /**
   * (Re)starts the resend timer: an idempotent request goes out again if nothing arrived for it in
   * time and its destination has been silent for a resend interval too. A server that is busy
   * answering the requests queued before this one is left alone, instead of being flooded with
   * copies; a lost request is re-sent once the destination falls quiet.
   */
  private void armResend(Request r, long delayNanos) {
    cancelResend(r);
    if (r.resendable()) {
      r.resendTimer = scheduler.schedule(() -> {
        r.resendTimer = null;
        if (r.finished || r.parked || r.routeLost || !wire.isConnected() || pending.get(r.rid) != r) {
          return;
        }
        long interval = config.resendInterval().toNanos();
        Long heard = lastHeard.get(r.dst);
        long quiet = heard == null ? Long.MAX_VALUE : scheduler.nanoTime() - heard;
        if (quiet < interval) {
          armResend(r, interval - quiet);
          return;
        }
        logger.debug("{} re-sending {} (attempt {})", logPrefix, r, r.sends + 1);
        r.timeouts++;
        write(r);
        wire.flush();
      }, delayNanos);
    }
  }

  static void cancelResend(Request r) {
    if (r.resendTimer != null) {
      r.resendTimer.cancel();
      r.resendTimer = null;
    }
  }

  /** The resend interval, doubled per unanswered resend (up to 8x): a slow server is not flooded with copies. */
  private long resendDelayNanos(Request r) {
    long base = config.resendInterval().toNanos();
    int doublings = Math.min(r.timeouts, 3);
    return Math.min(base << doublings, Math.max(base, config.requestTimeout().toNanos()));
  }

  /** Removes a request from the table and releases its timers and slot. Idempotent. */
  void finish(Request r) {
    if (pending.get(r.rid) == r) {
      pending.remove(r.rid);
    }
    cancelResend(r);
    cancelDeadline(r);
    releasePermit(r);
    r.finished = true;
    if (r.routeLost && routes != null) {
      routes.forget(r);
    }
  }

  /** Takes a request out of the table (it stops being sent and matched) but keeps its slot and deadline. */
  void detach(Request r) {
    if (pending.get(r.rid) == r) {
      pending.remove(r.rid);
    }
    cancelResend(r);
  }

  /** Fails a request once. A failure, like an answer, lets one more request of the reconnect queue out. */
  void fail(Request r, GdpStatus status) {
    if (r.finished) {
      return;
    }
    finish(r);
    try {
      r.onFailure(status);
    } catch (RuntimeException e) {
      logger.warn("{} failure handler of {} threw", logPrefix, r, e);
    }
    if (!resendQueue.isEmpty()) {
      pumpResends(1);
      wire.flush();
    }
  }

  /** Fails every request in the table. */
  void failAll(GdpStatus status) {
    for (Request r : new ArrayList<>(pending.values())) {
      fail(r, status);
    }
  }

  int size() {
    return pending.size();
  }

  // ------------------------------------------------------------------ connection events

  /** A new connection: re-send {@code resend} (taken from the table before anything new was sent), a window at a time. */
  void onConnected(List<Request> resend) {
    resendQueue.clear();
    for (Request r : resend) {
      if (!r.finished && !r.parked && pending.get(r.rid) == r) {
        resendQueue.add(r);
      }
    }
    pumpResends(RECONNECT_WINDOW);
  }

  /** Snapshot of the requests in the table, in submission order. */
  List<Request> requests() {
    return new ArrayList<>(pending.values());
  }

  /** Drops requests that finished or left the table while they waited in the reconnect queue. */
  private void dropStaleResends() {
    while (!resendQueue.isEmpty() && isStale(resendQueue.peek())) {
      resendQueue.poll();
    }
  }

  private boolean isStale(Request r) {
    return r.finished || pending.get(r.rid) != r;
  }

  /** Sends up to {@code n} of the requests waiting since the reconnect. */
  private void pumpResends(int n) {
    for (int i = 0; i < n && !resendQueue.isEmpty() && wire.isConnected(); ) {
      Request r = resendQueue.poll();
      if (!r.finished && !r.parked && pending.get(r.rid) == r) {
        write(r);
        i++;
      }
    }
  }

  /** The connection dropped: nothing is re-sent until the next one. */
  void onDisconnected() {
    resendQueue.clear();
    for (Request r : pending.values()) {
      cancelResend(r);
    }
  }

  /** An answer: matched to its request by (source, rid), or by source alone when it has no rid. */
  void onResponse(GdpEnvelope env) {
    if (lastHeard.size() > 10_000 && !lastHeard.containsKey(env.src())) {
      lastHeard.clear(); // a client that touched very many logs: forgetting costs at most a re-send
    }
    lastHeard.put(env.src(), scheduler.nanoTime());
    Request r = pending.get(env.rid());
    if (r == null && env.rid() == 0) {
      // spec 3.4: accept responses without a rid; match the oldest request to that name
      for (Request p : pending.values()) {
        if (p.acceptsFrom(env.src()) && p.matchesRidless()) {
          r = p;
          break;
        }
      }
    }
    if (!resendQueue.isEmpty()) {
      pumpResends(1);
      wire.flush();
    }
    if (r == null || !r.acceptsFrom(env.src())) {
      // late answers, duplicates, data of cancelled subscriptions (spec 3.5.8): discard
      logger.debug("{} discarding {} (no matching request)", logPrefix, env);
      return;
    }
    if (r.resendTimer != null) {
      armResend(r, resendDelayNanos(r)); // progress (e.g. one result of many): wait a full interval again
    }
    try {
      r.onResponse(env);
    } catch (GdpException e) {
      fail(r, e.status());
    } catch (RuntimeException e) {
      logger.warn("{} handling {} for {} failed", logPrefix, env, r, e);
      fail(r, GdpStatus.of(GdpStatus.Code.PROTOCOL_ERROR, "bad response " + MsgCode.name(env.cmd()) + ": " + e, e));
    }
  }

  /** The router has no route to {@code unroutable}: hold what may wait for it, fail the rest. */
  void onNoRoute(GdpName unroutable) {
    logger.debug("{} no route to {}", logPrefix, unroutable);
    int held = 0;
    for (Request r : new ArrayList<>(pending.values())) {
      if (!r.finished && r.dst.equals(unroutable)) {
        if (routes != null && r.waitsForRoute()) {
          routes.hold(r);
          held++;
        } else {
          r.onNoRoute();
        }
      }
    }
    // a NOROUTE answers the held requests as far as the reconnect queue is concerned: let as many more out
    if (held > 0 && !resendQueue.isEmpty()) {
      pumpResends(held);
      wire.flush();
    }
  }
}
