package org.gdpstore.sim.internal;

import io.netty.channel.Channel;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.gdpstore.wire.GdpName;

/**
 * The router's name table and its rules (docs/simulator.md, "Routes and trust"):
 * <ul>
 *   <li>A name the log server advertises is its own: the log server always takes it, and keeps it
 *       while it is restarting (requests get NOROUTE meanwhile); nobody else may advertise it until
 *       the log server withdraws it (DELETE). Such an advertisement is {@link Claim#REFUSED}.
 *   <li>Any other name belongs to the first connection that advertised it, while that connection
 *       is up. Later advertisers {@link Claim#WAITS wait} in order and take the name over when the
 *       holder withdraws it or goes away, so a client that reconnects before its old connection is
 *       noticed closed gets its name back, and a route is never lost while someone still claims it.
 * </ul>
 * Lookups are lock-free; changes are serialized on the table.
 */
final class RouteTable {
  enum Claim { HOLDS, WAITS, REFUSED }

  private final Map<GdpName, Channel> holders = new ConcurrentHashMap<>();
  /** Connections waiting for a name, in order of their advertisement. Guarded by this. */
  private final Map<GdpName, ArrayDeque<Channel>> waiting = new HashMap<>();
  /** Names the log server advertised and has not withdrawn. Guarded by this. */
  private final Set<GdpName> serverNames = new HashSet<>();

  Channel holder(GdpName name) {
    return holders.get(name);
  }

  int size() {
    return holders.size();
  }

  /** Records an advertisement of {@code name} by {@code ch} ({@code server}: the log server's own link). */
  synchronized Claim advertise(GdpName name, Channel ch, boolean server) {
    Channel cur = holders.get(name);
    if (server) {
      serverNames.add(name);
      if (cur != null && cur != ch) {
        waiting.computeIfAbsent(name, x -> new ArrayDeque<>()).addFirst(cur); // gets it back if the log is deleted
      }
      holders.put(name, ch);
      return Claim.HOLDS;
    }
    if (serverNames.contains(name)) {
      return Claim.REFUSED;
    }
    if (cur == null || cur == ch) {
      holders.put(name, ch);
      return Claim.HOLDS;
    }
    ArrayDeque<Channel> q = waiting.computeIfAbsent(name, x -> new ArrayDeque<>());
    if (!q.contains(ch)) {
      q.addLast(ch);
    }
    return Claim.WAITS;
  }

  /** {@code ch} gives up its claim on {@code name}; the log server giving up a name frees it for others. */
  synchronized void withdraw(GdpName name, Channel ch, boolean server) {
    if (server && holders.get(name) == ch) {
      serverNames.remove(name);
    }
    removeClaim(name, ch);
  }

  /** {@code ch} closed: its claims end (a log server's names stay reserved for its restart). */
  synchronized void forget(Collection<GdpName> names, Channel ch) {
    for (GdpName n : names) {
      removeClaim(n, ch);
    }
  }

  private void removeClaim(GdpName k, Channel ch) {
    ArrayDeque<Channel> q = waiting.get(k);
    if (q != null) {
      q.remove(ch);
    }
    if (holders.get(k) == ch) {
      Channel next = null;
      if (!serverNames.contains(k)) {
        while (q != null && !q.isEmpty() && next == null) {
          Channel c = q.pollFirst();
          next = c.isActive() ? c : null;
        }
      }
      if (next != null) {
        holders.put(k, next);
      } else {
        holders.remove(k);
      }
    }
    if (q != null && q.isEmpty()) {
      waiting.remove(k);
    }
  }
}
