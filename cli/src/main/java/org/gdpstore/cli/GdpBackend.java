package org.gdpstore.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.gdpstore.client.GdpClient;
import org.gdpstore.client.LogReader;
import org.gdpstore.client.ServerMode;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.FsOptions;
import org.gdpstore.fs.GdpFileSystem;
import org.gdpstore.sim.DataDirectoryLockedException;
import org.gdpstore.sim.GdpSimulator;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;

/**
 * The real backend: a {@link GdpClient} connected either to an embedded durable simulator
 * (in-process, logs under {@code $GDPSTORE_HOME/sim}, one gdpfs process at a time) or to a router
 * given with {@code --router}. Closing it closes the client, then the simulator.
 */
final class GdpBackend implements Backend {
  private static final int CONNECT_TIMEOUT_MS = 3000;
  private static final long LOCK_WAIT_MS = 10_000;
  private static final java.time.Duration EMBEDDED_REQUEST_TIMEOUT = java.time.Duration.ofSeconds(30);

  private final GdpClient client;
  private final ExecutorService callbacks;
  private final GdpSimulator sim;
  private final FileLock lock;
  private final RawLogs logs;

  private GdpBackend(GdpClient client, ExecutorService callbacks, GdpSimulator sim, FileLock lock) {
    this.client = client;
    this.callbacks = callbacks;
    this.sim = sim;
    this.lock = lock;
    this.logs = new GdpRawLogs(client, this::reader);
  }

  /** Opens the backend the global options select. */
  static Backend open(CliEnv env, Home home, Backend.Options options) {
    String router = options.router();
    String serverName = options.serverName();
    if (options.referenceServers() && router == null) {
      throw CliException.usage("--reference needs --router: the embedded simulator is not the reference gdplogd");
    }
    GdpName creation = serverName == null ? null : GdpName.parseOrHash(serverName);
    if (router != null) {
      InetSocketAddress addr = resolve(HostPort.parse("--router", router));
      probe(addr, router);
      ExecutorService callbacks = newCallbackExecutor();
      GdpClient client = GdpClient.builder().router(addr).callbackExecutor(callbacks)
          .serverMode(options.referenceServers() ? ServerMode.REFERENCE : ServerMode.GDPSTORE)
          .creationService(creation != null ? creation : GdpClient.DEFAULT_CREATION_SERVICE).build();
      return new GdpBackend(client, callbacks, null, null);
    }
    FileLock lock = lockEmbeddedStore(home);
    Timing.mark("embedded store locked");
    GdpSimulator sim = null;
    try {
      // the embedded log server keeps its name; --server-name only says where CREATE goes
      sim = GdpSimulator.builder().inProcess().dataDir(home.simDir()).serverName(DEFAULT_SERVER_NAME).start();
      Timing.mark("embedded simulator started");
      SocketAddress local = sim.inProcessAddress();
      ExecutorService callbacks = newCallbackExecutor();
      // an in-process log server cannot be unreachable, only slow (an fsync behind a busy disk):
      // give it longer than a remote one before a request counts as lost
      GdpClient client = GdpClient.builder().router(local).callbackExecutor(callbacks)
          .requestTimeout(EMBEDDED_REQUEST_TIMEOUT)
          .creationService(creation != null ? creation : sim.serverName()).build();
      Timing.mark("client connected");
      return new GdpBackend(client, callbacks, sim, lock);
    } catch (RuntimeException e) {
      if (sim != null) {
        sim.close();
      }
      release(lock);
      if (e instanceof DataDirectoryLockedException locked) {
        throw new CliException(ExitCodes.EXISTS, "the embedded store " + home.simDir() + " is in use by "
            + (locked.holderPid() > 0 ? "process " + locked.holderPid() : "another process")
            + " (a 'gdpfs sim serve' on it?); stop it, or pass --router to use it through that server", e);
      }
      if (e instanceof UncheckedIOException u) {
        throw new CliException(ExitCodes.FAILURE, "cannot open the embedded store in " + home.simDir() + ": "
            + u.getCause().getMessage(), e);
      }
      throw e;
    }
  }

