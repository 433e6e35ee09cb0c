package org.gdpstore.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.gdpstore.client.Backoff;
import org.gdpstore.client.GdpClient;
import org.gdpstore.sim.FaultPlan;
import org.gdpstore.sim.FaultPlan.Direction;
import org.gdpstore.sim.GdpSimulator;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.MsgCode;

/**
 * A fault soak: N writers (one log each) and M subscribers (to every log) through a durable
 * simulator over loopback TCP, with seeded drops, duplicates, reorders, delays, disconnects and
 * log-server crash-and-restarts, for a given time. Then every log is read back and compared with
 * what was acknowledged and what each subscriber received. Prints acknowledged / lost /
 * duplicated / reordered counts, failed appends by kind, and how long the subscribers took to
 * catch up after each restart.
 *
 * <pre>
 *   java -cp benchmarks/target/benchmarks.jar org.gdpstore.bench.Soak --minutes 10 [--writers 4]
 *       [--subscribers 2] [--rate 400] [--restart-every 30] [--seed 42] [--data DIR]
 * </pre>
 */
public final class Soak {
  /** What to run. {@code rate} is appends per second per writer; restarts every {@code restartEvery}. */
  public record Options(Duration length, int writers, int subscribers, int rate, Duration restartEvery, long seed,
                        Path dataDir) {}

  /** What a run found. Catch-up times are in milliseconds, one per restart (-1: not caught up before the next). */
  public record Result(long acknowledged, long failed, long failedNoRoute, long lost, long duplicated, long reordered,
                       long recordsInLogs, long delivered, long subscriberDefects, int restarts,
                       List<Long> catchUpMillis, long finalCatchUpMillis, long faultsFired, String report) {}

  private Soak() {}

