package org.gdpstore.home.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.gdpstore.home.GdpHome;
import org.gdpstore.home.HomeException;
import org.gdpstore.home.HomeException.Reason;
import org.gdpstore.sim.DataDirectoryLockedException;
import org.gdpstore.sim.GdpSimulator;

/**
 * The embedded durable simulator of one home: {@code sim.lock} held against other processes
 * while it runs, shared by the users in this JVM (counted), closed with the last one.
 */
public final class EmbeddedStore {
  /** By home root. Guarded by itself. */
  private static final Map<Path, EmbeddedStore> OPEN = new HashMap<>();

  private final Path root;
  private final GdpSimulator sim;
  private final FileLock lock;
  private int users;

  private EmbeddedStore(Path root, GdpSimulator sim, FileLock lock) {
    this.root = root;
    this.sim = sim;
    this.lock = lock;
  }

  public GdpSimulator simulator() {
    return sim;
  }

  /** The store of {@code home}, started if this JVM does not run it yet; waits up to {@code wait} for another process. */
  public static EmbeddedStore acquire(GdpHome home, Duration wait) throws HomeException {
    synchronized (OPEN) {
      EmbeddedStore e = OPEN.get(home.root());
      if (e == null) {
        FileLock l = lock(home, wait);
        GdpSimulator sim;
        try {
          // the embedded log server keeps its name; a server name only says where CREATE goes
          sim = GdpSimulator.builder().inProcess().dataDir(home.simDir())
              .serverName(GdpSimulator.DEFAULT_SERVER_NAME).start();
        } catch (RuntimeException ex) {
          release(l);
          if (ex instanceof DataDirectoryLockedException locked) {
            throw new HomeException(Reason.BUSY, "the embedded store " + home.simDir() + " is in use by "
                + (locked.holderPid() > 0 ? "process " + locked.holderPid() : "another process")
                + " (a 'gdpfs sim serve' on it?); stop it, or use it through that server as the router", ex);
          }
          if (ex instanceof UncheckedIOException u) {
            throw new HomeException(Reason.FAILED, "cannot open the embedded store in " + home.simDir() + ": "
                + u.getCause().getMessage(), ex);
          }
          throw ex;
        }
        e = new EmbeddedStore(home.root(), sim, l);
        OPEN.put(home.root(), e);
      }
      e.users++;
      return e;
    }
  }

  /** Takes {@code sim.lock}, polling up to {@code wait} while another process holds it. */
  private static FileLock lock(GdpHome home, Duration wait) throws HomeException {
    try {
      HomeFiles.createPrivateDir(home.root());
      Files.createDirectories(home.simDir());
      FileChannel ch = FileChannel.open(home.root().resolve(GdpHome.STORE_LOCK_FILE),
          StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      long deadline = System.nanoTime() + wait.toNanos();
      while (true) {
        FileLock l = ch.tryLock();
        if (l != null) {
          return l;
        }
        if (System.nanoTime() - deadline >= 0) {
          ch.close();
          throw new HomeException(Reason.BUSY, "another gdpfs process is using the embedded store in "
              + home.root() + "; for concurrent use run 'gdpfs sim serve --data DIR' and connect to it as the router"
              + " (gdpfs --router, or the router key of the nio provider)");
        }
        Thread.sleep(50); // a file lock held by another process: there is nothing to wait on
      }
    } catch (IOException e) {
      if (e instanceof HomeException h) {
        throw h;
      }
      throw new HomeException(Reason.FAILED, "cannot lock " + home.root() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HomeException(Reason.FAILED, "interrupted while waiting for the embedded store", e);
    }
  }

  /** One user less; the last one stops the simulator and releases {@code sim.lock}. */
  public void release() {
    release(false);
  }

  /**
   * As {@link #release()}, for a process that exits right after: the simulator's stored logs are
   * closed cleanly, but its threads are not waited for ({@link GdpSimulator#closeForExit()}).
   */
  public void releaseForExit() {
    release(true);
  }

  private void release(boolean forExit) {
    synchronized (OPEN) {
      if (--users > 0) {
        return;
      }
      OPEN.remove(root);
      try {
        if (forExit) {
          sim.closeForExit();
        } else {
          sim.close();
        }
      } finally {
        release(lock);
      }
    }
  }

  private static void release(FileLock lock) {
    try {
      lock.release();
      lock.channel().close();
    } catch (IOException ignored) {
      // the lock goes away with the process anyway
    }
  }
}
