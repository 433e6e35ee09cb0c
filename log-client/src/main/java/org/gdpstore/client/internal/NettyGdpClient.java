package org.gdpstore.client.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.gdpstore.client.GdpClient;
import org.gdpstore.client.GdpException;
import org.gdpstore.client.GdpStatus;
import org.gdpstore.client.LogInfo;
import org.gdpstore.client.LogReader;
import org.gdpstore.client.LogSpec;
import org.gdpstore.client.LogWriter;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpCodecException;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.GdpMessageException;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.GdpPipeline;
import org.gdpstore.wire.KeyEntry;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.Pdu;
import org.gdpstore.wire.PduHeader;
import org.gdpstore.wire.PduType;
import org.gdpstore.wire.WireLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty implementation of {@link GdpClient}: one connection to a router, owned by a single
 * network thread that also owns the request table, the log handles and the subscriptions. Public
 * methods may be called from any thread; they hand command objects to the network thread.
 */
public final class NettyGdpClient implements GdpClient {
  private static final Logger logger = LoggerFactory.getLogger(NettyGdpClient.class);

  final ClientConfig config;
  private final MultiThreadIoEventLoopGroup group;
  final EventLoop loop;
  private final Semaphore permits;
  private final String logPrefix;
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

  // --- confined to the network thread ---
  private final Map<Integer, Request> pending = new LinkedHashMap<>();
  private final Set<LogHandle> handles = new LinkedHashSet<>();
  private final RouteRecovery routes = new RouteRecovery(this);
  /**
   * Requests waiting to be re-sent after a reconnect. They go out a few at a time, one more per
   * answer, so that a connection that keeps failing still lets some of them through.
   */
  private final java.util.ArrayDeque<Request> resendQueue = new java.util.ArrayDeque<>();
  private static final int RECONNECT_WINDOW = 16;
  /** When each destination last answered anything (System.nanoTime()). */
  private final Map<GdpName, Long> lastHeard = new java.util.HashMap<>();
  private Channel channel;
  private io.netty.util.concurrent.ScheduledFuture<?> readvertise;
  private boolean connecting;
  private int attempt;
  private int lastRid;

  private volatile boolean connected;
  private volatile boolean closed;

  public NettyGdpClient(ClientConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    String id = config.clientName().printable().substring(0, 8);
    this.logPrefix = "[gdp-client#" + id + " " + config.router() + "]";
    ThreadFactory threads = r -> new IoThread(r, "gdp-client-" + id);
    IoHandlerFactory io = config.router() instanceof LocalAddress ? LocalIoHandler.newFactory()
        : NioIoHandler.newFactory();
    this.group = new MultiThreadIoEventLoopGroup(1, threads, io);
    this.loop = group.next();
    this.permits = new Semaphore(config.maxInFlight());
    execute(this::connect);
  }

  // ------------------------------------------------------------------ public API

  @Override
  public GdpName clientName() {
    return config.clientName();
  }

  @Override
  public boolean isConnected() {
    return connected;
  }

  @Override
  public CompletableFuture<LogInfo> createLogAsync(LogSpec spec) {
    Objects.requireNonNull(spec, "spec");
    LogMetadata md = spec.toMetadata(config.clock(), config.random());
    CreateRequest r = new CreateRequest(this, config.creationService(), md);
    return submitExternal(r, r.result, v -> new LogInfo(r.logName, md));
  }

  @Override
  public CompletableFuture<LogReader> openReaderAsync(GdpName log, boolean verify) {
    Objects.requireNonNull(log, "log");
    OpenRequest r = new OpenRequest(this, log, MsgCode.CMD_OPEN_RO);
    return submitExternal(r, r.result, o -> register(new LogHandle(this, log, o.metadata(), o.recno(), verify, null)));
  }

  @Override
  public CompletableFuture<LogWriter> openWriterAsync(GdpName log, Ed25519Keys writerKey) {
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(writerKey, "writerKey");
    OpenRequest r = new OpenRequest(this, log, MsgCode.CMD_OPEN_AO);
    return submitExternal(r, r.result, o -> {
      checkWriterKey(log, o.metadata(), writerKey);
      return register(new LogHandle(this, log, o.metadata(), o.recno(), true, writerKey));
    });
  }

  private static void checkWriterKey(GdpName log, LogMetadata md, Ed25519Keys keys) {
    KeyEntry key;
    try {
      key = md.writerKey().orElse(null);
    } catch (IllegalArgumentException e) {
      throw GdpStatus.of(GdpStatus.Code.FORBIDDEN, "log " + log + " has a malformed writer key entry").asException();
    }
    if (key == null) {
      return; // an unsigned log: the signature is harmless
    }
    boolean match;
    try {
      match = key.keyType() == KeyEntry.KEY_ED25519 && java.util.Arrays.equals(key.ed25519RawKey(), keys.publicKey());
    } catch (IllegalArgumentException e) {
      match = false;
    }
    if (!match) {
      throw GdpStatus.of(GdpStatus.Code.FORBIDDEN, "log " + log + " names another writer key; this key cannot write it")
          .asException();
    }
  }

