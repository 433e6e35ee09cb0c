package org.gdpstore.fs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.gdpstore.sim.FaultPlan;
import org.gdpstore.sim.GdpSimulator;
import org.gdpstore.wire.GdpName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Group commit over the in-process simulator (a real round trip per directory record): many
 * threads committing at once share directory records, each getting its own result, and every
 * change lands once. A caller never woken after its group committed (the wake-up tree of
 * Committer) shows as a timeout.
 */
@Timeout(60)
class GroupCommitTest {
  @Test
  void concurrentCommitsShareRecordsAndEachCallerGetsItsOwnResult() throws Exception {
    int threads = 16;
    int each = 40;
    try (LogBackend backend = LogBackend.simulator(); GdpFileSystem fs = backend.mkfs(FsOptions.DEFAULT)) {
      fs.createDir("/d");
      long before = fs.commits().size();
      Map<Long, List<String>> byRecord = new ConcurrentHashMap<>();
      atOnce(threads, id -> {
        for (int i = 0; i < each; i++) {
          String key = "t" + id + "-" + i;
          CommitResult r = fs.kv().put(key, key.getBytes(UTF_8));
          assertThat(r.paths()).containsExactly("kv:" + key);
          byRecord.computeIfAbsent(r.recno(), k -> java.util.Collections.synchronizedList(new ArrayList<>()))
              .add(key);
          fs.writeFile("/d/" + key, key.getBytes(UTF_8));
        }
      });
      int commits = fs.commits().size() - (int) before;
      assertThat(commits).as("directory commits for %d puts and %d files", threads * each, threads * each)
          .isLessThan(2 * threads * each);
      assertThat(byRecord.values().stream().mapToInt(List::size).max().orElse(0)).as("largest group").isGreaterThan(1);
      Map<String, byte[]> all = new HashMap<>(fs.kv().scan(""));
      assertThat(all).hasSize(threads * each);
      assertThat(fs.getChildren("/d")).hasSize(threads * each);
      for (Map.Entry<String, byte[]> e : all.entrySet()) {
        assertThat(new String(e.getValue(), UTF_8)).isEqualTo(e.getKey());
      }
    }
  }

