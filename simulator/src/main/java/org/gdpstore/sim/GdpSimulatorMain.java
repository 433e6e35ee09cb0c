package org.gdpstore.sim;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The standalone simulator:
 *
 * <pre>
 * java -jar simulator/target/gdp-simulator.jar [--listen HOST:PORT] [--data DIR] [--server-name NAME]
 *                                             [--router-only] [--max-record-bytes N] [--pack-content]
 *                                             [--subscription-timeout SECONDS] [--max-advertisements N]
 *                                             [--max-answers-per-client N] [--max-requests-in-flight N]
 * java -jar simulator/target/gdp-simulator.jar --data DIR --salvage
 * </pre>
 *
 * Defaults: {@code --listen 127.0.0.1:8009} (port 0 picks a free one), in memory, server name
 * {@value GdpSimulator#DEFAULT_SERVER_NAME}, subscriptions expire 180 s after their last SUBSCRIBE
 * (0 = never). Prints one line
 * {@code gdp-simulator listening on HOST:PORT server-name NAME (GDPNAME)} once it accepts
 * connections, and exits cleanly on SIGTERM / SIGINT. With {@code --data} it holds the directory
 * exclusively; if another simulator holds it, it prints which process and exits with status 3.
 */
public final class GdpSimulatorMain {
  /** Exit status when the data directory is held by another simulator. */
  static final int EXIT_LOCKED = 3;
  private static final String LOG_FORMAT = "java.util.logging.SimpleFormatter.format";

  private GdpSimulatorMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (System.getProperty(LOG_FORMAT) == null) {
      System.setProperty(LOG_FORMAT, "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n"); // one line per record
    }
    GdpSimulator.Builder b = GdpSimulator.builder();
    String listen = "127.0.0.1:8009";
    boolean salvage = false;
    Path data = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--listen" -> listen = value(args, ++i, a);
        case "--data" -> {
          data = Path.of(value(args, ++i, a));
          b.dataDir(data);
        }
        case "--salvage" -> salvage = true;
        case "--server-name" -> b.serverName(value(args, ++i, a));
        case "--router-only" -> b.routerOnly();
        case "--max-record-bytes" -> b.maxRecordBytes(Integer.parseInt(value(args, ++i, a)));
        case "--pack-content" -> b.packContent(true);
        case "--subscription-timeout" -> b.subscriptionTimeout(seconds(value(args, ++i, a), a));
        case "--max-advertisements" -> b.maxAdvertisementsPerConnection(positive(value(args, ++i, a), a));
        case "--max-answers-per-client" -> b.maxAnswersPerClient(positive(value(args, ++i, a), a));
        case "--max-requests-in-flight" -> b.maxRequestsInFlightPerConnection(positive(value(args, ++i, a), a));
        case "-h", "--help" -> {
          System.out.println(usage());
          return;
        }
        default -> fail("unknown option " + a);
      }
    }
    if (salvage) {
      System.exit(salvage(data));
    }
    b.bindAddress(parseAddress(listen));
    GdpSimulator sim;
    try {
      sim = b.start();
    } catch (DataDirectoryLockedException e) {
      System.err.println("gdp-simulator: " + e.getMessage());
      System.exit(EXIT_LOCKED);
      return;
    }
    CountDownLatch stop = new CountDownLatch(1);
    // SIGTERM / SIGINT: close and exit with status 0; the hook covers other ways the JVM ends
    for (String sig : new String[] {"TERM", "INT"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(sig), s -> stop.countDown());
      } catch (IllegalArgumentException e) {
        // signal not available here: the shutdown hook still closes the simulator
      }
    }
    Runtime.getRuntime().addShutdownHook(new Thread(sim::close, "gdp-simulator-shutdown"));
    InetSocketAddress bound = sim.tcpAddress();
    System.out.println("gdp-simulator listening on " + bound.getAddress().getHostAddress() + ":" + bound.getPort()
        + " server-name " + sim.serverHumanName() + " (" + sim.serverName() + ")"
        + (sim.isRouterOnly() ? " router-only" : "")
        + (sim.dataDir() != null ? " data " + sim.dataDir() : " in-memory"));
    System.out.flush();
    stop.await();
    sim.close();
    System.out.println("gdp-simulator stopped");
  }

  /** {@code --salvage}: rewrites the damaged logs of the data directory (keeping copies), then exits. */
  private static int salvage(Path data) {
    if (data == null) {
      fail("--salvage needs --data DIR");
    }
    try {
      int status = 0;
      for (Salvage.Result r : Salvage.run(data, null)) {
        System.out.println(r.log() + ": " + r.message());
        status = r.failed() ? 1 : status;
      }
      return status;
    } catch (DataDirectoryLockedException e) {
      System.err.println("gdp-simulator: " + e.getMessage());
      return EXIT_LOCKED;
    }
  }

  static InetSocketAddress parseAddress(String s) {
    int colon = s.lastIndexOf(':');
    if (colon < 0) {
      fail("--listen needs HOST:PORT, got " + s);
    }
    String host = s.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(s.substring(colon + 1));
    } catch (NumberFormatException e) {
      fail("bad port in " + s);
      return null;
    }
    return new InetSocketAddress(host.isEmpty() ? "127.0.0.1" : host, port);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      fail(option + " needs a value");
    }
    return args[i];
  }

  private static Duration seconds(String s, String option) {
    try {
      long n = Long.parseLong(s);
      if (n >= 0) {
        return Duration.ofSeconds(n);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    fail(option + " needs a number of seconds >= 0, got " + s);
    return null; // not reached: fail exits
  }

  private static int positive(String s, String option) {
    try {
      int n = Integer.parseInt(s);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    fail(option + " needs a whole number >= 1, got " + s);
    return 0; // not reached: fail exits
  }

  private static void fail(String msg) {
    System.err.println("gdp-simulator: " + msg);
    System.err.println(usage());
    System.exit(2);
  }

  private static String usage() {
    return "usage: java -jar gdp-simulator.jar [--listen HOST:PORT] [--data DIR] [--server-name NAME]"
        + " [--router-only] [--max-record-bytes N] [--pack-content] [--subscription-timeout SECONDS]"
        + " [--max-advertisements N] [--max-answers-per-client N] [--max-requests-in-flight N]"
        + "\n       java -jar gdp-simulator.jar --data DIR --salvage   (rewrite damaged logs, keeping copies)";
  }
}
