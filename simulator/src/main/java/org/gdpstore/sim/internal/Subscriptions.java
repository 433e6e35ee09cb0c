package org.gdpstore.sim.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpTimestamp;

/**
 * Subscription rules: ACK, replay (a {@link ResponseStreams} catch-up), then live delivery of each
 * appended record; the budget ({@code nrecs}, 0 = unlimited) counts replayed and live records and
 * ends with 191. A subscription expires {@code timeout} after its SUBSCRIBE (zero: never), checked
 * at each delivery and by a periodic sweep, as the reference does.
 */
final class Subscriptions {
  private final long timeoutNanos;
  private final List<Outgoing> out;

  Subscriptions(Duration timeout, List<Outgoing> out) {
    this.timeoutNanos = timeout.toNanos();
    this.out = out;
  }

  /** Zero: subscriptions never expire. */
  long timeoutNanos() {
    return timeoutNanos;
  }

  /**
   * Registers a subscription, replacing one with the same (client, rid) (a refresh). Its replay
   * ({@code replay}: existing records in time order for subscriptions by time; after it, records
   * from {@code next} on) is the caller's to run.
   */
  SimLog.Subscription start(GdpEnvelope env, SimLog log, int nrecs, List<Long> replay, long next, GdpTimestamp minTs) {
    GdpName client = env.src();
    int rid = env.rid();
    cancel(log, x -> x.client.equals(client) && x.rid == rid);
    SimLog.Subscription sub = new SimLog.Subscription(client, rid, nrecs == 0 ? -1 : nrecs, next, minTs, env.message());
    sub.replay = replay;
    log.subscriptions.add(sub);
    return sub;
  }

  /** Sends a just-appended record to every live subscriber whose replay has caught up. */
  void deliverLive(SimLog log, GdpDatum d) {
    long now = System.nanoTime();
    for (SimLog.Subscription s : new ArrayList<>(log.subscriptions)) {
      if (expired(s, now)) {
        cancel(log, x -> x == s);
        continue;
      }
      if (s.catchingUp || d.getRecno() < s.next || (s.minTs != null && SimLog.compareTs(d.getTs(), s.minTs) < 0)) {
        continue; // a replay in progress picks the record up itself
      }
      s.next = d.getRecno() + 1;
      send(log, s, d.getRecno());
    }
  }

  boolean expired(SimLog.Subscription s, long now) {
    return timeoutNanos > 0 && now - s.subscribedAt > timeoutNanos;
  }

  /** The periodic sweep: ends, silently, every subscription not refreshed within the timeout. */
  void expire(Collection<SimLog> logs) {
    long now = System.nanoTime();
    for (SimLog l : logs) {
      cancel(l, s -> expired(s, now));
    }
  }

  /** Ends every subscription of a client (it went away). */
  void dropClient(Collection<SimLog> logs, GdpName client) {
    for (SimLog l : logs) {
      cancel(l, s -> s.client.equals(client));
    }
  }

  /** True if {@code client} has a live subscription on the log. */
  static boolean has(SimLog log, GdpName client) {
    return log.subscriptions.stream().anyMatch(s -> s.client.equals(client));
  }

  /** Sends one record to a subscriber and ends the subscription when its budget is used up. */
  void send(SimLog log, SimLog.Subscription s, long recno) {
    s.delivered++;
    out.add(new Outgoing.Content(s.client, log.name, s.command, log.bytes(recno)));
    if (s.remaining > 0 && --s.remaining == 0) {
      finish(log, s);
    }
  }

  /** Sends the 191 of a subscription whose budget is used up and forgets it. */
  void finish(SimLog log, SimLog.Subscription s) {
    out.add(new Outgoing.Message(new GdpEnvelope(s.client, log.name, Replies.endOfResults(s.command, s.delivered))));
    s.cancelled = true;
    log.subscriptions.remove(s);
  }

  /** Ends the subscriptions that match. */
  static void cancel(SimLog log, Predicate<SimLog.Subscription> which) {
    log.subscriptions.removeIf(s -> {
      if (which.test(s)) {
        s.cancelled = true;
        return true;
      }
      return false;
    });
  }
}
