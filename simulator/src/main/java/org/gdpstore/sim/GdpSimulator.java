package org.gdpstore.sim;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.gdpstore.sim.internal.AcceptGuard;
import org.gdpstore.sim.internal.DataDirLock;
import org.gdpstore.sim.internal.LogServer;
import org.gdpstore.sim.internal.LogServerLink;
import org.gdpstore.sim.internal.MessageBatches;
import org.gdpstore.sim.internal.SimRouter;
import org.gdpstore.sim.internal.StorageFaults;
import org.gdpstore.wire.GdpMessageCodec;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.GdpPipeline;
import org.gdpstore.wire.PduHeader;
import org.gdpstore.wire.Transports;
import org.gdpstore.wire.WireLimits;

/**
 * A GDP router plus a simulated log server (gdplogd), reachable in-process through a Netty
 * {@link LocalAddress} and/or over loopback TCP. The log server is attached to the router like
 * any other principal: it advertises its own name, the creation-service alias and every log, and
 * all its traffic crosses the router.
 *
 * <pre>{@code
 * try (GdpSimulator sim = GdpSimulator.builder().inProcess().loopbackTcp(0).start()) {
 *   LocalAddress local = sim.inProcessAddress();   // connect a LocalChannel here
 *   InetSocketAddress tcp = sim.tcpAddress();      // or a TCP socket here
 *   GdpName server = sim.serverName();             // send CREATE here
 * }
 * }</pre>
 *
 * <p>In-process clients must use an event loop that can drive {@link LocalChannel}, e.g.
 * {@code new MultiThreadIoEventLoopGroup(LocalIoHandler.newFactory())}.
 *
 * <p>Thread-safe. {@link #close()} is idempotent and releases threads, sockets and files.
 */
public final class GdpSimulator implements AutoCloseable {
  /** Human name of the log server unless one is given. */
  public static final String DEFAULT_SERVER_NAME = "gdpstore.sim.gdplogd";
  /** The reference's default creation-service name (spec 4.2); CREATE sent there is accepted too. */
  public static final String CREATION_SERVICE_NAME = "edu.berkeley.eecs.gdp.service.creation";

  /** The reference's {@code swarm.gdp.subscr.timeout} (spec 3.5.7). */
  public static final Duration DEFAULT_SUBSCRIPTION_TIMEOUT = Duration.ofSeconds(180);

  /** Default of {@link Builder#maxAnswersPerClient(int)} (gdpstore's client has at most 256 requests out). */
  public static final int DEFAULT_MAX_ANSWERS_PER_CLIENT = 1024;

  /** Default of {@link Builder#maxRequestsInFlightPerConnection(int)}. */
  public static final int DEFAULT_MAX_REQUESTS_IN_FLIGHT = 1024;

  /** Default of {@link Builder#maxAdvertisementsPerConnection(int)}. */
  public static final int DEFAULT_MAX_ADVERTISEMENTS = 10_000;

  private static final long QUIET_PERIOD_MS = 20;

  private final Builder config;
  /** Durable mode: this simulator's exclusive hold on the data directory. */
  private final DataDirLock dataDirLock;
  private final GdpName serverName;
  private final GdpName creationAlias;
  private final LocalAddress routerAddress;
  private final LocalAddress logServerAddress;
  private final EventLoopGroup localGroup;
  private final EventLoopGroup tcpGroup;
  private final EventLoopGroup logServerGroup;
  private final SimRouter router;
  private final FaultInjector faults;
  private final StorageFaults storageFaults = new StorageFaults();
  private final Channel localServer;
  private final Channel tcpServer;
  private final Object lifecycle = new Object();
  private Channel logServerChannel;
  private LogServer logServer;
  private volatile boolean closed;

