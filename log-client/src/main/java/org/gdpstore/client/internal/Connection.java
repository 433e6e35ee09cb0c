package org.gdpstore.client.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.gdpstore.wire.Transports;
import org.gdpstore.wire.GdpCodecException;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.GdpMessageException;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.GdpPipeline;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.Pdu;
import org.gdpstore.wire.PduType;
import org.gdpstore.wire.WireLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's connection to its router: connects, advertises the client's name first on every
 * connection (spec 2.1) and again every two minutes (spec 2.5), reconnects with backoff when the
 * connection drops, and hands what arrives to a {@link Listener}. Network thread only.
 */
final class Connection implements Wire {
  private static final Logger logger = LoggerFactory.getLogger(Connection.class);
  private static final long READVERTISE_SECONDS = 120;

  /** What the connection reports, on the network thread. */
  interface Listener {
    /** A connection is up and the client's name advertised (not yet flushed). */
    void onConnected();

    /** The connection dropped; a reconnect is scheduled. */
    void onDisconnected();

    /** A response from a log, server or service. */
    void onResponse(GdpEnvelope env);

    /** The router has no route to this name. */
    void onNoRoute(GdpName name);
  }

  private final ClientConfig config;
  private final EventLoop loop;
  private final String logPrefix;
  private final Listener listener;
  private Channel channel;
  private ScheduledFuture<?> readvertise;
  private boolean connecting;
  private int attempt;
  private volatile boolean connected;
  private boolean closed;

  Connection(ClientConfig config, EventLoop loop, String logPrefix, Listener listener) {
    this.config = config;
    this.loop = loop;
    this.logPrefix = logPrefix;
    this.listener = listener;
  }

  /** True while a connection is up; readable from any thread. */
  @Override
  public boolean isConnected() {
    return connected;
  }

  @Override
  public void write(GdpEnvelope envelope) {
    if (connected && channel != null) {
      channel.write(envelope, channel.voidPromise());
    }
  }

  @Override
  public void flush() {
    if (channel != null) {
      channel.flush();
    }
  }

  /** Starts connecting (no-op while connected or connecting). */
  void connect() {
    if (closed || channel != null || connecting) {
      return;
    }
    connecting = true;
    boolean local = Transports.inProcess(config.router());
    Bootstrap b = new Bootstrap().group(loop)
        .channel(Transports.clientChannel(config.router()))
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(config.requestTimeout().toMillis(), 10_000))
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            Transports.guardNestedFlushes(ch.pipeline());
            ch.pipeline().addLast("flush", new FlushConsolidationHandler(256, true));
            GdpPipeline.configure(ch.pipeline(), WireLimits.DEFAULT);
            ch.pipeline().addLast("gdp-client", new Handler());
          }
        });
    if (!local) {
      b.option(ChannelOption.TCP_NODELAY, true); // spec 3.5.7: Nagle delays deliveries
    }
    b.connect(config.router()).addListener(f -> {
      connecting = false;
      if (!f.isSuccess()) {
        logger.debug("{} connect failed: {}", logPrefix, f.cause() == null ? "?" : f.cause().toString());
        scheduleReconnect();
      }
    });
  }

  /**
   * Stops reconnecting and closes the connection; the returned future completes once the channel
   * is closed (the peer's half of an in-process channel finishes closing on our loop), or null.
   */
  Future<Void> close() {
    closed = true;
    Channel ch = channel;
    channel = null;
    connected = false;
    return ch == null ? null : ch.close();
  }

  private void scheduleReconnect() {
    if (closed) {
      return;
    }
    attempt++;
    loop.schedule(this::connect, config.backoff().delay(attempt).toNanos(), TimeUnit.NANOSECONDS);
  }

  private void onActive(Channel ch) {
    if (closed) {
      ch.close();
      return;
    }
    channel = ch;
    connected = true;
    attempt = 0;
    logger.info("{} connected as {}", logPrefix, config.clientName());
    // spec 2.1: advertise our own name first, on every (re)connect
    ch.write(Pdu.advertise(config.clientName(), config.clientName()), ch.voidPromise());
    // spec 2.5: harmless, and it helps routers that expire advertisements
    readvertise = loop.scheduleAtFixedRate(() -> {
      if (channel == ch && ch.isActive()) {
        ch.writeAndFlush(Pdu.advertise(config.clientName(), config.clientName()), ch.voidPromise());
      }
    }, READVERTISE_SECONDS, READVERTISE_SECONDS, TimeUnit.SECONDS);
    listener.onConnected();
    ch.flush();
  }

  private void onInactive(Channel ch) {
    if (ch != channel) {
      return;
    }
    channel = null;
    connected = false;
    if (readvertise != null) {
      readvertise.cancel(false);
      readvertise = null;
    }
    if (closed) {
      return;
    }
    listener.onDisconnected();
    scheduleReconnect();
  }

  /** The connection's last handler: dispatches to the listener on the network thread. */
  private final class Handler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      onActive(ctx.channel());
      ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      onInactive(ctx.channel());
      ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof GdpEnvelope env) {
          if (MsgCode.isResponse(env.cmd())) {
            listener.onResponse(env);
          } else {
            logger.debug("{} ignoring command {} from {}", logPrefix, MsgCode.name(env.cmd()), env.src());
          }
        } else if (msg instanceof Pdu pdu && pdu.type() == PduType.NAK_NOROUTE) {
          listener.onNoRoute(pdu.src());
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (cause instanceof GdpMessageException) {
        logger.debug("{} dropped a malformed message: {}", logPrefix, cause.getMessage());
      } else if (cause instanceof GdpCodecException) {
        logger.warn("{} framing error, reconnecting: {}", logPrefix, cause.getMessage());
        ctx.close();
      } else {
        logger.debug("{} connection error: {}", logPrefix, cause.toString());
        ctx.close();
      }
    }
  }
}