  private LogHandle register(LogHandle h) {
    execute(() -> {
      if (closed) {
        h.onClientClosed();
      } else {
        handles.add(h);
      }
    });
    return h;
  }

  @Override
  public CompletableFuture<Void> closeAsync() {
    synchronized (closeFuture) {
      if (closed) {
        return closeFuture.thenApply(v -> v);
      }
      closed = true;
    }
    permits.release(Integer.MAX_VALUE / 2); // wake callers waiting for a slot; they see `closed`
    Runnable shutdown = () -> {
      GdpStatus st = GdpStatus.of(GdpStatus.Code.CLOSED, "client closed");
      for (Request r : new ArrayList<>(pending.values())) {
        fail(r, st);
      }
      for (LogHandle h : new ArrayList<>(handles)) {
        h.onClientClosed();
      }
      handles.clear();
      Channel ch = channel;
      channel = null;
      connected = false;
      Runnable stop = () -> group.shutdownGracefully(20, 2000, TimeUnit.MILLISECONDS).addListener(f ->
          Futures.run(config.callbackExecutor(), () -> closeFuture.complete(null)));
      if (ch != null) {
        // let the peer's half of an in-process channel finish closing on our loop before it stops
        ch.close().addListener(f -> stop.run());
      } else {
        stop.run();
      }
    };
    try {
      loop.execute(shutdown);
    } catch (RejectedExecutionException e) {
      closeFuture.complete(null);
    }
    return closeFuture.thenApply(v -> v);
  }

  // ------------------------------------------------------------------ submission

  /**
   * Takes a slot of the in-flight bound (waiting if needed), hands the request to the network
   * thread and returns a future completed on the callback executor.
   */
  <T, R> CompletableFuture<R> submitExternal(Request r, CompletableFuture<T> result, java.util.function.Function<T, R> fn) {
    try {
      r.permit = acquirePermit();
    } catch (GdpException e) {
      return CompletableFuture.failedFuture(e);
    }
    executeOrFail(r, () -> submit(r));
    return Futures.relay(result, config.callbackExecutor(), fn);
  }

  /**
   * Takes one slot of the in-flight bound, blocking up to the request timeout. Returns false if
   * the call goes ahead without a slot (made on the network thread itself, which must not block).
   */
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

  void releasePermit() {
    permits.release();
  }

  /** Runs a task on the network thread. */
  void execute(Runnable task) {
    loop.execute(task);
  }