  private GdpSimulator(Builder b) throws IOException {
    this.config = b;
    // first, so a second simulator on the directory fails before it touches anything
    this.dataDirLock = b.dataDir != null && !b.routerOnly ? DataDirLock.acquire(b.dataDir, DataDirectoryLockedException::new) : null;
    AcceptGuard.preloadLogging();
    this.serverName = GdpName.parseOrHash(b.serverName);
    this.creationAlias = GdpName.sha256(CREATION_SERVICE_NAME);
    String id = UUID.randomUUID().toString();
    this.routerAddress = new LocalAddress("gdp-sim-" + id);
    this.logServerAddress = new LocalAddress("gdp-sim-logd-" + id);
    this.faults = new FaultInjector(b.faults, this::crashAndRestart);
    this.router = new SimRouter(WireLimits.DEFAULT, faults.hook(), logServerAddress::equals, b.maxAdvertisements,
        b.maxRequestsInFlight);
    this.localGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("gdp-sim-router", true),
        LocalIoHandler.newFactory());
    // in memory the log server shares the router's thread (no hand-off per PDU); in durable mode it
    // gets its own, so an fsync never stalls the router
    this.logServerGroup = b.routerOnly || b.dataDir == null ? null : new MultiThreadIoEventLoopGroup(1,
        new DefaultThreadFactory("gdp-sim-logd", true), LocalIoHandler.newFactory());
    boolean tcp = b.bindAddress != null;
    this.tcpGroup = tcp ? new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("gdp-sim-tcp", true),
        NioIoHandler.newFactory()) : null;
    Channel ls = null;
    Channel ts = null;
    try {
      ls = new ServerBootstrap().group(localGroup).channel(LocalServerChannel.class)
          .childHandler(router.childInitializer()).bind(routerAddress).syncUninterruptibly().channel();
      if (tcp) {
        ts = new ServerBootstrap().group(tcpGroup).channel(NioServerSocketChannel.class)
            .handler(new AcceptGuard()) // EMFILE and other accept errors: pause, log a line, go on
            .childOption(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childHandler(router.childInitializer()).bind(b.bindAddress).syncUninterruptibly().channel();
      }
    } catch (RuntimeException e) {
      if (ls != null) {
        ls.close().syncUninterruptibly();
      }
      shutdownGroups();
      releaseDataDir();
      throw e;
    }
    this.localServer = ls;
    this.tcpServer = ts;
    if (!b.routerOnly) {
      try {
        startLogServer();
      } catch (IOException | RuntimeException e) {
        close();
        throw e;
      }
    }
  }

  /** A builder with defaults: in-process only, in memory, default server name. */
  public static Builder builder() {
    return new Builder();
  }

  /** Where in-process clients connect, or null if {@link Builder#inProcess()} was not asked for. */
  public LocalAddress inProcessAddress() {
    return config.inProcess ? routerAddress : null;
  }

  /** The TCP address actually bound, or null without TCP. */
  public InetSocketAddress tcpAddress() {
    return tcpServer == null ? null : (InetSocketAddress) tcpServer.localAddress();
  }

  /** The log server's GDP name: SHA-256 of its human name (or the name itself if printable). */
  public GdpName serverName() {
    return serverName;
  }

  /** The human name the server name was derived from. */
  public String serverHumanName() {
    return config.serverName;
  }

  /** The creation-service alias the log server also answers CREATE on. */
  public GdpName creationServiceName() {
    return creationAlias;
  }

  /** The data directory, or null in memory mode. */
  public Path dataDir() {
    return config.dataDir;
  }

  /** True if there is no log server. */
  public boolean isRouterOnly() {
    return config.routerOnly;
  }

  /** The live fault rules. */
  public FaultInjector faults() {
    return faults;
  }

  /** Makes the next {@code n} writes to log files fail as on a full disk (each after a short write). */
  public void failNextStorageWrites(int n) {
    storageFaults.failNextWrites(n);
  }

  /**
   * For inspection in tests: every log the log server holds, with its record count (a snapshot).
   * Empty in router-only mode or while the log server is down.
   */
  public java.util.Map<GdpName, Long> logs() {
    Channel ch;
    LogServer ls;
    synchronized (lifecycle) {
      ch = logServerChannel;
      ls = logServer;
    }
    if (ch == null) {
      return java.util.Map.of();
    }
    try {
      return java.util.Collections.unmodifiableMap(ch.eventLoop().submit(ls::snapshot).get(10, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("log server did not answer", e);
    }
  }

  /** Number of names the router currently knows (clients, servers and logs). */
  public int routeCount() {
    return router.routeCount();
  }

  /**
   * Crashes the log server: its connection drops (the router forgets its names), in-memory state
   * and unsynced file handles are discarded. Durable mode only.
   *
   * @throws IllegalStateException in memory mode, in router-only mode, or after close
   */
  public void crashLogServer() {
    synchronized (lifecycle) {
      checkDurable();
      if (logServerChannel == null) {
        return;
      }
      Channel ch = logServerChannel;
      LogServer ls = logServer;
      logServerChannel = null;
      logServer = null;
      Channel routerSide = router.routeOf(serverName);
      ch.eventLoop().submit(ls::crash).syncUninterruptibly();
      ch.close().syncUninterruptibly();
      // the router forgets the server's names in channelInactive on its own thread; return only
      // once it has, so a request sent right after the crash gets NOROUTE instead of vanishing.
      // Two barrier tasks: the first runs after the close task (which queues channelInactive),
      // the second after channelInactive itself.
      if (routerSide != null) {
        routerSide.closeFuture().awaitUninterruptibly(10, java.util.concurrent.TimeUnit.SECONDS);
        routerSide.eventLoop().submit(() -> { }).syncUninterruptibly();
        routerSide.eventLoop().submit(() -> { }).syncUninterruptibly();
      }
    }
  }

  /**
   * Starts a log server that recovers every log from the data directory and advertises them again.
   * Returns when it is connected. A no-op if it is running.
   */
  public void restartLogServer() {
    synchronized (lifecycle) {
      checkDurable();
      if (logServerChannel != null) {
        return;
      }
      try {
        startLogServer();
      } catch (IOException e) {
        throw new UncheckedIOException("log server recovery failed", e);
      }
    }
  }

  private void crashAndRestart() {
    crashLogServer();
    restartLogServer();
  }

  private void checkDurable() {
    if (closed) {
      throw new IllegalStateException("simulator is closed");
    }
    if (config.routerOnly || config.dataDir == null) {
      throw new IllegalStateException("crash and restart need a log server in durable mode (dataDir)");
    }
  }

  private void startLogServer() throws IOException {
    Channel previous = router.routeOf(serverName);
    LogServerLink link = router.logServerLink();
    LogServer ls = new LogServer(serverName, creationAlias, config.dataDir, config.maxRecordBytes, storageFaults,
        this::crashAndRestartAsync, link, config.packContent, config.subscriptionTimeout,
        config.maxAnswersPerClient);
    Channel ch = new Bootstrap().group(logServerGroup != null ? logServerGroup : localGroup).channel(LocalChannel.class)
        // big read batches: more appends share one fsync
        .option(ChannelOption.RECVBUF_ALLOCATOR, new MessageBatches(1024))
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel c) {
            // Pdu objects travel over this LocalChannel (the router's side has no framing codec either)
            Transports.guardNestedFlushes(c.pipeline());
            c.pipeline().addLast("gdp-link-meter", link.meter());
            c.pipeline().addLast(GdpPipeline.MESSAGE_CODEC, GdpMessageCodec.INSTANCE);
            c.pipeline().addLast("gdp-logd", ls);
          }
        })
        .localAddress(logServerAddress)
        .connect(routerAddress).syncUninterruptibly().channel();
    // wait until the router has processed the advertisements, so callers can route at once
    CompletableFuture<Void> ready = new CompletableFuture<>();
    awaitRoute(ready, previous, 0);
    try {
      ready.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting the log server", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("log server did not register with the router", e);
    }
    logServerChannel = ch;
    logServer = ls;
  }

  private void awaitRoute(CompletableFuture<Void> ready, Channel previous, int attempt) {
    Channel now = router.routeOf(serverName);
    if (now != null && now != previous && now.isActive()) {
      ready.complete(null);
    } else if (attempt > 10_000) {
      ready.completeExceptionally(new TimeoutException("no route to " + serverName));
    } else {
      localGroup.next().schedule(() -> awaitRoute(ready, previous, attempt + 1), 1, TimeUnit.MILLISECONDS);
    }
  }

  private void crashAndRestartAsync() {
    Thread t = new Thread(this::crashAndRestart, "gdp-sim-restart");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() {
    if (closeServing()) {
      shutdownGroups().forEach(Future::syncUninterruptibly);
      releaseDataDir();
    }
  }

  /**
   * Closes for a process that exits right after: returns once nothing stored can be lost or left
   * unclean (every connection closed, the log server's files synced and indexed and closed, the
   * data directory released), without waiting the event loops' quiet period (Netty sleeps 100 ms
   * in it) for the threads to stop; they stop by themselves shortly after. A command-line tool
   * saves that wait on every command. Idempotent, like {@link #close()}.
   */
  public void closeForExit() {
    if (closeServing()) {
      shutdownGroups();
      releaseDataDir();
    }
  }

  /** Closes every channel and waits until the log server has closed its files; false if already closed. */
  private boolean closeServing() {
    synchronized (lifecycle) {
      if (closed) {
        return false;
      }
      closed = true;
      if (logServerChannel != null) {
        Channel ch = logServerChannel;
        ch.close().syncUninterruptibly();
        awaitTasksQueuedBefore(ch.eventLoop()); // its channelInactive: the clean-shutdown index, the files closed
        logServerChannel = null;
        logServer = null;
      }
      if (tcpServer != null) {
        tcpServer.close().syncUninterruptibly();
      }
      if (localServer != null) {
        localServer.close().syncUninterruptibly();
      }
      router.closeAll();
      return true;
    }
  }

  /**
   * Waits until {@code loop} has run the tasks it queued so far. A closed channel's
   * channelInactive runs in a task that its close queues after completing the close future, so a
   * waiter takes two turns: the first runs after the close, the second after what the close queued.
   */
  private static void awaitTasksQueuedBefore(EventLoop loop) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      loop.execute(() -> loop.execute(() -> done.complete(null)));
      done.get(10, TimeUnit.SECONDS);
    } catch (RejectedExecutionException | ExecutionException | TimeoutException e) {
      // the loop is gone or stuck: close() still waits for the groups to stop
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void releaseDataDir() {
    if (dataDirLock != null) {
      try {
        dataDirLock.close();
      } catch (IOException e) {
        // the OS drops the lock when the process ends anyway
      }
    }
  }

  /** Starts stopping the event loops, all together; returns their termination futures. */
  private List<Future<?>> shutdownGroups() {
    // A closing in-process (LocalChannel) peer posts its last task to our event loop; the quiet
    // period keeps the loops taking tasks a little while, so that task is not rejected (Netty would
    // log "Releasing Inbound Queues ... because exception occurred!").
    List<Future<?>> stopping = new ArrayList<>();
    for (EventLoopGroup g : new EventLoopGroup[] {logServerGroup, tcpGroup, localGroup}) {
      if (g != null) {
        stopping.add(g.shutdownGracefully(QUIET_PERIOD_MS, 2000, TimeUnit.MILLISECONDS));
      }
    }
    return stopping;
  }

  @Override
  public String toString() {
    return "GdpSimulator[server=" + config.serverName + " (" + serverName + "), tcp=" + tcpAddress()
        + ", local=" + inProcessAddress() + ", data=" + config.dataDir + (config.routerOnly ? ", router only" : "") + "]";
  }

  /** Configuration of a simulator. Not thread-safe; {@link #start()} may be called more than once. */
  public static final class Builder {
    private boolean inProcess;
    private InetSocketAddress bindAddress;
    private String serverName = DEFAULT_SERVER_NAME;
    private Path dataDir;
    private FaultPlan faults = FaultPlan.none();
    private boolean routerOnly;
    private int maxRecordBytes = PduHeader.MAX_PAYLOAD_LENGTH;
    private boolean packContent;
    private Duration subscriptionTimeout = DEFAULT_SUBSCRIPTION_TIMEOUT;
    private int maxAnswersPerClient = DEFAULT_MAX_ANSWERS_PER_CLIENT;
    private int maxAdvertisements = DEFAULT_MAX_ADVERTISEMENTS;
    private int maxRequestsInFlight = DEFAULT_MAX_REQUESTS_IN_FLIGHT;

    private Builder() {}

    private Builder copy() {
      Builder b = new Builder();
      b.inProcess = inProcess;
      b.bindAddress = bindAddress;
      b.serverName = serverName;
      b.dataDir = dataDir;
      b.faults = faults;
      b.routerOnly = routerOnly;
      b.maxRecordBytes = maxRecordBytes;
      b.packContent = packContent;
      b.subscriptionTimeout = subscriptionTimeout;
      b.maxAnswersPerClient = maxAnswersPerClient;
      b.maxAdvertisements = maxAdvertisements;
      b.maxRequestsInFlight = maxRequestsInFlight;
      return b;
    }

    /** Accept in-process clients on a unique {@link LocalAddress}. */
    public Builder inProcess() {
      this.inProcess = true;
      return this;
    }

    /** Listen on 127.0.0.1:{@code port} (0 = an ephemeral port, see {@link GdpSimulator#tcpAddress()}). */
    public Builder loopbackTcp(int port) {
      return bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    /** Listen on this TCP address. */
    public Builder bindAddress(InetSocketAddress address) {
      this.bindAddress = Objects.requireNonNull(address, "address");
      return this;
    }

    /** The log server's human name (its GDP name is the SHA-256 of it) or a printable GDP name. */
    public Builder serverName(String name) {
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException("server name must not be empty");
      }
      this.serverName = name;
      return this;
    }

    /** Keep logs durably in this directory (created if missing); existing logs are recovered. */
    public Builder dataDir(Path dir) {
      this.dataDir = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /** Fault rules to start with. */
    public Builder faults(FaultPlan plan) {
      this.faults = Objects.requireNonNull(plan, "plan");
      return this;
    }

    /** Run only the router (for reference gdplogd servers and clients). */
    public Builder routerOnly() {
      this.routerOnly = true;
      return this;
    }

    /** Largest record data accepted by APPEND; larger records get NAK 205. */
    public Builder maxRecordBytes(int max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxRecordBytes must be >= 0");
      }
      this.maxRecordBytes = max;
      return this;
    }

    /**
     * Answer range reads and subscription replays with as many records per ACK_CONTENT as fit one
     * PDU, instead of one record per ACK_CONTENT as the reference gdplogd does. Much faster for
     * clients that read every datum of a list (gdpstore's log-client does); the reference client
     * expects one record per ACK_CONTENT, so this is off by default.
     */
    public Builder packContent(boolean pack) {
      this.packContent = pack;
      return this;
    }

    /**
     * How long a subscription lives after its last SUBSCRIBE (a refresh re-sends it); deliveries do
     * not extend it. When it runs out the subscription ends silently, as the reference gdplogd's does
     * after {@code swarm.gdp.subscr.timeout} (spec 3.5.7: 180 s by default, so clients refresh every
     * 60 s). {@link Duration#ZERO} keeps subscriptions until they are cancelled or their client goes.
     */
    public Builder subscriptionTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("subscriptionTimeout must be >= 0, got " + timeout);
      }
      this.subscriptionTimeout = timeout;
      return this;
    }

    /**
     * Multi-record answers (range reads and subscription replays) one client may have in progress
     * at the log server; more are refused with NAK 227 (service unavailable) until it reads them.
     */
    public Builder maxAnswersPerClient(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxAnswersPerClient must be >= 1, got " + max);
      }
      this.maxAnswersPerClient = max;
      return this;
    }

    /**
     * Names one client connection may advertise (held or waited for, see docs/simulator.md); the
     * router closes a connection that advertises more. The log server's own link is not limited.
     */
    public Builder maxAdvertisementsPerConnection(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxAdvertisementsPerConnection must be >= 1, got " + max);
      }
      this.maxAdvertisements = max;
      return this;
    }

    /**
     * Unanswered commands one client connection may have; at this many the router stops reading
     * from it until half of them are answered (see docs/simulator.md for how answers are counted).
     */
    public Builder maxRequestsInFlightPerConnection(int max) {
      if (max < 2) {
        throw new IllegalArgumentException("maxRequestsInFlightPerConnection must be >= 2, got " + max);
      }
      this.maxRequestsInFlight = max;
      return this;
    }

    /**
     * Starts the simulator. Without {@link #inProcess()} and without a TCP address it listens
     * in-process.
     *
     * @throws UncheckedIOException if the data directory cannot be read
     * @throws DataDirectoryLockedException if another simulator (in any process) holds the data directory
     */
    public GdpSimulator start() {
      if (!inProcess && bindAddress == null) {
        inProcess = true;
      }
      try {
        return new GdpSimulator(copy());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
