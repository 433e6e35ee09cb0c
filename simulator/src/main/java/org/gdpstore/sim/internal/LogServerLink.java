package org.gdpstore.sim.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.util.concurrent.atomic.AtomicLong;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.Pdu;

/**
 * The log server's view of the router's client connections ({@link ClientLinks}), plus a meter of
 * the bytes the log server has written to its link that the router has not taken in yet. Long
 * answers wait while that backlog is above {@link #BACKLOG_LIMIT}, as they wait for a client whose
 * connection is full: otherwise a log server on its own thread could write far ahead of what the
 * router has accounted to the (slow) client. One per log server start.
 */
public final class LogServerLink implements ClientLinks {
  /** Bytes in transit from the log server to the router above which long answers wait. */
  static final long BACKLOG_LIMIT = 4 << 20;

  private final SimRouter router;
  private final AtomicLong inTransit = new AtomicLong();

  LogServerLink(SimRouter router) {
    this.router = router;
  }

  @Override
  public Object connectionOf(GdpName client) {
    return router.routeOf(client);
  }

  @Override
  public boolean ready(Object connection) {
    return inTransit.get() < BACKLOG_LIMIT && router.isReady((Channel) connection);
  }

  /** Bytes written by the log server and not yet taken in by the router. */
  public long backlog() {
    return inTransit.get();
  }

  /** Goes first in the log server's pipeline: counts every PDU it writes. */
  public ChannelHandler meter() {
    return new ChannelOutboundHandlerAdapter() {
      @Override
      public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof Pdu pdu) {
          inTransit.addAndGet(size(pdu));
        }
        ctx.write(msg, promise);
      }
    };
  }

  /** The router took a PDU of this link in. */
  void taken(Pdu pdu) {
    inTransit.addAndGet(-size(pdu));
  }

  private static long size(Pdu pdu) {
    return pdu.header().headerLength() + (long) pdu.content().readableBytes();
  }
}
