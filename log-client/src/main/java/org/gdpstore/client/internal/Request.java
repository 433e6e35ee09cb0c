package org.gdpstore.client.internal;

import org.gdpstore.client.GdpStatus;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.proto.GdpMessage;

/**
 * A command in flight: what to send, and what to do with the answers. Confined to the client's
 * network thread once submitted. The client keeps it in its request table until it is finished
 * (answered, failed, timed out or closed), re-sending it after a reconnect.
 */
abstract class Request {
  final Outbound client;
  final GdpName dst;
  int rid;
  /** Holds one slot of the in-flight bound. */
  boolean permit;
  /** Times written to a connection. */
  int sends;
  /** When it was last written (System.nanoTime()). */
  long lastSentNanos;
  /** Times re-sent because no answer came in time (drives the resend backoff). */
  int timeouts;
  /** Not to be sent until unparked (e.g. an append waiting for its predecessor, a paused subscription). */
  boolean parked;
  boolean finished;
  /** Held by {@link RouteRecovery}: the router had no route to {@link #dst}; re-sent once a re-open succeeds. */
  boolean routeLost;
  Scheduler.Cancellable deadlineTimer;
  Scheduler.Cancellable resendTimer;

  Request(Outbound client, GdpName dst) {
    this.client = client;
    this.dst = dst;
  }

  /** The message to send with this rid. */
  abstract GdpMessage message(int rid);

  /** A response with this request's rid from its destination. Must finish or fail the request when done. */
  abstract void onResponse(GdpEnvelope env);

  /** Called once when the request fails (after it was removed from the table). */
  abstract void onFailure(GdpStatus status);

  /** Whether to re-send on the same connection after the resend interval without an answer. */
  boolean resendable() {
    return true;
  }

  /** Whether the request timeout applies. */
  boolean hasDeadline() {
    return true;
  }

  /**
   * Whether NO_ROUTE means "wait for the route to come back" (within the request timeout) rather
   * than fail: true for requests to a log this client has open, whose log server is most likely
   * restarting.
   */
  boolean waitsForRoute() {
    return client.isOpen(dst);
  }

  /** The router has no route to {@link #dst} (and {@link #waitsForRoute()} is false). */
  void onNoRoute() {
    client.fail(this, GdpStatus.fromNak(MsgCode.NAK_R_NOROUTE, "no route to " + dst));
  }

  /** Whether an answer without a rid from our destination may be matched to this request (spec 3.4). */
  boolean matchesRidless() {
    return true;
  }

  /** True if a response from {@code src} belongs to this request (normally: src is our dst). */
  boolean acceptsFrom(GdpName src) {
    return dst.equals(src);
  }

  /** The status for a NAK response. */
  static GdpStatus nakStatus(GdpEnvelope env) {
    GdpMessage m = env.message();
    String description = m.hasNak() && m.getNak().hasDescription() ? m.getNak().getDescription()
        : MsgCode.name(env.cmd());
    return GdpStatus.fromNak(env.cmd(), description);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[rid=" + rid + " -> " + dst + "]";
  }
}
