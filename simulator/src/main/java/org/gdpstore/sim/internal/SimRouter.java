package org.gdpstore.sim.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.gdpstore.wire.GdpCodecException;
import org.gdpstore.wire.GdpMessages;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.GdpPipeline;
import org.gdpstore.wire.Pdu;
import org.gdpstore.wire.PduHeader;
import org.gdpstore.wire.PduType;
import org.gdpstore.wire.Transports;
import org.gdpstore.wire.WireLimits;
import org.gdpstore.wire.proto.GdpMessage;

/**
 * A GDP router at Layer 4 (spec 2.6): it learns {@code name -> connection} from ADVERTISE under the
 * rules of {@link RouteTable} (the log server's names are its own; otherwise the first advertiser
 * holds a name while connected and later ones wait for it), forgets a claim on WITHDRAW and every
 * claim of a connection when it closes, forwards REGULAR PDUs unchanged but for the TTL
 * (decremented; a PDU arriving with TTL 0 is dropped), answers an unknown destination with a
 * NOROUTE PDU, and never answers ADVERTISE/WITHDRAW. Other PDU types are dropped. A connection whose
 * framing breaks is closed by the decoder; one that advertises a log server's name, or more than
 * {@code maxAdvertisements} names, is closed with a log line; other connections are not affected.
 * A client connection whose answers are not being read (not writable) is not read from until it
 * drains (backpressure).
 *
 * <p>Thread-safe: the route table is concurrent and each connection's state is confined to its
 * event loop. Faults ({@link FaultHook}) apply to connections that are not internal.
 */
public final class SimRouter {
  private static final Logger LOG = Logger.getLogger(SimRouter.class.getName());

  private final RouteTable routes = new RouteTable();
  private final ChannelGroup channels = new DefaultChannelGroup("gdp-sim-router", GlobalEventExecutor.INSTANCE);
  private final WireLimits limits;
  private final FaultHook faults;
  private final Predicate<SocketAddress> internalPeer;
  private final int maxAdvertisements;
  private final int maxInFlight;
  /** The current log server's link (null in router-only mode). */
  private volatile LogServerLink logServerLink;

  /**
   * @param internalPeer true for the remote address of the in-process log server's link: it carries {@link Pdu}
   *     objects rather than bytes (no framing codec), faults never touch it, and the names it advertises are
   *     the log server's
   * @param maxAdvertisements names one client connection may claim (held or waited for); one more closes it
   * @param maxInFlight unanswered commands one client connection may have; at this many it is not read
   *     until half are answered
   */
  public SimRouter(WireLimits limits, FaultHook faults, Predicate<SocketAddress> internalPeer, int maxAdvertisements,
                   int maxInFlight) {
    this.maxInFlight = maxInFlight;
    this.limits = limits;
    this.faults = faults;
    this.internalPeer = internalPeer;
    this.maxAdvertisements = maxAdvertisements;
  }

