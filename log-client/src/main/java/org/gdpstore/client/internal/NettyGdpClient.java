package org.gdpstore.client.internal;

import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.gdpstore.wire.Transports;
import org.gdpstore.client.AppendMode;
import org.gdpstore.client.GdpClient;
import org.gdpstore.client.GdpException;
import org.gdpstore.client.GdpStatus;
import org.gdpstore.client.LogInfo;
import org.gdpstore.client.LogReader;
import org.gdpstore.client.LogSpec;
import org.gdpstore.client.ServerMode;
import org.gdpstore.client.LogWriter;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.WriterPolicy;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.PduHeader;
import org.gdpstore.wire.proto.GdpMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty implementation of {@link GdpClient}: wires one {@link Connection}, its
 * {@link RequestTable} and {@link RouteRecovery} to the open log handles, all confined to a single
 * network thread. Public methods may be called from any thread; they hand work to that thread.
 * Handles see the client only as {@link Outbound}.
 */
final class NettyGdpClient implements GdpClient, Outbound, Connection.Listener {
  private static final Logger logger = LoggerFactory.getLogger(NettyGdpClient.class);
  static final int MAX_PAYLOAD = PduHeader.MAX_PAYLOAD_LENGTH;

  private final ClientConfig config;
  private final MultiThreadIoEventLoopGroup group;
  private final EventLoop loop;
  private final Scheduler scheduler;
  private final String logPrefix;
  private final Connection connection;
  private final RequestTable table;
  private final RouteRecovery routes;
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
  // --- confined to the network thread ---
  private final Set<ReaderHandle> handles = new LinkedHashSet<>();
  private volatile boolean closed;

  NettyGdpClient(ClientConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    String id = config.clientName().printable().substring(0, 8);
    this.logPrefix = "[gdp-client#" + id + " " + config.router() + "]";
    ThreadFactory threads = r -> new IoThread(r, "gdp-client-" + id);
    IoHandlerFactory io = Transports.ioHandlerFactory(config.router());
    this.group = new MultiThreadIoEventLoopGroup(1, threads, io);
    this.loop = group.next();
    this.scheduler = Scheduler.of(loop);
    this.connection = new Connection(config, loop, logPrefix, this);
    this.table = new RequestTable(config, scheduler, connection, logPrefix);
    this.routes = new RouteRecovery(this, this::opensForWriting, this::routeRestored);
    table.routes(routes);
    execute(connection::connect);
  }

  // ------------------------------------------------------------------ public API

  @Override
  public GdpName clientName() {
    return config.clientName();
  }

  @Override
  public boolean isConnected() {
    return connection.isConnected();
  }

  @Override
  public CompletableFuture<LogInfo> createLogAsync(LogSpec spec) {
    Objects.requireNonNull(spec, "spec");
    if (spec.chained() && config.serverMode() == ServerMode.REFERENCE) {
      spec = spec.unchained(); // gdplogd does not keep prevhash: every record stays signed
    }
    LogMetadata md = spec.toMetadata(config.clock(), config.random());
    CreateRequest r = new CreateRequest(this, config.creationService(), md);
    return submitExternal(r, r.result, v -> new LogInfo(r.logName, md));
  }

  @Override
  public CompletableFuture<Void> deleteLogAsync(GdpName log) {
    Objects.requireNonNull(log, "log");
    DeleteRequest r = new DeleteRequest(this, log);
    return submitExternal(r, r.result, v -> v);
  }

  @Override
  public CompletableFuture<LogReader> openReaderAsync(GdpName log, boolean verify) {
    Objects.requireNonNull(log, "log");
    OpenRequest r = new OpenRequest(this, log, MsgCode.CMD_OPEN_RO);
    return submitExternal(r, r.result, o -> register(new ReaderHandle(this, log, o.metadata(), o.recno(), verify)));
  }

  @Override
  public CompletableFuture<LogWriter> openWriterAsync(GdpName log, Ed25519Keys writerKey, AppendMode mode) {
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(writerKey, "writerKey");
    Objects.requireNonNull(mode, "mode");
    OpenRequest r = new OpenRequest(this, log, MsgCode.CMD_OPEN_AO);
    return submitExternal(r, r.result, o -> {
      checkWriterKey(log, o.metadata(), writerKey);
      return register(new WriterHandle(this, log, o.metadata(), o.recno(), writerKey, mode));
    });
  }

  private static void checkWriterKey(GdpName log, LogMetadata md, Ed25519Keys keys) {
    boolean match;
    try {
      match = WriterPolicy.isWriter(md, keys.publicKey()); // an unsigned log: any key (the signature is harmless)
    } catch (IllegalArgumentException e) {
      throw GdpStatus.of(GdpStatus.Code.FORBIDDEN, "log " + log + " has a malformed writer key entry").asException();
    }
    if (!match) {
      throw GdpStatus.of(GdpStatus.Code.FORBIDDEN, "log " + log + " names another writer key; this key cannot write it")
          .asException();
    }
  }