  /**
   * Two callers at once, one commit each, many times: the second usually queues while the first
   * leads a round trip. When the leader is done it must hand over to the queued caller; nobody
   * else would come to commit its request (a lost hand-over leaves it parked for ever: the wait
   * below is a deadlock detector, a healthy round takes milliseconds).
   */
  @Test
  void aCallerQueuedBehindTheLastLeaderIsCommitted() throws Exception {
    try (LogBackend backend = LogBackend.simulator(); GdpFileSystem fs = backend.mkfs(FsOptions.DEFAULT)) {
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        for (int round = 0; round < 40; round++) {
          CyclicBarrier start = new CyclicBarrier(2);
          List<Future<CommitResult>> both = new ArrayList<>();
          for (int t = 0; t < 2; t++) {
            String key = "r" + round + "-" + t;
            both.add(pool.submit(() -> {
              start.await();
              return fs.kv().put(key, new byte[10]);
            }));
          }
          for (Future<CommitResult> f : both) {
            assertThat(f.get(60, java.util.concurrent.TimeUnit.SECONDS).recno()).isGreaterThan(1);
          }
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(fs.kv().keys("r")).hasSize(80);
    }
  }

  /**
   * 64 threads putting new keys: prints the commit counters (group sizes, records and signatures
   * per put, CPU per put) and checks that the puts share records.
   */
  @Test
  void sixtyFourThreadsShareRecordsAndSignatures() throws Exception {
    int threads = 64;
    int each = 25;
    try (LogBackend backend = LogBackend.simulator(); GdpFileSystem fs = backend.mkfs(FsOptions.DEFAULT)) {
      fs.kv().put("warm", new byte[100]);
      org.gdpstore.fs.internal.CommitStats stats = fs.engine().transactions().commitStats();
      long members0 = stats.members();
      long records0 = stats.records();
      long signed0 = org.gdpstore.wire.Ed25519Keys.signaturesMade();
      long cpu0 = cpu();
      long t0 = System.nanoTime();
      atOnce(threads, id -> {
        for (int i = 0; i < each; i++) {
          fs.kv().put("t" + id + "-" + i, new byte[100]);
        }
      });
      long puts = (long) threads * each;
      long nanos = System.nanoTime() - t0;
      double recordsPerPut = (stats.records() - records0) / (double) puts;
      System.out.printf("[group commit] %d puts in %.0f ms (%.0f/s), %.3f records and %.3f signatures made per put,"
          + " %.0f us CPU per put; %s%n", puts, nanos / 1e6, puts * 1e9 / nanos, recordsPerPut,
          (org.gdpstore.wire.Ed25519Keys.signaturesMade() - signed0) / (double) puts, (cpu() - cpu0) / 1e3 / puts, stats);
      assertThat(stats.members() - members0).isEqualTo(puts);
      assertThat(fs.kv().keys("t")).hasSize((int) puts);
      assertThat(recordsPerPut).as("directory records per put with %d threads waiting", threads).isLessThan(0.5);
    }
  }

  /**
   * Members decided early (a putIfAbsent whose key another member of the group takes is skipped
   * before the group's append) whose threads wake on their own (a spurious wake-up, or an unpark
   * left over from an earlier commit; here another thread unparks them all the time) must not
   * wake their places in the tree before the whole group is decided: a member woken too early
   * parks again and nobody would wake it a second time (a hang, caught by the timeout).
   */
  @Test
  void callersWokenEarlyDoNotLoseTheirChildrensWakeUps() throws Exception {
    int threads = 16;
    int rounds = 100;
    // answers 5 ms late: a group's append is pending most of the time, its skipped members decided
    FaultPlan slowAnswers = FaultPlan.builder(1).rule(FaultPlan.on(FaultPlan.Direction.TO_CLIENT).delay(5)).build();
    try (LogBackend backend = new LogBackend.Sim(GdpSimulator.builder().inProcess().faults(slowAnswers).start());
        GdpFileSystem fs = backend.mkfs(FsOptions.DEFAULT)) {
      List<Thread> workers = new ArrayList<>();
      AtomicInteger stored = new AtomicInteger();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      CyclicBarrier start = new CyclicBarrier(threads + 1);
      for (int t = 0; t < threads; t++) {
        workers.add(new Thread(() -> {
          try {
            start.await();
            for (int i = 0; i < rounds; i++) {
              if (fs.kv().putIfAbsent("k" + i, new byte[8])) {
                stored.incrementAndGet();
              }
            }
          } catch (Throwable e) {
            failure.compareAndSet(null, e);
          }
        }, "putIfAbsent-" + t));
      }
      workers.forEach(Thread::start);
      start.await();
      // a few bursts of wake-ups, then none: a wake-up lost in the last burst is never made good
      Random random = new Random(7);
      for (int burst = 0; burst < 12; burst++) {
        Thread.sleep(5 + random.nextInt(30));
        workers.forEach(LockSupport::unpark);
      }
      for (Thread w : workers) {
        w.join();
      }
      assertThat(failure.get()).isNull();
      assertThat(stored.get()).as("one putIfAbsent per key stored").isEqualTo(rounds);
      assertThat(fs.kv().keys("k")).hasSize(rounds);
    }
  }

  /**
   * Callers interrupted at random while they wait in a group (as members or as the leader, whose
   * interrupted wait for the append breaks the filesystem for writing): nobody hangs, every call
   * returns or throws, and every put that returned is in the filesystem when it is opened again.
   */
  @Test
  void interruptedCallersNeitherHangNorLoseAcknowledgedPuts() throws Exception {
    int threads = 16;
    try (LogBackend backend = LogBackend.simulator()) {
      GdpName root;
      try (GdpFileSystem fs = backend.mkfs(FsOptions.DEFAULT)) {
        root = fs.rootName();
      }
      Set<String> acknowledged = ConcurrentHashMap.newKeySet();
      Random random = new Random(3);
      for (int round = 0; round < 8; round++) {
        // a writer instance per round: an interrupted leader leaves its instance broken for writing
        try (GdpFileSystem fs = backend.open(root, LogBackend.KEYS, FsOptions.DEFAULT)) {
          List<Thread> workers = new ArrayList<>();
          for (int t = 0; t < threads; t++) {
            String prefix = "r" + round + "t" + t + "-";
            workers.add(new Thread(() -> {
              for (int i = 0; i < 300; i++) {
                try {
                  fs.kv().put(prefix + i, new byte[8]);
                  acknowledged.add(prefix + i);
                } catch (FsException e) {
                  Thread.interrupted(); // outcome unknown (interrupted leader) or refused (broken): go on
                }
              }
            }, "interrupted-" + t));
          }
          workers.forEach(Thread::start);
          Thread.sleep(20 + random.nextInt(30));
          for (int i = 0; i < 50; i++) {
            workers.get(random.nextInt(threads)).interrupt();
            Thread.sleep(1);
          }
          for (Thread w : workers) {
            w.join();
          }
        }
      }
      assertThat(acknowledged).isNotEmpty();
      try (GdpFileSystem again = backend.open(root, null, FsOptions.DEFAULT)) {
        Set<String> stored = new java.util.HashSet<>(again.kv().keys("r"));
        assertThat(stored).containsAll(acknowledged);
      }
    }
  }

  /** What one of the threads started together does; {@code id} numbers them from 0. */
  interface Body {
    void run(int id) throws Exception;
  }

  /** Runs {@code body} on {@code threads} threads released together; rethrows the first failure. */
  static void atOnce(int threads, Body body) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CyclicBarrier start = new CyclicBarrier(threads);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        done.add(pool.submit(() -> {
          start.await();
          body.run(id);
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static long cpu() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
