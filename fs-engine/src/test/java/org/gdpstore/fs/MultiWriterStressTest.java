package org.gdpstore.fs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.gdpstore.client.Backoff;
import org.gdpstore.client.GdpClient;
import org.gdpstore.fs.internal.Hashes;
import org.gdpstore.sim.FaultPlan;
import org.gdpstore.sim.GdpSimulator;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.MsgCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * N writer processes ({@link StressWorker}, real JVMs) commit M seeded operations each to one
 * filesystem through a TCP simulator with faults on (appends and answers dropped and duplicated,
 * a connection cut, the log server crashed and restarted mid-run). Afterwards the filesystem must
 * equal the serial replay, in directory-log order, of exactly the operations that reported success:
 * each path's history is exactly its successful writes (a failed one left no trace), the newest
 * wins, every success has its own commit and no commit is unaccounted for; the only failures are
 * conflicts (ABORTED), never an unknown outcome. Seeded ({@code -Dgdpstore.stress.seed=N}); a long
 * run with {@code -Dgdpstore.stress.long=true}.
 */
class MultiWriterStressTest {
  private static final boolean LONG = Boolean.getBoolean("gdpstore.stress.long") || Boolean.getBoolean("gdpstore.long");
  private static final int N = LONG ? 6 : 4;
  private static final int M = LONG ? 400 : 40;