  public static void main(String[] args) throws Exception {
    double minutes = 1;
    int writers = 4;
    int subscribers = 2;
    int rate = 400;
    int restartEvery = 30;
    long seed = 42;
    Path data = null;
    for (int i = 0; i < args.length; i++) {
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--minutes" -> minutes = Double.parseDouble(v);
        case "--writers" -> writers = Integer.parseInt(v);
        case "--subscribers" -> subscribers = Integer.parseInt(v);
        case "--rate" -> rate = Integer.parseInt(v);
        case "--restart-every" -> restartEvery = Integer.parseInt(v);
        case "--seed" -> seed = Long.parseLong(v);
        case "--data" -> data = Path.of(v);
        default -> {
          System.err.println("unknown option " + args[i]
              + "; options: --minutes --writers --subscribers --rate --restart-every --seed --data");
          System.exit(2);
        }
      }
      i++;
    }
    Result r = run(new Options(Duration.ofMillis((long) (minutes * 60_000)), writers, subscribers, rate,
        Duration.ofSeconds(restartEvery), seed, data));
    System.out.print(r.report());
    boolean clean = r.lost() == 0 && r.duplicated() == 0 && r.reordered() == 0 && r.subscriberDefects() == 0
        && r.failedNoRoute() == 0;
    System.exit(clean ? 0 : 1);
  }

  /** The seeded faults on client connections (the log server restarts are driven by {@link #run}). */
  static FaultPlan faults(long seed) {
    return FaultPlan.builder(seed)
        .rule(FaultPlan.on(Direction.TO_SERVER).code(MsgCode.CMD_APPEND).probability(0.005).drop())
        .rule(FaultPlan.on(Direction.TO_CLIENT).code(MsgCode.ACK_SUCCESS).probability(0.005).drop())
        .rule(FaultPlan.on(Direction.TO_CLIENT).code(MsgCode.ACK_CONTENT).probability(0.002).drop())
        .rule(FaultPlan.on(Direction.BOTH).probability(0.005).duplicate())
        .rule(FaultPlan.on(Direction.TO_SERVER).code(MsgCode.CMD_APPEND).probability(0.01).reorder(50))
        .rule(FaultPlan.on(Direction.TO_CLIENT).probability(0.02).delay(20))
        // a connection that has carried 2,000 of these may be cut at any later one
        .rule(FaultPlan.on(Direction.TO_SERVER).code(MsgCode.CMD_APPEND).probability(0.0005).closeConnectionAfter(2000))
        .rule(FaultPlan.on(Direction.TO_CLIENT).code(MsgCode.ACK_CONTENT).probability(0.0005)
            .closeConnectionAfter(2000))
        .build();
  }

  /** Runs a soak and checks the logs afterwards. */
  public static Result run(Options o) throws Exception {
    Path dir = o.dataDir() != null ? o.dataDir() : Files.createTempDirectory("gdpstore-soak");
    FaultPlan plan = faults(o.seed());
    SplittableRandom random = new SplittableRandom(o.seed());
    ExecutorService callbacks = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "soak-callbacks");
      t.setDaemon(true);
      return t;
    });
    List<GdpClient> clients = new ArrayList<>();
    // subscriptions never expire and are never refreshed here: a subscription the restarted log
    // server forgot can come back only through the client's PING check and resume, the mechanism
    // under test, so "caught up at all" tells it works however slow the machine is
    try (GdpSimulator sim = GdpSimulator.builder().loopbackTcp(0).dataDir(dir.resolve("sim")).faults(plan)
        .subscriptionTimeout(Duration.ZERO).start()) {
      GdpClient.Builder builder = GdpClient.builder().router(sim.tcpAddress()).creationService(sim.serverName())
          .resendInterval(Duration.ofMillis(500)).subscriptionCheck(Duration.ofSeconds(1))
          .subscriptionRefresh(Duration.ofHours(24))
          .backoff(Backoff.exponential(Duration.ofMillis(20), Duration.ofSeconds(1)).withJitter(0.5, o.seed()))
          .callbackExecutor(callbacks);
      List<SoakWriter> writers = new ArrayList<>();
      for (int i = 0; i < o.writers(); i++) {
        GdpClient c = builder.build();
        clients.add(c);
        Ed25519Keys keys = Ed25519Keys.fromSeed(seedBytes(o.seed() + i));
        writers.add(SoakWriter.start(c, keys, i, o.rate()));
      }
      List<GdpName> logs = writers.stream().map(SoakWriter::log).toList();
      List<SoakSubscriber> subscribers = new ArrayList<>();
      for (int i = 0; i < o.subscribers(); i++) {
        GdpClient c = builder.build();
        clients.add(c);
        subscribers.add(SoakSubscriber.start(c, logs));
      }
      long end = System.nanoTime() + o.length().toNanos();
      List<Long> catchUps = new ArrayList<>();
      int restarts = 0;
      while (true) {
        long nextRestart = System.nanoTime() + o.restartEvery().toNanos();
        if (nextRestart >= end) {
          sleepUntil(end);
          break;
        }
        sleepUntil(nextRestart);
        // down for 0.2 .. 1.5 s: long enough that requests meet NO_ROUTE and re-opens fail
        sim.crashLogServer();
        int down = 200 + random.nextInt(1300);
        Thread.sleep(down);
        sim.restartLogServer();
        restarts++;
        long restartedAt = System.nanoTime();
        // caught up: every subscriber has a record acknowledged after the restart, i.e. its
        // subscription is flowing again (a forgotten one would wait for the 60 s refresh)
        long[] target = writers.stream().mapToLong(w -> w.highestAcked() + 1).toArray();
        long catchUp = awaitCatchUp(subscribers, target, Math.min(end, restartedAt + o.restartEvery().toNanos()))
            ? (System.nanoTime() - restartedAt) / 1_000_000 : -1;
        catchUps.add(catchUp);
        System.err.printf(Locale.ROOT, "soak: restart %d (down %d ms): subscribers caught up in %d ms;"
                + " %d appends acknowledged, %d failed so far%n", restarts, down, catchUp,
            writers.stream().mapToLong(SoakWriter::acknowledged).sum(),
            writers.stream().mapToLong(SoakWriter::failed).sum());
      }
      for (SoakWriter w : writers) {
        w.stop();
      }
      long stoppedAt = System.nanoTime();
      long[] target = writers.stream().mapToLong(SoakWriter::highestAcked).toArray();
      long finalCatchUp = awaitCatchUp(subscribers, target, stoppedAt + TimeUnit.SECONDS.toNanos(60))
          ? (System.nanoTime() - stoppedAt) / 1_000_000 : -1;
      long fired = 0;
      for (FaultPlan.Rule rule : plan.rules()) {
        fired += sim.faults().firedCount(rule);
      }
      sim.faults().clear();
      // a fresh reader with no faults in the way checks every log
      GdpClient checker = builder.build();
      clients.add(checker);
      SoakCheck check = SoakCheck.run(checker, writers, subscribers);
      Result partial = new Result(
          writers.stream().mapToLong(SoakWriter::acknowledged).sum(),
          writers.stream().mapToLong(SoakWriter::failed).sum(),
          writers.stream().mapToLong(SoakWriter::failedNoRoute).sum(),
          check.lost(), check.duplicated(), check.reordered(), check.records(),
          subscribers.stream().mapToLong(SoakSubscriber::delivered).sum(),
          check.subscriberDefects(), restarts, catchUps, finalCatchUp, fired, "");
      String report = report(o, partial, writers, subscribers, check);
      return new Result(partial.acknowledged(), partial.failed(), partial.failedNoRoute(), partial.lost(),
          partial.duplicated(), partial.reordered(), partial.recordsInLogs(), partial.delivered(),
          partial.subscriberDefects(), restarts, catchUps, finalCatchUp, fired, report);
    } finally {
      for (GdpClient c : clients) {
        c.close();
      }
      callbacks.shutdown();
      if (o.dataDir() == null) {
        deleteTree(dir);
      }
    }
  }

  /** Waits until every subscriber has every log up to {@code target}; false at the deadline. */
  private static boolean awaitCatchUp(List<SoakSubscriber> subscribers, long[] target, long deadlineNanos)
      throws InterruptedException {
    while (System.nanoTime() < deadlineNanos) {
      boolean all = true;
      for (SoakSubscriber s : subscribers) {
        all &= s.hasReached(target);
      }
      if (all) {
        return true;
      }
      Thread.sleep(10);
    }
    return false;
  }

  /** One line per subscription that did not deliver its whole log: how far it got and in what state. */
  private static String lagging(List<SoakSubscriber> subscribers, SoakCheck check) {
    StringBuilder sb = new StringBuilder();
    for (int s = 0; s < subscribers.size(); s++) {
      SoakSubscriber sub = subscribers.get(s);
      for (int l = 0; l < sub.logCount(); l++) {
        SoakSubscriber.PerLog p = sub.log(l);
        long stored = check.storedPerLog()[l];
        if (p.last < stored || p.defects.get() > 0 || p.error != null) {
          sb.append(String.format(Locale.ROOT, "  subscriber %d, log %d: delivered up to %d of %d, %d out of order,"
                  + " subscription %s, error %s%n", s, l, p.last, stored, p.defects.get(),
              p.subscription == null ? "?" : p.subscription.isActive() ? "active" : "ended", p.error));
        }
      }
    }
    return sb.toString();
  }

  private static String report(Options o, Result r, List<SoakWriter> writers, List<SoakSubscriber> subscribers,
      SoakCheck check) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "soak: %.1f min, %d writers x %d appends/s, %d subscribers, seed %d,"
            + " log server crash+restart every %d s%n", o.length().toMillis() / 60_000.0, o.writers(), o.rate(),
        o.subscribers(), o.seed(), o.restartEvery().toSeconds()));
    sb.append(String.format(Locale.ROOT, "appends: acknowledged %d, failed %d (NO_ROUTE %d; by kind %s)%n",
        r.acknowledged(), r.failed(), r.failedNoRoute(), SoakWriter.failuresByKind(writers)));
    sb.append(SoakWriter.firstFailures(writers));
    sb.append(String.format(Locale.ROOT, "logs: %d records; lost %d, duplicated %d, reordered %d"
            + " (failed appends found stored anyway: %d)%n", r.recordsInLogs(), r.lost(), r.duplicated(),
        r.reordered(), check.failedButStored()));
    sb.append(String.format(Locale.ROOT, "subscribers: delivered %d; gaps, duplicates, reorders or mismatches"
        + " against the logs: %d%n", r.delivered(), r.subscriberDefects()));
    sb.append(lagging(subscribers, check));
    sb.append(String.format(Locale.ROOT, "faults fired: %d, log server restarts: %d%n", r.faultsFired(),
        r.restarts()));
    List<Long> ok = r.catchUpMillis().stream().filter(t -> t >= 0).sorted().toList();
    long missed = r.catchUpMillis().size() - ok.size();
    sb.append(String.format(Locale.ROOT, "subscriber catch-up after each restart (ms from restart to a post-restart record delivered"
        + " on every log): %s%n", r.catchUpMillis()));
    if (!ok.isEmpty()) {
      sb.append(String.format(Locale.ROOT, "  median %d, max %d, not caught up before the next restart: %d%n",
          ok.get(ok.size() / 2), ok.get(ok.size() - 1), missed));
    }
    sb.append(String.format(Locale.ROOT, "final catch-up after the writers stopped: %d ms%n",
        r.finalCatchUpMillis()));
    return sb.toString();
  }

  private static byte[] seedBytes(long seed) {
    byte[] b = new byte[32];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  private static void sleepUntil(long nanos) throws InterruptedException {
    long left = nanos - System.nanoTime();
    if (left > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