  private <H extends ReaderHandle> H register(H h) {
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
    table.close(); // wakes callers waiting for a slot
    Runnable shutdown = () -> {
      table.failAll(GdpStatus.of(GdpStatus.Code.CLOSED, "client closed"));
      for (ReaderHandle h : new ArrayList<>(handles)) {
        h.onClientClosed();
      }
      handles.clear();
      Runnable stop = () -> group.shutdownGracefully(20, 2000, TimeUnit.MILLISECONDS).addListener(f ->
          Futures.run(config.callbackExecutor(), () -> closeFuture.complete(null)));
      Future<Void> closing = connection.close();
      if (closing != null) {
        // let the peer's half of an in-process channel finish closing on our loop before it stops
        closing.addListener(f -> stop.run());
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

  // ------------------------------------------------------------------ Outbound

  @Override
  public ClientConfig config() {
    return config;
  }

  @Override
  public Scheduler scheduler() {
    return scheduler;
  }

  @Override
  public String logPrefix() {
    return logPrefix;
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public void execute(Runnable task) {
    loop.execute(task);
  }

  @Override
  public void executeOrFail(Request r, Runnable task) {
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      table.releasePermit(r);
      r.finished = true;
      r.onFailure(GdpStatus.of(GdpStatus.Code.CLOSED, "client closed"));
    }
  }

  @Override
  public boolean acquirePermit() {
    return table.acquirePermit();
  }

  @Override
  public <T, R> CompletableFuture<R> submitExternal(Request r, CompletableFuture<T> result, Function<T, R> fn) {
    try {
      r.permit = acquirePermit();
    } catch (GdpException e) {
      return CompletableFuture.failedFuture(e);
    }
    executeOrFail(r, () -> submit(r));
    return Futures.relay(result, config.callbackExecutor(), fn);
  }

  @Override
  public void submit(Request r) {
    table.submit(r);
  }

  @Override
  public void write(Request r) {
    table.write(r);
  }

  @Override
  public void flush() {
    table.flush();
  }

  @Override
  public void sendUntracked(GdpName dst, GdpMessage msg) {
    if (connection.isConnected()) {
      connection.write(new GdpEnvelope(dst, config.clientName(), msg));
      connection.flush();
    }
  }

  @Override
  public int untrackedRid() {
    return table.untrackedRid();
  }

  @Override
  public void armDeadline(Request r) {
    table.armDeadline(r);
  }

  @Override
  public void cancelDeadline(Request r) {
    table.cancelDeadline(r);
  }

  @Override
  public void finish(Request r) {
    table.finish(r);
  }

  @Override
  public void detach(Request r) {
    table.detach(r);
  }

  @Override
  public void fail(Request r, GdpStatus status) {
    table.fail(r, status);
  }

  @Override
  public boolean isOpen(GdpName log) {
    for (ReaderHandle h : handles) {
      if (h.name().equals(log)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean unregister(ReaderHandle h) {
    handles.remove(h);
    return !isOpen(h.name());
  }

  /** Whether a writer handle of {@code log} is open (its re-open after a restart is OPEN_AO). */
  private boolean opensForWriting(GdpName log) {
    for (ReaderHandle h : handles) {
      if (h.name().equals(log) && h instanceof WriterHandle) {
        return true;
      }
    }
    return false;
  }

  /** The log's server answered a re-open after NO_ROUTE: it restarted and knows the log again. */
  private void routeRestored(GdpName log, long serverNrecs) {
    for (ReaderHandle h : handles) {
      if (h.name().equals(log)) {
        h.observe(serverNrecs);
      }
    }
  }

  // ------------------------------------------------------------------ Connection.Listener

  @Override
  public void onConnected() {
    routes.reset();
    List<Request> resend = table.requests();
    // re-open logs first, so the server knows them before re-sent appends arrive
    for (ReaderHandle h : handles) {
      h.onReconnected();
    }
    table.onConnected(resend);
  }

  @Override
  public void onDisconnected() {
    routes.reset();
    logger.info("{} connection lost; {} requests pending", logPrefix, table.size());
    table.onDisconnected();
  }

  @Override
  public void onResponse(GdpEnvelope env) {
    table.onResponse(env);
  }

  @Override
  public void onNoRoute(GdpName name) {
    table.onNoRoute(name);
  }

  @Override
  public String toString() {
    return "NettyGdpClient" + logPrefix;
  }
}