  record Op(int worker, int index, String status, String kind, List<String> targets, long recno, long snapshot,
      String detail) {
    byte[] content() {
      return ("w" + worker + "-op" + index).getBytes(UTF_8);
    }

    boolean succeeded() {
      return status.equals("OK") || status.equals("OKNR") || status.equals("TRUE");
    }
  }

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void severalWriterProcessesEqualTheSerialReplayOfTheirSuccessfulCommits(@TempDir Path tmp) throws Exception {
    long seed = Long.getLong("gdpstore.stress.seed", 13L);
    FaultPlan plan = FaultPlan.builder(seed)
        .rule(FaultPlan.on(FaultPlan.Direction.TO_SERVER).code(MsgCode.CMD_APPEND).probability(0.03).drop())
        .rule(FaultPlan.on(FaultPlan.Direction.TO_SERVER).code(MsgCode.CMD_APPEND).probability(0.03).duplicate())
        .rule(FaultPlan.on(FaultPlan.Direction.TO_CLIENT).probability(0.02).drop())
        .rule(FaultPlan.on(FaultPlan.Direction.TO_SERVER).code(MsgCode.CMD_APPEND).skip(30).times(2)
            .closeConnectionAfter(1))
        .build();
    try (GdpSimulator sim = GdpSimulator.builder().loopbackTcp(0).dataDir(tmp.resolve("sim")).faults(plan).start()) {
      GdpName root;
      int setupCommits;
      try (GdpClient c = client(sim); GdpFileSystem fs = GdpFileSystem.mkfs(c, LogBackend.KEYS, FsOptions.builder().chainedLogs(true).build())) {
        root = fs.rootName();
        fs.createDir("/shared");
        for (int w = 0; w < N; w++) {
          fs.createDir("/w" + w);
        }
        setupCommits = fs.commits().size();
      }

      List<Process> procs = new ArrayList<>();
      List<List<String>> outputs = new ArrayList<>();
      List<Thread> readers = new ArrayList<>();
      for (int w = 0; w < N; w++) {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
            StressWorker.class.getName(), sim.tcpAddress().getHostString(),
            String.valueOf(sim.tcpAddress().getPort()), sim.serverName().printable(), root.printable(),
            String.valueOf(seed), String.valueOf(w), String.valueOf(M));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        procs.add(p);
        List<String> out = Collections.synchronizedList(new ArrayList<>());
        outputs.add(out);
        Thread t = new Thread(() -> {
          try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
              out.add(line);
            }
          } catch (Exception e) {
            out.add("READ-ERROR " + e);
          }
        });
        t.setDaemon(true);
        t.start();
        readers.add(t);
      }
      try {
        // crash and restart the log server once the writers are well under way
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (outputs.stream().mapToInt(List::size).sum() < N * M / 3 && System.nanoTime() < until) {
          Thread.sleep(50);
        }
        sim.crashLogServer();
        Thread.sleep(300);
        sim.restartLogServer();
        for (Process p : procs) {
          assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("worker finished").isTrue();
        }
        for (Thread t : readers) {
          t.join(10_000);
        }
      } finally {
        procs.forEach(Process::destroyForcibly);
      }
      sim.faults().clear();

      List<Op> ops = new ArrayList<>();
      for (int w = 0; w < N; w++) {
        List<String> out = outputs.get(w);
        assertThat(out).as("worker %d output", w).contains("DONE");
        for (String line : out) {
          Op op = parse(w, line);
          if (op != null) {
            ops.add(op);
          }
        }
        final int worker = w;
        assertThat(ops.stream().filter(o -> o.worker() == worker).count()).as("worker %d ops", w).isEqualTo(M);
      }
      verify(sim, root, setupCommits, ops);
    }
  }

  private static Op parse(int w, String line) {
    String[] f = line.split(" ", 5);
    if (f.length < 3 || !Set.of("OK", "OKNR", "TRUE", "FALSE", "FAIL").contains(f[0])) {
      return null;
    }
    String what = f[2];
    String kind = what.substring(0, what.indexOf(':'));
    List<String> targets = List.of(what.substring(what.indexOf(':') + 1).split(","));
    long recno = f[0].equals("OK") ? Long.parseLong(f[3]) : 0;
    long snapshot = f[0].equals("OK") ? Long.parseLong(f[4]) : f[0].equals("OKNR") ? Long.parseLong(f[3]) : 0;
    String detail = f[0].equals("FAIL") ? f[3] + (f.length > 4 ? " " + f[4] : "") : "";
    return new Op(w, Integer.parseInt(f[1]), f[0], kind, targets, recno, snapshot, detail);
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(Hashes.sha256(b));
  }

  private void verify(GdpSimulator sim, GdpName root, int setupCommits, List<Op> ops) throws Exception {
    // only conflicts may fail: never an unknown outcome
    for (Op o : ops) {
      if (o.status().equals("FAIL")) {
        assertThat(o.detail()).as("worker %d op %d failed", o.worker(), o.index()).startsWith("ABORTED");
      }
    }
    long successes = ops.stream().filter(Op::succeeded).count();
    System.out.printf("stress: %d workers x %d ops: %d succeeded, %d aborted (conflicts), %d put-if-absent false%n",
        N, M, successes, ops.stream().filter(o -> o.status().equals("FAIL")).count(),
        ops.stream().filter(o -> o.status().equals("FALSE")).count());
    assertThat(successes).as("some operations succeed").isGreaterThan(ops.size() / 3);

    try (GdpClient c = client(sim); GdpFileSystem fs = GdpFileSystem.open(c, root, null, FsOptions.DEFAULT)) {
      // every success is one commit of its own (no grouping across processes), nothing else committed
      assertThat(fs.commits().size() - setupCommits).as("commits after setup").isEqualTo(successes);
      // the workers wrote detached checkpoints (every 4 of their commits) beside each other's commits
      assertThat(fs.engine().index().base()).as("opened from a checkpoint").isGreaterThan(1);
      Set<Long> recnos = new HashSet<>();

      // files: each path's history is exactly its successful writes; the newest (in log order) is the content
      Map<String, List<Op>> writesByPath = new TreeMap<>();
      for (Op o : ops) {
        if (o.kind().equals("tx") || o.kind().equals("file")) {
          for (String p : o.targets()) {
            writesByPath.computeIfAbsent(p, k -> new ArrayList<>()).add(o);
          }
        }
      }
      Map<Op, Long> txRecno = new HashMap<>();
      for (Map.Entry<String, List<Op>> e : writesByPath.entrySet()) {
        String path = e.getKey();
        Map<String, Long> history = new HashMap<>();
        java.util.TreeSet<Long> versions = new java.util.TreeSet<>();
        for (PathChange ch : fs.history(path)) {
          versions.add(ch.recno());
          assertThat(ch.kind()).isNotEqualTo(PathChange.Kind.DELETED);
          assertThat(history.put(ch.sha256(), ch.recno())).as("one version per content").isNull();
        }
        Map<String, Op> expected = new HashMap<>();
        for (Op o : e.getValue()) {
          if (o.succeeded()) {
            expected.put(hex(o.content()), o);
          }
        }
        assertThat(history.keySet()).as("history of %s = its successful writes", path).isEqualTo(expected.keySet());
        Op newest = null;
        long newestRecno = -1;
        for (Map.Entry<String, Op> x : expected.entrySet()) {
          long r = history.get(x.getKey());
          Op o = x.getValue();
          if (o.status().equals("OK")) {
            assertThat(r).as("reported recno of %s", o).isEqualTo(o.recno());
          }
          // no lost update: nothing changed the path between the snapshot the write was staged on and its commit
          Long before = versions.lower(r);
          assertThat(before == null || before <= o.snapshot())
              .as("%s committed at %d over version %s newer than its snapshot %d", o, r, before, o.snapshot()).isTrue();
          Long prev = txRecno.put(o, r);
          assertThat(prev == null || prev == r).as("one commit for all paths of a transaction").isTrue();
          if (r > newestRecno) {
            newestRecno = r;
            newest = o;
          }
        }
        if (newest != null) {
          assertThat(fs.readFile(path)).as("content of %s", path).isEqualTo(newest.content());
        } else {
          assertThat(fs.exists(path)).isFalse();
        }
      }
      recnos.addAll(txRecno.values());
      assertThat(recnos).as("distinct commits").hasSize(txRecno.size());

      // blind KV puts: all land, the newest in log order wins
      Map<String, Op> newestPut = new HashMap<>();
      for (Op o : ops) {
        if (o.kind().equals("kv")) {
          assertThat(o.status()).isEqualTo("OK");
          assertThat(recnos.add(o.recno())).as("recno %d claimed twice", o.recno()).isTrue();
          newestPut.merge(o.targets().get(0), o, (x, y) -> x.recno() > y.recno() ? x : y);
        }
      }
      for (Map.Entry<String, Op> e : newestPut.entrySet()) {
        assertThat(fs.kv().get(e.getKey()).orElseThrow()).isEqualTo(e.getValue().content());
      }
      // put-if-absent: exactly one winner per key that exists
      Map<String, List<Op>> winners = new HashMap<>();
      Set<String> onceKeys = new HashSet<>();
      for (Op o : ops) {
        if (o.kind().equals("once")) {
          onceKeys.add(o.targets().get(0));
          if (o.status().equals("TRUE")) {
            winners.computeIfAbsent(o.targets().get(0), k -> new ArrayList<>()).add(o);
          }
        }
      }
      for (String k : onceKeys) {
        List<Op> won = winners.getOrDefault(k, List.of());
        assertThat(won).as("put-if-absent winners of %s", k).hasSizeLessThanOrEqualTo(1);
        if (won.isEmpty()) {
          assertThat(fs.kv().get(k)).isEmpty();
        } else {
          assertThat(fs.kv().get(k).orElseThrow()).isEqualTo(won.get(0).content());
        }
      }
    }
    assertThat(ops.stream().filter(o -> o.status().equals("FAIL")).count()).as("some conflict").isPositive();
  }

  private static GdpClient client(GdpSimulator sim) {
    return GdpClient.builder().router(sim.tcpAddress()).creationService(sim.serverName())
        .requestTimeout(Duration.ofSeconds(10)).resendInterval(Duration.ofMillis(300))
        .backoff(Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(200))).build();
  }
}