  /** The initializer for accepted connections, TCP or local. */
  public ChannelInitializer<Channel> childInitializer() {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        boolean internal = internalPeer.test(ch.remoteAddress());
        Transports.guardNestedFlushes(ch.pipeline());
        if (internal) {
          ch.config().setRecvByteBufAllocator(new MessageBatches(1024));
        } else {
          GdpPipeline.configureFraming(ch.pipeline(), limits);
        }
        // the internal link (to the in-process log server) carries Pdu objects, not bytes
        ch.pipeline().addLast("gdp-router", new Connection(internal));
      }
    };
  }

  /** The connection that currently owns a name, if any. */
  public Channel routeOf(GdpName name) {
    return routes.holder(name);
  }

  /** Bytes of PDUs handed over to a connection's event loop and not yet written to it. */
  private static final io.netty.util.AttributeKey<java.util.concurrent.atomic.AtomicLong> HANDED_OVER =
      io.netty.util.AttributeKey.valueOf("gdp-sim-handed-over");

  /**
   * Whether a connection can take more data now: it is writable and what other event loops handed
   * over to it but it has not written yet stays below its write-buffer high-water mark. Any thread.
   */
  public boolean isReady(Channel ch) {
    if (!ch.isWritable()) {
      return false;
    }
    java.util.concurrent.atomic.AtomicLong queued = ch.attr(HANDED_OVER).get();
    return queued == null || queued.get() < ch.config().getWriteBufferHighWaterMark();
  }

  /**
   * The link for a log server that is about to start: its view of client connections, and the
   * meter of what it has written to the router that the router has not taken in yet.
   */
  public LogServerLink logServerLink() {
    LogServerLink l = new LogServerLink(this);
    logServerLink = l;
    return l;
  }

  /** Number of names in the table. */
  public int routeCount() {
    return routes.size();
  }

  /** Closes the connection that advertised {@code name}; true if there was one. */
  public boolean disconnect(GdpName name) {
    Channel ch = routes.holder(name);
    if (ch == null) {
      return false;
    }
    ch.close();
    return true;
  }

  /** Closes every connection. */
  public void closeAll() {
    channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  /** Reads the message code of a REGULAR payload without parsing it all (cmd is field 1, a varint); -1 if absent. */
  static int peekCode(ByteBuf payload) {
    int i = payload.readerIndex();
    int end = payload.writerIndex();
    if (i >= end || payload.getByte(i) != 0x08) {
      return -1;
    }
    int value = 0;
    for (int shift = 0, p = i + 1; p < end && shift < 35; p++, shift += 7) {
      byte b = payload.getByte(p);
      value |= (b & 0x7f) << shift;
      if (b >= 0) {
        return value;
      }
    }
    return -1;
  }

  private final class Connection extends ChannelDuplexHandler {
    private final boolean internal;
    private final Set<GdpName> owned = new LinkedHashSet<>();
    private final Set<Channel> toFlush = new LinkedHashSet<>();
    /** PDUs for connections on other event loops, handed over in one task per target and read batch. */
    private final Map<Channel, List<Pdu>> outbox = new HashMap<>();
    private final Map<Object, Integer> faultCounters = new HashMap<>();
    private final List<Pdu> heldIn = new ArrayList<>(1);
    private final List<Pdu> heldOut = new ArrayList<>(1);
    /** Set when the connection broke a routing rule and is being closed; it is not read from any more. */
    private boolean refused;
    /** Backpressure on a client connection (null on the log server's link). */
    private ClientPacing pacing;
    /** PDUs waiting out a DELAY fault; released on disconnect if their timer has not fired. */
    private final java.util.Map<io.netty.util.concurrent.Future<?>, Pdu> delayed = new java.util.HashMap<>();
    private ChannelHandlerContext ctx;

    Connection(boolean internal) {
      this.internal = internal;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      this.ctx = ctx;
      if (!internal) {
        pacing = new ClientPacing(ctx, maxInFlight, this::inbound, this::flushTargets);
      }
      channels.add(ctx.channel());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof Pdu pdu) || refused) {
        io.netty.util.ReferenceCountUtil.release(msg);
        return;
      }
      if (internal && logServerLink != null) {
        logServerLink.taken(pdu);
      }
      switch (pdu.type()) {
        case ADVERTISE -> {
          GdpName name = pdu.dst();
          pdu.release();
          advertise(ctx, name);
        }
        case WITHDRAW -> {
          routes.withdraw(pdu.dst(), ctx.channel(), internal);
          owned.remove(pdu.dst());
          pdu.release();
        }
        case REGULAR -> {
          if (internal) {
            inbound(pdu);
          } else {
            pacing.inbound(pdu);
          }
        }
        default -> pdu.release(); // FORWARD is not supported; router-to-router types are never valid here
      }
    }

    private void advertise(ChannelHandlerContext ctx, GdpName name) {
      if (refused) {
        return; // closing already
      }
      if (!internal && !owned.contains(name) && owned.size() >= maxAdvertisements) {
        refuse(ctx, "advertised more than " + maxAdvertisements + " names");
        return;
      }
      if (routes.advertise(name, ctx.channel(), internal) == RouteTable.Claim.REFUSED) {
        refuse(ctx, "advertised " + name + ", a name of the log server");
        return;
      }
      owned.add(name);
    }

    /** Closes a connection that broke a routing rule; one log line says why. */
    private void refuse(ChannelHandlerContext ctx, String why) {
      refused = true;
      LOG.warning("closing connection from " + ctx.channel().remoteAddress() + ": it " + why);
      ctx.close();
    }

    private void inbound(Pdu pdu) {
      if (internal || (faults.isEmpty() && heldIn.isEmpty())) {
        route(pdu);
        return;
      }
      FaultHook.Decision d = faults.decide(true, peekCode(pdu.content()), pdu.dst(), faultCounters);
      boolean reorder = d.action() == FaultHook.Action.REORDER;
      applyInbound(pdu, d);
      if (!reorder && !heldIn.isEmpty()) {
        releaseHeld(heldIn, true); // a held PDU goes right after the one that overtook it
      }
    }

    private void applyInbound(Pdu pdu, FaultHook.Decision d) {
      if (d.closeAfterDelivery()) {
        route(pdu);
        flushTargets();
        ctx.close();
        return;
      }
      if (d.action() == null) {
        route(pdu);
        return;
      }
      switch (d.action()) {
        case DROP -> pdu.release();
        case DELAY -> delay(pdu, d.delayMillis(), () -> {
          route(pdu);
          flushTargets();
        });
        case DUPLICATE -> {
          route(pdu.retainedDuplicate());
          route(pdu);
        }
        case REORDER -> hold(heldIn, pdu, d.delayMillis(), true);
        case NAK -> {
          Pdu nak = nakFor(pdu, d.nakCode(), true);
          pdu.release();
          if (nak != null) {
            pacing.answered(nak);
            ctx.write(nak, ctx.voidPromise());
            ctx.flush();
          }
        }
        case CRASH_LOG_SERVER -> {
          pdu.release();
          faults.crashAndRestartLogServer();
        }
        default -> route(pdu);
      }
    }

    /** Holds a PDU for REORDER; a second one swaps places with it. */
    private void hold(List<Pdu> held, Pdu pdu, long maxHoldMillis, boolean in) {
      if (held.isEmpty()) {
        held.add(pdu);
        ctx.executor().schedule(() -> {
          if (!held.isEmpty() && held.get(0) == pdu) { // not already swapped (and not a later one)
            releaseHeld(held, in);
          }
        }, maxHoldMillis, TimeUnit.MILLISECONDS);
        return;
      }
      Pdu first = held.remove(0);
      if (in) {
        route(pdu);
        route(first);
      } else {
        ctx.write(pdu, ctx.voidPromise());
        ctx.write(first, ctx.voidPromise());
        ctx.flush();
      }
    }

    private void releaseHeld(List<Pdu> held, boolean in) {
      if (held.isEmpty()) {
        return;
      }
      Pdu p = held.remove(0);
      if (in) {
        route(p);
        flushTargets();
      } else if (ctx.channel().isActive()) {
        ctx.writeAndFlush(p, ctx.voidPromise());
      } else {
        p.release();
      }
    }

    /** Forwards a REGULAR PDU (ownership passes on). */
    private void route(Pdu pdu) {
      PduHeader h = pdu.header();
      if (h.ttl() == 0) {
        pdu.release();
        return;
      }
      Channel target = routes.holder(h.dst());
      if (target == null) {
        GdpName sender = h.src();
        GdpName unroutable = h.dst();
        pdu.release();
        Pdu noRoute = Pdu.noRoute(sender, unroutable);
        if (!internal) {
          pacing.answered(noRoute); // written below this handler, so write() does not see it
        }
        ctx.write(noRoute, ctx.voidPromise());
        toFlush.add(ctx.channel());
        return;
      }
      Pdu forward = new Pdu(h.withTtl(h.ttl() - 1), pdu.content());
      if (target.eventLoop().inEventLoop()) {
        target.write(forward, target.voidPromise());
        toFlush.add(target);
      } else {
        // another thread's connection: collect, hand over once per read batch (one wake-up, one flush)
        outbox.computeIfAbsent(target, t -> new ArrayList<>()).add(forward);
      }
    }

    private void flushTargets() {
      for (Channel c : toFlush) {
        c.flush();
      }
      toFlush.clear();
      if (!outbox.isEmpty()) {
        for (Map.Entry<Channel, List<Pdu>> e : outbox.entrySet()) {
          handOver(e.getKey(), e.getValue());
        }
        outbox.clear();
      }
    }

    /** Writes a batch of PDUs to a connection of another event loop in one task, in order, then flushes. */
    private void handOver(Channel target, List<Pdu> batch) {
      long bytes = 0;
      for (Pdu p : batch) {
        bytes += PduHeader.MIN_HEADER_LENGTH + p.content().readableBytes();
      }
      long n = bytes;
      java.util.concurrent.atomic.AtomicLong counter = target.attr(HANDED_OVER).get();
      if (counter == null) {
        java.util.concurrent.atomic.AtomicLong fresh = new java.util.concurrent.atomic.AtomicLong();
        counter = target.attr(HANDED_OVER).setIfAbsent(fresh);
        counter = counter == null ? fresh : counter;
      }
      java.util.concurrent.atomic.AtomicLong queued = counter;
      queued.addAndGet(n); // counted until written, so isReady() sees it (a slow reader's answers wait)
      try {
        target.eventLoop().execute(() -> {
          for (Pdu p : batch) {
            target.write(p, target.voidPromise()); // a closed target releases it
          }
          queued.addAndGet(-n);
          target.flush();
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        queued.addAndGet(-n);
        for (Pdu p : batch) {
          p.release(); // the target's event loop is shutting down
        }
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      flushTargets();
      ctx.fireChannelReadComplete();
    }

    /** Backpressure: see {@link ClientPacing}. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (!internal) {
        pacing.writabilityChanged();
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (!internal) {
        pacing.answered(msg);
      }
      if (internal || (faults.isEmpty() && heldOut.isEmpty()) || !(msg instanceof Pdu pdu)
          || pdu.type() != PduType.REGULAR) {
        ctx.write(msg, promise);
        return;
      }
      FaultHook.Decision d = faults.decide(false, peekCode(pdu.content()), pdu.src(), faultCounters);
      boolean reorder = d.action() == FaultHook.Action.REORDER;
      applyOutbound(ctx, pdu, promise, d);
      if (!reorder && !heldOut.isEmpty()) {
        releaseHeld(heldOut, false);
      }
    }

    private void applyOutbound(ChannelHandlerContext ctx, Pdu pdu, ChannelPromise promise, FaultHook.Decision d) {
      if (d.closeAfterDelivery()) {
        ctx.writeAndFlush(pdu, promise);
        ctx.close();
        return;
      }
      if (d.action() == null) {
        ctx.write(pdu, promise);
        return;
      }
      switch (d.action()) {
        case DROP -> {
          pdu.release();
          promise.trySuccess();
        }
        case DELAY -> delay(pdu, d.delayMillis(), () -> {
          if (ctx.channel().isActive()) {
            ctx.writeAndFlush(pdu, promise);
          } else {
            pdu.release();
            promise.trySuccess();
          }
        });
        case DUPLICATE -> {
          ctx.write(pdu.retainedDuplicate(), ctx.voidPromise());
          ctx.write(pdu, promise);
        }
        case REORDER -> {
          promise.trySuccess();
          hold(heldOut, pdu, d.delayMillis(), false);
        }
        case NAK -> {
          Pdu nak = nakFor(pdu, d.nakCode(), false);
          pdu.release();
          if (nak != null) {
            ctx.write(nak, promise);
          } else {
            promise.trySuccess();
          }
        }
        case CRASH_LOG_SERVER -> {
          pdu.release();
          promise.trySuccess();
          faults.crashAndRestartLogServer();
        }
        default -> ctx.write(pdu, promise);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      flushTargets(); // what this connection already routed still goes out
      routes.forget(owned, ctx.channel());
      owned.clear();
      releaseAll(heldIn);
      if (pacing != null) {
        pacing.release();
      }
      releaseAll(heldOut);
      // a simulator closing before a DELAY fires would otherwise leak the held PDU
      delayed.forEach((timer, pdu) -> {
        if (timer.cancel(false)) {
          pdu.release();
        }
      });
      delayed.clear();
      ctx.fireChannelInactive();
    }

    /** Runs {@code send} after {@code millis} on this connection's event loop, tracking the PDU. */
    private void delay(Pdu pdu, long millis, Runnable send) {
      io.netty.util.concurrent.Future<?>[] self = new io.netty.util.concurrent.Future<?>[1];
      self[0] = ctx.executor().schedule(() -> {
        delayed.remove(self[0]);
        send.run();
      }, millis, TimeUnit.MILLISECONDS);
      delayed.put(self[0], pdu);
    }

    private void releaseAll(List<Pdu> held) {
      for (Pdu p : held) {
        p.release();
      }
      held.clear();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (cause instanceof GdpCodecException) {
        LOG.log(Level.FINE, "closing a connection with broken framing: " + cause.getMessage());
      } else {
        LOG.log(Level.FINE, "router connection error, closing", cause);
      }
      ctx.close();
    }
  }

  /**
   * A NAK standing in for a PDU: for a command, addressed back to its sender; for a response, to
   * its receiver. Null if the payload cannot be parsed.
   */
  static Pdu nakFor(Pdu pdu, int nakCode, boolean command) {
    GdpMessage msg;
    try {
      msg = GdpMessages.parse(pdu.content());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return null;
    }
    GdpMessage nak = Replies.nak(msg, nakCode, org.gdpstore.wire.EpStat.fromMsgCode(nakCode), "injected fault", -1);
    ByteBuf payload = GdpMessages.encode(io.netty.buffer.ByteBufAllocator.DEFAULT, nak);
    return command ? Pdu.regular(pdu.src(), pdu.dst(), payload) : Pdu.regular(pdu.dst(), pdu.src(), payload);
  }
}