  /**
   * The client's callback executor. Not the common fork-join pool: on a 2-core machine it has one
   * worker, and a completion that blocks it (the fs-engine's read-ahead waits on a cache entry
   * that the reading thread holds while it waits for its own completion) would deadlock the CLI.
   */
  private static ExecutorService newCallbackExecutor() {
    AtomicInteger n = new AtomicInteger();
    return Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "gdpfs-callback-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  static InetSocketAddress resolve(InetSocketAddress unresolved) {
    InetSocketAddress a = new InetSocketAddress(unresolved.getHostString(), unresolved.getPort());
    if (a.isUnresolved()) {
      throw CliException.unreachable("cannot resolve host '" + unresolved.getHostString() + "'", null);
    }
    return a;
  }

  /** Fails fast with a clear message if nothing listens at the router's address. */
  private static void probe(InetSocketAddress addr, String given) {
    try (Socket s = new Socket()) {
      s.connect(addr, CONNECT_TIMEOUT_MS);
    } catch (IOException e) {
      throw CliException.unreachable("cannot reach the GDP router at " + given + ": " + e.getMessage(), e);
    }
  }

  /**
   * The embedded simulator's files belong to one process at a time: take an exclusive lock,
   * waiting a little for a previous command to finish.
   */
  private static FileLock lockEmbeddedStore(Home home) {
    try {
      Home.createPrivateDir(home.root());
      Files.createDirectories(home.simDir());
      Path lockFile = home.root().resolve("sim.lock");
      FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      long deadline = System.nanoTime() + LOCK_WAIT_MS * 1_000_000;
      while (true) {
        FileLock l = ch.tryLock();
        if (l != null) {
          return l;
        }
        if (System.nanoTime() > deadline) {
          ch.close();
          throw new CliException(ExitCodes.EXISTS, "another gdpfs process is using the embedded store in "
              + home.root() + "; for concurrent use run 'gdpfs sim serve --data DIR' and pass --router to each command");
        }
        Thread.sleep(50); // polling a file lock held by another process: there is nothing to wait on
      }
    } catch (IOException e) {
      throw new CliException(ExitCodes.FAILURE, "cannot lock " + home.root() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.FAILURE, "interrupted while waiting for the embedded store", e);
    }
  }

  private static void release(FileLock lock) {
    if (lock != null) {
      try {
        lock.release();
        lock.channel().close();
      } catch (IOException ignored) {
        // the lock goes away with the process anyway
      }
    }
  }

  GdpClient client() {
    return client;
  }

  /*
   * Filesystems and log readers are opened once per process (per command, or for the whole demo)
   * and closed with the backend: one handle per log saves OPEN/CLOSE round trips and replays of
   * the directory log. (It also kept the CLI clear of an early log-client bug where the answer to
   * an untracked CLOSE could be taken for the answer to a later OPEN of the same log.)
   */
  private final Map<GdpName, GdpFileSystem> filesystems = new HashMap<>();
  private final List<GdpFileSystem> opened = new ArrayList<>();
  private final Map<GdpName, LogReader> readers = new HashMap<>();

  @Override
  public RemoteFs createFs(Ed25519Keys writer) {
    try {
      GdpFileSystem fs = GdpFileSystem.mkfs(client, writer, FsOptions.DEFAULT);
      opened.add(fs);
      filesystems.put(fs.rootName(), fs);
      return new EngineFs(fs);
    } catch (FsException e) {
      throw EngineFs.toCli(e);
    }
  }

  @Override
  public RemoteFs openFs(GdpName root, Ed25519Keys writer) {
    try {
      GdpFileSystem fs = filesystems.get(root);
      if (fs != null && (writer == null || fs.isWritable())) {
        fs.refresh();
      } else {
        fs = GdpFileSystem.open(client, root, writer, FsOptions.DEFAULT);
        opened.add(fs);
        filesystems.put(root, fs);
        Timing.mark("filesystem opened");
      }
      return new EngineFs(fs);
    } catch (FsException e) {
      throw EngineFs.toCli(e);
    }
  }

  /** A verifying reader of {@code log}, shared for the life of this backend. */
  LogReader reader(GdpName log) {
    LogReader r = readers.get(log);
    if (r == null) {
      r = client.openReader(log);
      readers.put(log, r);
    }
    return r;
  }

  @Override
  public RawLogs logs() {
    return logs;
  }

  @Override
  public void close() {
    Timing.mark("command work done");
    try {
      for (GdpFileSystem fs : opened) {
        fs.close();
      }
      for (LogReader r : readers.values()) {
        r.close();
      }
      client.close();
    } finally {
      callbacks.shutdown();
      try {
        if (sim != null) {
          sim.close();
        }
      } finally {
        release(lock);
        Timing.mark("backend closed");
      }
    }
  }
}
