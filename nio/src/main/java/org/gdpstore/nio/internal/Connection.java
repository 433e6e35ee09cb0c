package org.gdpstore.nio.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.gdpstore.client.GdpClient;
import org.gdpstore.client.ServerMode;
import org.gdpstore.sim.GdpSimulator;
import org.gdpstore.wire.GdpName;

/**
 * The GDP client one gdp filesystem talks through: the caller's client, a client of a router
 * (TCP), or a client of the embedded durable store in the home ({@code sim/}, locked with
 * {@code sim.lock} against other processes and shared by the filesystems of this JVM on the same
 * home). Closing releases what was opened for it.
 */
final class Connection implements AutoCloseable {
  private static final int CONNECT_TIMEOUT_MS = 3000;
  /** Embedded stores of this JVM by home directory, with their users. Guarded by itself. */
  private static final Map<Path, Embedded> EMBEDDED = new HashMap<>();

  private final GdpClient client;
  private final boolean ownsClient;
  private final ExecutorService callbacks;
  private final Embedded embedded;

  private Connection(GdpClient client, boolean ownsClient, ExecutorService callbacks, Embedded embedded) {
    this.client = client;
    this.ownsClient = ownsClient;
    this.callbacks = callbacks;
    this.embedded = embedded;
  }

  GdpClient client() {
    return client;
  }

  static Connection open(EnvOptions env, HomeResolver home) throws IOException {
    if (env.client() != null) {
      return new Connection(env.client(), false, null, null);
    }
    GdpName creation = env.serverName() == null ? null : GdpName.parseOrHash(env.serverName());
    if (env.router() != null) {
      InetSocketAddress addr = hostPort(env.router());
      try (Socket s = new Socket()) {
        s.connect(addr, CONNECT_TIMEOUT_MS);
      } catch (IOException e) {
        throw new FileSystemException(env.router(), null, "cannot reach the GDP router: " + e.getMessage());
      }
      ExecutorService cb = newCallbackExecutor();
      GdpClient c = GdpClient.builder().router(addr).callbackExecutor(cb)
          .serverMode(env.reference() ? ServerMode.REFERENCE : ServerMode.GDPSTORE)
          .creationService(creation != null ? creation : GdpClient.DEFAULT_CREATION_SERVICE).build();
      return new Connection(c, true, cb, null);
    }
    Embedded e = Embedded.acquire(home);
    try {
      ExecutorService cb = newCallbackExecutor();
      GdpClient c = GdpClient.builder().router(e.sim.inProcessAddress()).callbackExecutor(cb)
          .creationService(creation != null ? creation : e.sim.serverName()).build();
      return new Connection(c, true, cb, e);
    } catch (RuntimeException ex) {
      e.release();
      throw ex;
    }
  }

  static InetSocketAddress hostPort(String s) {
    int colon = s.lastIndexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      throw new IllegalArgumentException("router must be HOST:PORT, got '" + s + "'");
    }
    int port;
    try {
      port = Integer.parseInt(s.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("router port is not a number in '" + s + "'", e);
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("router port out of range in '" + s + "'");
    }
    String host = s.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    InetSocketAddress a = new InetSocketAddress(host, port);
    if (a.isUnresolved()) {
      throw new IllegalArgumentException("cannot resolve router host '" + host + "'");
    }
    return a;
  }

  /**
   * Not the common pool: the engine's read-ahead completions may block on a cache entry, which
   * would starve a one-worker pool on a 2-core machine (the CLI does the same).
   */
  private static ExecutorService newCallbackExecutor() {
    AtomicInteger n = new AtomicInteger();
    return Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "gdp-nio-callback-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public void close() {
    try {
      if (ownsClient) {
        client.close();
      }
    } finally {
      if (callbacks != null) {
        callbacks.shutdown();
      }
      if (embedded != null) {
        embedded.release();
      }
    }
  }

  /** The embedded simulator of one home, with its process lock and a count of users. */
  private static final class Embedded {
    final Path key;
    final GdpSimulator sim;
    final FileLock lock;
    int users;

    private Embedded(Path key, GdpSimulator sim, FileLock lock) {
      this.key = key;
      this.sim = sim;
      this.lock = lock;
    }

    static Embedded acquire(HomeResolver home) throws IOException {
      synchronized (EMBEDDED) {
        Embedded e = EMBEDDED.get(home.root());
        if (e == null) {
          HomeResolver.createPrivateDir(home.root());
          Files.createDirectories(home.simDir());
          FileChannel ch = FileChannel.open(home.lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock l = ch.tryLock();
          if (l == null) {
            ch.close();
            throw new FileSystemException(home.root().toString(), null,
                "another process is using the embedded store (a gdpfs command?); for concurrent use run "
                    + "'gdpfs sim serve' and pass the router in the environment");
          }
          GdpSimulator sim;
          try {
            sim = GdpSimulator.builder().inProcess().dataDir(home.simDir())
                .serverName(GdpSimulator.DEFAULT_SERVER_NAME).start();
          } catch (RuntimeException ex) {
            l.release();
            ch.close();
            if (ex instanceof UncheckedIOException u) {
              throw new FileSystemException(home.simDir().toString(), null,
                  "cannot open the embedded store: " + u.getCause().getMessage());
            }
            throw ex;
          }
          e = new Embedded(home.root(), sim, l);
          EMBEDDED.put(home.root(), e);
        }
        e.users++;
        return e;
      }
    }

    void release() {
      synchronized (EMBEDDED) {
        if (--users > 0) {
          return;
        }
        EMBEDDED.remove(key);
        try {
          sim.close();
        } finally {
          try {
            lock.release();
            lock.channel().close();
          } catch (IOException ignored) {
            // the lock goes away with the process anyway
          }
        }
      }
    }
  }
}
