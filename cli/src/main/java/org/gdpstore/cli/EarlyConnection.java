package org.gdpstore.cli;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.gdpstore.home.GdpHome;
import org.gdpstore.home.HomeConnection;
import org.gdpstore.home.HomeException;

/**
 * The connection a command will need, opened on a second thread while the main thread builds the
 * command-line model: starting the embedded store (or reaching a router) and building picocli's
 * model each take about a third of a short command's time, and on two cores they overlap. Only
 * {@link GdpfsCli#main} starts one, from a look at the raw arguments; {@link GdpBackend#open}
 * takes it when the parsed options are the ones it was opened with, and an unused one is closed
 * before the process exits.
 */
final class EarlyConnection {
  /** Commands that open a backend (the others, and any help or version request, do not). */
  private static final Set<String> USES_BACKEND = Set.of("mkfs", "ls", "put", "get", "cat", "rm", "mkdir", "mv",
      "stat", "log", "verify", "gc", "kv", "logs", "demo");
  /**
   * How long an unused connection may still take to open before the process exits anyway (it may
   * be waiting for another process's store: a usage error must not wait for that; a store left
   * half-opened is recovered like one of a killed process).
   */
  private static final long DISCARD_WAIT_MS = 300;

  private static EarlyConnection pending;

  private final GdpHome home;
  private final HomeConnection.Options options;
  private final CompletableFuture<HomeConnection> opened = new CompletableFuture<>();
  private boolean taken;

  private EarlyConnection(GdpHome home, HomeConnection.Options options) {
    this.home = home;
    this.options = options;
  }

  /** Starts opening the connection {@code args} will ask for, if it is clear that they will. */
  static synchronized void start(String[] args, CliEnv env, java.time.Duration storeWait, String threadName) {
    HomeConnection.Options o = Boolean.parseBoolean(System.getProperty("gdpfs.earlyConnect", "true"))
        ? guess(args, storeWait, threadName) : null;
    if (o == null) {
      return;
    }
    EarlyConnection c = new EarlyConnection(GdpHome.at(env.home()), o);
    Thread t = new Thread(() -> {
      try {
        c.opened.complete(HomeConnection.open(c.home, c.options));
      } catch (HomeException | RuntimeException e) {
        c.opened.completeExceptionally(e);
      }
    }, "gdpfs-early-connect");
    t.setDaemon(true);
    t.start();
    pending = c;
  }

  /**
   * The options {@code args} will open a backend with, or null when they may not open one: an
   * unknown or backend-free command, help, version, or option spellings this look does not read.
   */
  static HomeConnection.Options guess(String[] args, java.time.Duration storeWait, String threadName) {
    String command = GdpfsCli.commandName(args);
    if (command == null || !USES_BACKEND.contains(command)) {
      return null;
    }
    String router = null;
    String serverName = null;
    boolean reference = false;
    List<String> list = List.of(args);
    for (int i = 0; i < list.size(); i++) {
      String a = list.get(i);
      switch (a) {
        case "--" -> i = list.size();
        case "-h", "--help", "-V", "--version", "help" -> {
          return null;
        }
        case "--reference" -> reference = true;
        case "--router", "--server-name" -> {
          if (i + 1 >= list.size()) {
            return null;
          }
          if (a.equals("--router")) {
            router = list.get(++i);
          } else {
            serverName = list.get(++i);
          }
        }
        default -> {
          if (a.startsWith("--router=") || a.startsWith("--server-name=")) {
            return null; // rare spelling: the command opens its own connection
          }
        }
      }
    }
    if (reference && router == null) {
      return null; // a usage error the command reports
    }
    return new HomeConnection.Options(router, serverName, reference, storeWait, threadName);
  }

  /**
   * The early connection if it was opened for {@code home} with {@code options}, else null (the
   * caller opens its own; one opened for other options is closed).
   *
   * @throws HomeException what opening it failed with
   */
  static synchronized HomeConnection take(GdpHome home, HomeConnection.Options options) throws HomeException {
    EarlyConnection c = pending;
    if (c == null || c.taken) {
      return null;
    }
    if (!c.home.root().equals(home.root()) || !Objects.equals(c.options, options)) {
      discard();
      return null;
    }
    c.taken = true;
    try {
      return c.opened.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HomeException(HomeException.Reason.FAILED, "interrupted while connecting", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof HomeException h) {
        throw h;
      }
      throw (RuntimeException) e.getCause();
    }
  }

  /** Closes an early connection no command took (it may still be opening: waits a little for it). */
  static synchronized void discard() {
    EarlyConnection c = pending;
    if (c == null || c.taken) {
      return;
    }
    c.taken = true;
    try {
      c.opened.get(DISCARD_WAIT_MS, TimeUnit.MILLISECONDS).closeForExit();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // it failed (nobody asked), or waits for another process's store: the exit ends it
    }
  }
}
