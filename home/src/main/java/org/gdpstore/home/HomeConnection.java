package org.gdpstore.home;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.gdpstore.client.GdpClient;
import org.gdpstore.client.ServerMode;
import org.gdpstore.home.HomeException.Reason;
import org.gdpstore.home.internal.EmbeddedStore;
import org.gdpstore.wire.GdpName;

/**
 * The GDP client a home selects: a client of a router over TCP when one is given, else of the
 * home's embedded durable store ({@code sim/}, run in this process). The embedded store belongs
 * to one process at a time ({@code sim.lock}); in this JVM the connections to it share one
 * simulator, closed with the last of them. Closing releases what was opened.
 */
public final class HomeConnection implements AutoCloseable {
  /** Request timeout against the embedded (in-process) store. */
  static final java.time.Duration EMBEDDED_REQUEST_TIMEOUT = java.time.Duration.ofSeconds(30);

  private static final int CONNECT_TIMEOUT_MS = 3000;

  /**
   * How to connect.
   *
   * @param router {@code HOST:PORT} of a router, or null for the embedded store
   * @param serverName where new logs are created (printable or human name); null: the embedded
   *     store's log server, or the client's default creation service with a router
   * @param reference the servers are the reference gdplogd (needs a router)
   * @param storeWait how long to wait for another process to release the embedded store
   * @param threadName prefix of the client's callback threads
   */
  public record Options(String router, String serverName, boolean reference, Duration storeWait, String threadName) {
    public Options {
      if (reference && router == null) {
        throw new IllegalArgumentException("reference servers need a router: the embedded simulator is not the reference gdplogd");
      }
      storeWait = storeWait == null ? Duration.ZERO : storeWait;
      threadName = threadName == null ? "gdp-callback" : threadName;
    }
  }

  private final GdpClient client;
  private final ExecutorService callbacks;
  private final EmbeddedStore embedded;

  private HomeConnection(GdpClient client, ExecutorService callbacks, EmbeddedStore embedded) {
    this.client = client;
    this.callbacks = callbacks;
    this.embedded = embedded;
  }

  /**
   * Connects as {@code options} say.
   *
   * @throws IllegalArgumentException if the router is not {@code HOST:PORT}
   * @throws HomeException {@link Reason#UNREACHABLE} (router), {@link Reason#BUSY} (embedded store
   *     in use by another process, or served by a simulator), {@link Reason#FAILED} (it cannot be opened)
   */
  public static HomeConnection open(GdpHome home, Options options) throws HomeException {
    GdpName creation = options.serverName() == null ? null : GdpName.parseOrHash(options.serverName());
    if (options.router() != null) {
      InetSocketAddress addr = reachable(options.router());
      ExecutorService cb = newCallbackExecutor(options.threadName());
      GdpClient c = GdpClient.builder().router(addr).callbackExecutor(cb)
          .serverMode(options.reference() ? ServerMode.REFERENCE : ServerMode.GDPSTORE)
          .creationService(creation != null ? creation : GdpClient.DEFAULT_CREATION_SERVICE).build();
      return new HomeConnection(c, cb, null);
    }
    EmbeddedStore e = EmbeddedStore.acquire(home, options.storeWait());
    try {
      ExecutorService cb = newCallbackExecutor(options.threadName());
      // an in-process log server cannot be unreachable, only slow (an fsync behind a busy disk):
      // give it longer than a remote one before a request counts as lost
      GdpClient c = GdpClient.builder().router(e.simulator().inProcessAddress()).callbackExecutor(cb)
          .requestTimeout(EMBEDDED_REQUEST_TIMEOUT)
          .creationService(creation != null ? creation : e.simulator().serverName()).build();
      return new HomeConnection(c, cb, e);
    } catch (RuntimeException ex) {
      e.release();
      throw ex;
    }
  }

  /** Resolves {@code router} and fails fast with a clear message if nothing listens there. */
  private static InetSocketAddress reachable(String router) throws HomeException {
    InetSocketAddress given = RouterAddress.parse(router);
    InetSocketAddress addr = new InetSocketAddress(given.getHostString(), given.getPort());
    if (addr.isUnresolved()) {
      throw new HomeException(Reason.UNREACHABLE, "cannot resolve host '" + given.getHostString() + "'");
    }
    try (Socket s = new Socket()) {
      s.connect(addr, CONNECT_TIMEOUT_MS);
    } catch (IOException e) {
      throw new HomeException(Reason.UNREACHABLE, "cannot reach the GDP router at " + router + ": " + e.getMessage(), e);
    }
    return addr;
  }

  /**
   * Not the common fork-join pool: on a 2-core machine it has one worker, and a completion that
   * blocks it (the fs-engine's read-ahead waits on a cache entry that the reading thread holds
   * while it waits for its own completion) would deadlock.
   */
  private static ExecutorService newCallbackExecutor(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  public GdpClient client() {
    return client;
  }

  /** Whether this is the home's embedded store (rather than a router). */
  public boolean isEmbedded() {
    return embedded != null;
  }

  @Override
  public void close() {
    try {
      client.close();
    } finally {
      callbacks.shutdown();
      if (embedded != null) {
        embedded.release();
      }
    }
  }

  /**
   * Closes for a process that exits right after (a command-line tool): the client and the
   * embedded store close at the same time, and this returns once the store's logs are closed
   * cleanly, without waiting for the network threads to stop (each group of them would take the
   * 100 ms of Netty's shutdown quiet period, one after the other). Requests still in flight fail.
   */
  public void closeForExit() {
    CompletableFuture<Void> clientClosed = client.closeAsync();
    try {
      if (embedded != null) {
        embedded.releaseForExit();
      }
    } finally {
      clientClosed.whenComplete((v, e) -> callbacks.shutdown());
    }
  }
}