  /** Runs a task on the network thread, failing the request with CLOSED if the thread is gone. */
  void executeOrFail(Request r, Runnable task) {
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      if (r.permit) {
        r.permit = false;
        permits.release();
      }
      r.finished = true;
      r.onFailure(GdpStatus.of(GdpStatus.Code.CLOSED, "client closed"));
    }
  }

  /** Enters a request into the table and sends it if connected. Network thread only. */
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
    if (routes.isWaiting(r.dst) && r.waitsForRoute()) {
      routes.hold(r); // its log server is restarting: goes out once the log is re-opened
      return;
    }
    if (connected && !r.parked) {
      if (!resendQueue.isEmpty()) {
        resendQueue.add(r); // keep call order behind the requests still to be re-sent
        return;
      }
      write(r);
      channel.flush();
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

  /** Starts the request timeout of a request (once). */
  void armDeadline(Request r) {
    if (r.hasDeadline() && r.deadlineTimer == null && !r.finished) {
      r.deadlineTimer = loop.schedule(() -> {
        if (r.finished) {
          return;
        }
        if (r.routeLost) {
          fail(r, GdpStatus.fromNak(MsgCode.NAK_R_NOROUTE, "no route to " + r.dst + " for "
              + config.requestTimeout() + ": its log server did not come back"));
        } else {
          fail(r, r.sends == 0
              ? GdpStatus.of(GdpStatus.Code.UNAVAILABLE, "no usable connection to the router " + config.router()
                  + " within " + config.requestTimeout())
              : GdpStatus.of(GdpStatus.Code.DEADLINE_EXCEEDED, "no answer from " + r.dst + " within "
                  + config.requestTimeout()));
        }
      }, config.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  void cancelDeadline(Request r) {
    if (r.deadlineTimer != null) {
      r.deadlineTimer.cancel(false);
      r.deadlineTimer = null;
    }
  }

  /** Writes a request (without flushing) if connected, and arms its resend timer. */
  void write(Request r) {
    if (!connected || channel == null || r.finished || closed || r.routeLost) {
      return;
    }
    r.sends++;
    r.lastSentNanos = System.nanoTime();
    channel.write(new GdpEnvelope(r.dst, config.clientName(), r.message(r.rid)), channel.voidPromise());
    if (r.resendTimer != null) {
      r.resendTimer.cancel(false);
      r.resendTimer = null;
    }
    armResend(r);
  }

  /**
   * (Re)starts the resend timer: an idempotent request goes out again if nothing arrived for it in
   * time and its destination has been silent for a resend interval too. A server that is busy
   * answering the requests queued before this one is left alone, instead of being flooded with
   * copies; a lost request is re-sent once the destination falls quiet.
   */
  private void armResend(Request r) {
    armResend(r, resendDelayNanos(r));
  }

  private void armResend(Request r, long delayNanos) {
    if (r.resendTimer != null) {
      r.resendTimer.cancel(false);
      r.resendTimer = null;
    }
    if (r.resendable()) {
      r.resendTimer = loop.schedule(() -> {
        r.resendTimer = null;
        if (r.finished || r.parked || r.routeLost || !connected || pending.get(r.rid) != r) {
          return;
        }
        long interval = config.resendInterval().toNanos();
        Long heard = lastHeard.get(r.dst);
        long quiet = heard == null ? Long.MAX_VALUE : System.nanoTime() - heard;
        if (quiet < interval) {
          armResend(r, interval - quiet);
          return;
        }
        logger.debug("{} re-sending {} (attempt {})", logPrefix, r, r.sends + 1);
        r.timeouts++;
        write(r);
        channel.flush();
      }, delayNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** The resend interval, doubled per unanswered resend (up to 8x): a slow server is not flooded with copies. */
  private long resendDelayNanos(Request r) {
    long base = config.resendInterval().toNanos();
    int doublings = Math.min(r.timeouts, 3);
    return Math.min(base << doublings, Math.max(base, config.requestTimeout().toNanos()));
  }

  /** Writes and flushes. */
  void send(Request r) {
    write(r);
    flush();
  }

  void flush() {
    if (channel != null) {
      channel.flush();
    }
  }

  /** Sends a message that expects no tracking (UNSUBSCRIBE, CLOSE); dropped when disconnected. */
  void sendUntracked(GdpName dst, org.gdpstore.wire.proto.GdpMessage msg) {
    if (connected && channel != null) {
      channel.writeAndFlush(new GdpEnvelope(dst, config.clientName(), msg), channel.voidPromise());
    }
  }

  /** Removes a request from the table and releases its timers and slot. Idempotent. */
  void finish(Request r) {
    if (pending.get(r.rid) == r) {
      pending.remove(r.rid);
    }
    if (r.resendTimer != null) {
      r.resendTimer.cancel(false);
      r.resendTimer = null;
    }
    cancelDeadline(r);
    if (r.permit) {
      r.permit = false;
      permits.release();
    }
    r.finished = true;
    if (r.routeLost) {
      routes.forget(r);
    }
  }

  /** Takes a request out of the table (it stops being sent and matched) but keeps its slot and deadline. */
  void detach(Request r) {
    if (pending.get(r.rid) == r) {
      pending.remove(r.rid);
    }
    if (r.resendTimer != null) {
      r.resendTimer.cancel(false);
      r.resendTimer = null;
    }
  }

  /** Fails a request once. */
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
  }

  void unregister(LogHandle h) {
    handles.remove(h);
  }

  boolean hasHandleFor(GdpName log) {
    for (LogHandle h : handles) {
      if (h.name().equals(log)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a writer handle of {@code log} is open (its re-open after a restart is OPEN_AO). */
  boolean opensForWriting(GdpName log) {
    for (LogHandle h : handles) {
      if (h.name().equals(log) && h.canWrite()) {
        return true;
      }
    }
    return false;
  }

  /** The log's server answered a re-open after NO_ROUTE: it restarted and knows the log again. */
  void routeRestored(GdpName log, long serverNrecs) {
    for (LogHandle h : handles) {
      if (h.name().equals(log)) {
        h.observe(serverNrecs);
      }
    }
  }

  boolean isClosed() {
    return closed;
  }

  String logPrefix() {
    return logPrefix;
  }

  // ------------------------------------------------------------------ connection

  private void connect() {
    if (closed || channel != null || connecting) {
      return;
    }
    connecting = true;
    boolean local = config.router() instanceof LocalAddress;
    Bootstrap b = new Bootstrap().group(loop)
        .channel(local ? LocalChannel.class : NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(config.requestTimeout().toMillis(), 10_000))
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
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

  private void scheduleReconnect() {
    if (closed) {
      return;
    }
    attempt++;
    long nanos = config.backoff().delay(attempt).toNanos();
    loop.schedule(this::connect, nanos, TimeUnit.NANOSECONDS);
  }

  private void onActive(Channel ch) {
    if (closed) {
      ch.close();
      return;
    }
    channel = ch;
    connected = true;
    attempt = 0;
    routes.reset();
    logger.info("{} connected as {}", logPrefix, config.clientName());
    // spec 2.1: advertise our own name first, on every (re)connect
    ch.write(Pdu.advertise(config.clientName(), config.clientName()), ch.voidPromise());
    // spec 2.5: harmless, and it helps routers that expire advertisements
    readvertise = loop.scheduleAtFixedRate(() -> {
      if (channel == ch && ch.isActive()) {
        ch.writeAndFlush(Pdu.advertise(config.clientName(), config.clientName()), ch.voidPromise());
      }
    }, READVERTISE_SECONDS, READVERTISE_SECONDS, TimeUnit.SECONDS);
    List<Request> resend = new ArrayList<>(pending.values());
    // re-open logs first, so the server knows them before re-sent appends arrive
    for (LogHandle h : handles) {
      h.onReconnected();
    }
    resendQueue.clear();
    for (Request r : resend) {
      if (!r.finished && !r.parked && pending.get(r.rid) == r) {
        resendQueue.add(r);
      }
    }
    pumpResends(RECONNECT_WINDOW);
    ch.flush();
  }

  /** Sends up to {@code n} of the requests waiting since the reconnect. */
  private void pumpResends(int n) {
    for (int i = 0; i < n && !resendQueue.isEmpty() && connected; ) {
      Request r = resendQueue.poll();
      if (!r.finished && !r.parked && pending.get(r.rid) == r) {
        write(r);
        i++;
      }
    }
  }

  private void onInactive(Channel ch) {
    if (ch != channel) {
      return;
    }
    channel = null;
    connected = false;
    resendQueue.clear();
    routes.reset();
    if (readvertise != null) {
      readvertise.cancel(false);
      readvertise = null;
    }
    if (closed) {
      return;
    }
    logger.info("{} connection lost; {} requests pending", logPrefix, pending.size());
    for (Request r : pending.values()) {
      if (r.resendTimer != null) {
        r.resendTimer.cancel(false);
        r.resendTimer = null;
      }
    }
    scheduleReconnect();
  }

  private void onEnvelope(GdpEnvelope env) {
    int cmd = env.cmd();
    if (!MsgCode.isResponse(cmd)) {
      logger.debug("{} ignoring command {} from {}", logPrefix, MsgCode.name(cmd), env.src());
      return;
    }
    if (lastHeard.size() > 10_000 && !lastHeard.containsKey(env.src())) {
      lastHeard.clear(); // a client that touched very many logs: forgetting costs at most a re-send
    }
    lastHeard.put(env.src(), System.nanoTime());
    Request r = pending.get(env.rid());
    if (r == null && env.rid() == 0) {
      // spec 3.4: accept responses without a rid; match the oldest request to that name
      for (Request p : pending.values()) {
        if (p.acceptsFrom(env.src()) && !(p instanceof SubscriptionImpl)) {
          r = p;
          break;
        }
      }
    }
    if (!resendQueue.isEmpty()) {
      pumpResends(1);
      flush();
    }
    if (r == null || !r.acceptsFrom(env.src())) {
      // late answers, duplicates, data of cancelled subscriptions (spec 3.5.8): discard
      logger.debug("{} discarding {} (no matching request)", logPrefix, env);
      return;
    }
    if (r.resendTimer != null) {
      armResend(r); // progress (e.g. one result of many): wait a full interval again before re-sending
    }
    try {
      r.onResponse(env);
    } catch (GdpException e) {
      fail(r, e.status());
    } catch (RuntimeException e) {
      logger.warn("{} handling {} for {} failed", logPrefix, env, r, e);
      fail(r, GdpStatus.of(GdpStatus.Code.PROTOCOL_ERROR, "bad response " + MsgCode.name(cmd) + ": " + e, e));
    }
  }

  private void onNoRoute(GdpName unroutable) {
    logger.debug("{} no route to {}", logPrefix, unroutable);
    for (Request r : new ArrayList<>(pending.values())) {
      if (!r.finished && r.dst.equals(unroutable)) {
        if (r.waitsForRoute()) {
          routes.hold(r);
        } else {
          r.onNoRoute();
        }
      }
    }
  }

  /** The connection's last handler: dispatches to the client on the network thread. */
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
          onEnvelope(env);
        } else if (msg instanceof Pdu pdu && pdu.type() == PduType.NAK_NOROUTE) {
          onNoRoute(pdu.src());
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

  @Override
  public String toString() {
    return "NettyGdpClient" + logPrefix;
  }

  static final int MAX_PAYLOAD = PduHeader.MAX_PAYLOAD_LENGTH;
  private static final long READVERTISE_SECONDS = 120;
}
