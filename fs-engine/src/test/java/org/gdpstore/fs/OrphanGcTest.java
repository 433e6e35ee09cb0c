package org.gdpstore.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.gdpstore.client.Backoff;
import org.gdpstore.client.GdpClient;
import org.gdpstore.fs.internal.InMemoryLogStore;
import org.gdpstore.fs.internal.LogIntents;
import org.gdpstore.fs.internal.Records;
import org.gdpstore.fs.internal.proto.FsRecord;
import org.gdpstore.sim.GdpSimulator;
import org.gdpstore.wire.GdpName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gc of file logs no commit references (format 5 intents, docs/fs-engine.md "Logs no commit
 * references"): a writer killed after filling a file log and before its commit, aborted
 * transactions and pooled logs never used are deleted once their intent is older than the grace;
 * referenced logs and a live writer's fresh pooled logs are kept.
 */
class OrphanGcTest {
  static byte[] content(int n, int seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void abortedTransactionsAndUnusedPooledLogsAreDeletedAfterTheGraceReferencedOnesKept() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    FsTransactionTest.TestClock clock = new FsTransactionTest.TestClock(); // moved by hand
    // checkpoints every 2 commits: the open below starts from a checkpoint, which must carry the intents
    FsOptions o = FsOptions.builder().clock(clock).chunkSize(4_096).logPool(3).checkpointEveryCommits(2).build();
    GdpName root;
    int before;
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, o)) {
      root = fs.rootName();
      fs.writeFile("/kept", content(10_000, 1));
      try (Transaction t = fs.newTransaction()) {
        t.writeFile("/aborted", content(10_000, 2)); // its log is filled, then the transaction aborts
      }
      for (int i = 0; i < 4; i++) {
        fs.kv().put("k" + i, content(10, i)); // commits after the intent: a checkpoint follows them
      }
      before = store.logCount();
    }
    clock.advance(Duration.ofHours(25).toSeconds()); // past the default grace of 24 h
    try (GdpFileSystem fs = GdpFileSystem.open(store, root, LogBackend.KEYS, o)) {
      GcReport dry = fs.gc(RetentionPolicy.KEEP_ALL, true);
      assertThat(dry.intentsSettled()).isEqualTo(1);
      assertThat(store.logCount()).isEqualTo(before);
      GcReport r = fs.gc(RetentionPolicy.KEEP_ALL, false);
      // the aborted file's log and the 3 pooled logs nobody took: 4 of the intent's 64 slots existed
      assertThat(r.orphansDeleted()).hasSize(4);
      assertThat(r.intentsSettled()).isEqualTo(1);
      assertThat(r.complete()).isTrue();
      assertThat(store.logCount()).isEqualTo(before - 4);
      assertThat(fs.readFile("/kept")).isEqualTo(content(10_000, 1));
      assertThat(fs.gc(RetentionPolicy.KEEP_ALL, false).intentsSettled()).as("settled once").isZero();
      // this writer's own pool is fresh (its intent is young): gc keeps it and the file below uses it
      fs.writeFile("/after", content(10_000, 3));
      clock.advance(Duration.ofHours(1).toSeconds());
      assertThat(fs.gc(RetentionPolicy.KEEP_ALL, false).orphansDeleted()).isEmpty();
      assertThat(fs.readFile("/after")).isEqualTo(content(10_000, 3));
    }
    try (GdpFileSystem fs = GdpFileSystem.open(store, root, null, o)) {
      assertThat(fs.readFile("/kept")).isEqualTo(content(10_000, 1));
      assertThat(fs.readFile("/after")).isEqualTo(content(10_000, 3));
    }
  }

  @Test
  void aShorterGraceInThePolicyAndAWriterThatSkipsItsAgedPool() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    FsTransactionTest.TestClock clock = new FsTransactionTest.TestClock(); // moved by hand
    FsOptions o = FsOptions.builder().clock(clock).chunkSize(4_096).logPool(2).orphanGrace(Duration.ofHours(2)).build();
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, o)) {
      fs.writeFile("/a", content(10_000, 1));
      clock.advance(Duration.ofMinutes(61).toSeconds()); // past half the grace: the pooled logs are left to gc
      fs.writeFile("/b", content(10_000, 2));
      assertThat(fs.gc(RetentionPolicy.KEEP_ALL, false).orphansDeleted()).as("nothing is 2 h old yet").isEmpty();
      clock.advance(Duration.ofMinutes(61).toSeconds());
      GcReport r = fs.gc(RetentionPolicy.KEEP_ALL, false);
      assertThat(r.orphansDeleted()).as("the first intent's two unused pooled logs").hasSize(2);
      assertThat(fs.gc(RetentionPolicy.KEEP_ALL.withOrphanGrace(Duration.ofMinutes(1)), false).orphansDeleted())
          .as("a shorter grace in the policy reaches the second intent's unused logs").hasSize(2);
      assertThat(fs.readFile("/a")).isEqualTo(content(10_000, 1));
      assertThat(fs.readFile("/b")).isEqualTo(content(10_000, 2));
    }
  }

  /** A log server without DELETE (the reference gdplogd): one line says so, intents stay open for later. */
  @Test
  void withoutDeleteTheOrphansAreReportedOnceAndTheIntentStaysOpen() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    FsTransactionTest.TestClock clock = new FsTransactionTest.TestClock(); // moved by hand
    FsOptions o = FsOptions.builder().clock(clock).chunkSize(4_096).logPool(2).build();
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, o)) {
      fs.writeFile("/a", content(10_000, 1));
      clock.advance(Duration.ofHours(25).toSeconds());
      store.refuseDeletes(true);
      int logs = store.logCount();
      GcReport r = fs.gc(RetentionPolicy.KEEP_ALL, false);
      assertThat(r.notDeleted()).hasSize(1);
      assertThat(r.notDeleted().values().iterator().next()).contains("DELETE");
      assertThat(r.intentsSettled()).isZero();
      assertThat(store.deleteCount()).isZero();
      assertThat(store.logCount()).isEqualTo(logs);
      store.refuseDeletes(false);
      GcReport later = fs.gc(RetentionPolicy.KEEP_ALL, false);
      assertThat(later.intentsSettled()).isEqualTo(1);
      assertThat(later.orphansDeleted()).hasSize(2); // the two pooled logs /a did not use
      assertThat(fs.readFile("/a")).isEqualTo(content(10_000, 1));
    }
  }

  @Test
  void intentRecordsPrecedeTheLogsTheyName() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, FsOptions.builder().logPool(0).build())) {
      fs.writeFile("/f", content(10_000, 1));
      var src = store.openSource(fs.rootName(), true).get();
      FsRecord second = FsRecord.parseFrom(src.read(2).get().payload().duplicate());
      assertThat(second.hasIntent()).as("record 2 is the intent").isTrue();
      LogIntents.Intent intent = new LogIntents.Intent(second.getIntent().getIntentId().toByteArray(),
          second.getIntent().getFirst(), second.getIntent().getCount(), second.getIntent().getIntentUnixNanos(),
          second.getIntent().getChained(), 2);
      GdpName slot0 = store.possibleNames(LogBackend.KEYS.publicKey(), LogIntents.identity(fs.rootName(), intent, 0)).get(0);
      assertThat(store.logNames()).contains(slot0);
      assertThat(Records.FORMAT_VERSION).isGreaterThanOrEqualTo(Records.INTENTS_VERSION);
    }
  }

  /**
   * A writer JVM killed after its file log was created and synced and before the commit: a gc
   * after the grace deletes that log (its file is gone from the simulator's data directory) and
   * the writer's unused pooled logs; committed files and a live writer's pool are kept.
   */
  @Test
  void aWriterKilledBeforeItsCommitLeavesALogThatGcDeletes(@TempDir Path tmp) throws Exception {
    try (GdpSimulator sim = GdpSimulator.builder().loopbackTcp(0).dataDir(tmp.resolve("sim")).start();
        GdpClient client = tcpClient(sim)) {
      GdpName root;
      try (GdpFileSystem fs = GdpFileSystem.mkfs(client, LogBackend.KEYS, FsOptions.DEFAULT)) {
        root = fs.rootName();
        fs.writeFile("/kept", content(20_000, 3));
      }
      // the worker's clock runs two days behind: its intents are two days old at once
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
          OrphanWorker.class.getName(), sim.tcpAddress().getHostString(), String.valueOf(sim.tcpAddress().getPort()),
          sim.serverName().printable(), root.printable(), String.valueOf(-Duration.ofDays(2).toSeconds()))
          .redirectErrorStream(true).start();
      try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        StringBuilder seen = new StringBuilder();
        while ((line = out.readLine()) != null && !line.equals("READY")) {
          seen.append(line).append('\n');
        }
        assertThat(line).as("worker output:\n%s", seen).isEqualTo("READY");
      } finally {
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
      }
      Path logs = sim.dataDir().resolve("logs");
      Set<String> beforeGc = glogs(logs);
      try (GdpFileSystem fs = GdpFileSystem.open(client, root, LogBackend.KEYS, FsOptions.DEFAULT)) {
        fs.writeFile("/live", content(20_000, 4)); // this writer's intent is fresh: its pool must survive
        GcReport r = fs.gc(RetentionPolicy.KEEP_ALL, false);
        assertThat(r.complete()).as("%s", r.notDeleted()).isTrue();
        // the dying file's log and the worker's unused pooled logs (4 prepared after /kept-by-worker)
        assertThat(r.orphansDeleted()).hasSizeGreaterThanOrEqualTo(2);
        Set<String> afterGc = glogs(logs);
        for (String name : r.orphansDeleted()) {
          assertThat(beforeGc).contains(name);
          assertThat(afterGc).as("log file of %s", name).doesNotContain(name);
        }
        assertThat(fs.readFile("/kept")).isEqualTo(content(20_000, 3));
        assertThat(fs.readFile("/kept-by-worker")).isEqualTo(content(20_000, 1));
        assertThat(fs.readFile("/live")).isEqualTo(content(20_000, 4));
        assertThat(fs.exists("/dying")).isFalse();
        for (int i = 0; i < 6; i++) {
          fs.writeFile("/live" + i, content(20_000, 10 + i)); // takes the pooled logs gc must have kept
        }
        for (int i = 0; i < 6; i++) {
          assertThat(fs.readFile("/live" + i)).isEqualTo(content(20_000, 10 + i));
        }
      }
    }
  }

  /** A client of {@code sim} over TCP with short resends, as the worker processes use. */
  static GdpClient tcpClient(GdpSimulator sim) {
    return GdpClient.builder().router(sim.tcpAddress()).creationService(sim.serverName())
        .requestTimeout(Duration.ofSeconds(10)).resendInterval(Duration.ofMillis(300))
        .backoff(Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(200))).build();
  }

  private static Set<String> glogs(Path dir) throws Exception {
    Set<String> out = new TreeSet<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".glog"))
          .forEach(n -> out.add(n.substring(0, n.length() - ".glog".length())));
    }
    return out;
  }
}
