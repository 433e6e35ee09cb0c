package org.gdpstore.fs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.gdpstore.fs.internal.InMemoryLogStore;
import org.gdpstore.fs.internal.LogStore;
import org.gdpstore.fs.internal.proto.FsRecord;
import org.gdpstore.wire.GdpName;
import org.junit.jupiter.api.Test;

/**
 * Garbage collection with retention (format version 4): the horizon is recorded before any
 * DELETE, older snapshots are refused and never read partially, only logs no retained snapshot
 * references are deleted (shared copies and continued logs stay), and a writer killed at any
 * append or delete of a gc leaves a filesystem that opens, reads correctly at every retained
 * snapshot and finishes the gc on the next run.
 */
class GcTest {
  static final TreeSet<String> KV = new TreeSet<>(List.of("big", "small"));
  /** Files get logs (no inline files), so every version has a log to collect. */
  static final FsOptions OPTS = FsOptions.builder().inlineFileBytes(0).chunkSize(1_000)
      .checkpointEveryCommits(4).checkpointEveryBytes(0).logPool(0).build();

  /** A history with overwrites, a copy sharing a log, an append continuing one, deletes and KV. */
  static long history(GdpFileSystem fs) throws Exception {
    fs.writeFile("/a", InMemoryCrashAndIntegrityTest.content(3_000, 1)); // A1
    fs.writeFile("/a", InMemoryCrashAndIntegrityTest.content(3_000, 2)); // A2
    fs.copyFile("/a", "/b"); // /b shares A2
    fs.writeFile("/a", InMemoryCrashAndIntegrityTest.content(2_500, 3)); // A3
    fs.writeFile("/c", InMemoryCrashAndIntegrityTest.content(1_500, 4)); // C1
    fs.deleteFile("/c");
    fs.kv().put("big", InMemoryCrashAndIntegrityTest.content(2_000, 5)); // K1
    fs.kv().put("small", "s".getBytes(UTF_8));
    fs.kv().put("big", InMemoryCrashAndIntegrityTest.content(2_100, 6)); // K2: the horizon's commit
    long horizon = fs.head();
    try (WritableFile w = fs.newAppendableFile("/a")) { // continues A3 (shared by two versions)
      w.append(InMemoryCrashAndIntegrityTest.content(700, 7));
    }
    fs.recursivelyCreateDir("/d");
    fs.writeFile("/d/e", InMemoryCrashAndIntegrityTest.content(1_200, 8));
    return horizon;
  }

  /** Every snapshot's dump by record number. */
  static TreeMap<Long, TreeMap<String, String>> dumps(GdpFileSystem fs, long from) throws Exception {
    TreeMap<Long, TreeMap<String, String>> out = new TreeMap<>();
    for (long r = from; r <= fs.head(); r++) {
      out.put(r, CheckpointTest.dump(fs.at(r), KV));
    }
    return out;
  }

  /** The file logs the entries of snapshot {@code r} reference. */
  static Set<GdpName> logsAt(GdpFileSystem fs, long r) throws Exception {
    Set<GdpName> out = new HashSet<>();
    var idx = fs.engine().indexFor(r);
    for (var key : idx.allKeys()) {
      var e = idx.get(key, r);
      if (e != null && e.log != null) {
        out.add(e.log);
      }
    }
    return out;
  }

  static void assertExpired(ThrowingCall call) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(FsException.class, e -> {
      assertThat(e.code()).isEqualTo(FsCode.FAILED_PRECONDITION);
      assertThat(e.getMessage()).contains("older than the retention horizon");
    });
  }

  interface ThrowingCall {
    void run() throws Exception;
  }

  @Test
  void gcDeletesOnlyWhatNoRetainedSnapshotReferencesAndRefusesOlderSnapshots() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    GdpName root;
    long horizon;
    TreeMap<Long, TreeMap<String, String>> before;
    Set<GdpName> retained = new HashSet<>();
    Set<GdpName> all = new HashSet<>();
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, OPTS)) {
      root = fs.rootName();
      horizon = history(fs);
      before = dumps(fs, 1);
      for (long r = 1; r <= fs.head(); r++) {
        (r >= horizon ? retained : all).addAll(logsAt(fs, r));
      }
      all.addAll(retained);
      Set<GdpName> expected = new HashSet<>(all);
      expected.removeAll(retained);
      assertThat(expected).as("A1, C1 and K1 only").hasSize(3);
      List<Long> commits = fs.commits();
      int keep = commits.size() - commits.indexOf(horizon);

      FsSnapshot pinnedOld = fs.at(horizon - 1);
      FsSnapshot pinnedKept = fs.at(horizon);
      GdpRandomAccessFile openOld = pinnedOld.newRandomAccessFile("/a");
      Set<GdpName> logsBefore = store.logNames();
      GcReport dry = fs.gc(RetentionPolicy.keepCommits(keep), true);
      assertThat(dry.dryRun()).isTrue();
      assertThat(dry.horizon()).isEqualTo(horizon);
      assertThat(dry.deleted()).containsExactlyInAnyOrderElementsOf(expected.stream().map(GdpName::printable).toList());
      assertThat(store.logNames()).as("a dry run deletes nothing").isEqualTo(logsBefore);
      assertThat(fs.retentionHorizon()).isEqualTo(1);

      GcReport r = fs.gc(RetentionPolicy.keepCommits(keep), false);
      assertThat(r.complete()).isTrue();
      assertThat(r.horizon()).isEqualTo(horizon);
      assertThat(r.deleted()).hasSize(3);
      assertThat(r.deletedBytes()).isEqualTo(3_000 + 1_500 + 2_000);
      assertThat(fs.retentionHorizon()).isEqualTo(horizon);
      Set<GdpName> gone = new HashSet<>(logsBefore);
      gone.removeAll(store.logNames());
      assertThat(gone).isEqualTo(expected);
      assertThat(store.logNames()).containsAll(retained);

      assertExpired(() -> fs.at(horizon - 1));
      assertExpired(() -> fs.at(1));
      assertExpired(() -> fs.at(Instant.EPOCH));
      assertExpired(() -> pinnedOld.readFile("/a"));
      assertExpired(() -> pinnedOld.getChildren("/"));
      fs.flushCaches();
      assertExpired(() -> openOld.readFully(0, 10)); // a file opened before the gc
      assertThat(CheckpointTest.dump(pinnedKept, KV)).isEqualTo(before.get(horizon));
      assertThat(dumps(fs, horizon)).isEqualTo(before.tailMap(horizon));
      assertThat(fs.readFile("/b")).isEqualTo(InMemoryCrashAndIntegrityTest.content(3_000, 2));

      // again: nothing left to do
      GcReport again = fs.gc(RetentionPolicy.keepCommits(keep), false);
      assertThat(again.deleted()).isEmpty();
      assertThat(again.complete()).isTrue();
      // commits after the gc: a checkpoint follows, carrying the horizon
      for (int i = 0; i < 5; i++) {
        fs.kv().put("small", ("after" + i).getBytes(UTF_8));
      }
    }
    assertThat(gcRecords(store, root)).as("intent then done").containsExactly(false, true);
    for (boolean ckpt : new boolean[] {true, false}) {
      try (GdpFileSystem fs = GdpFileSystem.open(store, root, null, OPTS.toBuilder().readCheckpoints(ckpt).build())) {
        assertThat(fs.retentionHorizon()).as("horizon after open, checkpoints %s", ckpt).isEqualTo(horizon);
        assertExpired(() -> fs.at(horizon - 1));
        for (long rec = horizon; rec < horizon + before.tailMap(horizon).size(); rec++) {
          assertThat(CheckpointTest.dump(fs.at(rec), KV)).isEqualTo(before.get(rec));
        }
        assertThat(fs.verifyAll().failures()).isEmpty();
        assertThat(fs.history("/a")).isNotEmpty(); // directory records are never collected
      }
    }
  }

  /** The {@code done} flag of every gc record of the directory log, in order. */
  static List<Boolean> gcRecords(InMemoryLogStore store, GdpName root) throws Exception {
    LogStore.Source src = store.openSource(root, false).get();
    List<Boolean> out = new ArrayList<>();
    for (LogStore.StoredRecord rec : src.readRange(2, Integer.MAX_VALUE).get()) {
      FsRecord fr = FsRecord.parseFrom(rec.payload().duplicate());
      if (fr.hasGc()) {
        out.add(fr.getGc().getDone());
      }
    }
    return out;
  }

  @Test
  void keepForKeepsTheSnapshotsOfTheLastDuration() throws Exception {
    AtomicLong now = new AtomicLong(1_000_000);
    Clock clock = new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return Instant.ofEpochSecond(now.get());
      }
    };
    InMemoryLogStore store = new InMemoryLogStore();
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, OPTS.toBuilder().clock(clock).build())) {
      fs.writeFile("/f", InMemoryCrashAndIntegrityTest.content(2_000, 1)); // day 0
      now.addAndGet(86_400);
      fs.writeFile("/f", InMemoryCrashAndIntegrityTest.content(2_000, 2)); // day 1
      long day1 = fs.head();
      now.addAndGet(86_400);
      fs.writeFile("/f", InMemoryCrashAndIntegrityTest.content(2_000, 3)); // day 2
      now.addAndGet(3_600);
      // keep 1 day: the snapshot current a day ago (day 1's) and everything after it
      GcReport r = fs.gc(RetentionPolicy.keepFor(Duration.ofDays(1)), false);
      assertThat(r.horizon()).isEqualTo(day1);
      assertThat(r.deleted()).hasSize(1);
      assertThat(fs.at(day1).readFile("/f")).isEqualTo(InMemoryCrashAndIntegrityTest.content(2_000, 2));
      assertExpired(() -> fs.at(day1 - 1));
      // keep-all moves nothing back; a longer retention cannot bring anything back either
      assertThat(fs.gc(RetentionPolicy.keepFor(Duration.ofDays(30)), false).horizon()).isEqualTo(day1);
      assertThat(fs.gc(RetentionPolicy.KEEP_ALL, false).horizon()).isEqualTo(day1);
    }
  }

  @Test
  void aServerWithoutDeleteIsReportedAndALaterGcFinishes() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, OPTS)) {
      long horizon = history(fs);
      TreeMap<Long, TreeMap<String, String>> before = dumps(fs, horizon);
      int logs = store.logCount();
      store.refuseDeletes(true); // as the reference gdplogd: DELETE not implemented
      GcReport r = fs.gc(RetentionPolicy.keepCommits(fs.commits().size() - fs.commits().indexOf(horizon)), false);
      assertThat(r.complete()).isFalse();
      assertThat(r.deleted()).isEmpty();
      assertThat(r.notDeleted()).hasSize(3);
      assertThat(r.notDeleted().values()).allSatisfy(why -> assertThat(why).contains("UNIMPLEMENTED"));
      assertThat(store.logCount()).isEqualTo(logs);
      assertThat(dumps(fs, horizon)).isEqualTo(before); // nothing damaged
      fs.writeFile("/later", "x".getBytes(UTF_8)); // still writable
      logs = store.logCount();
      store.refuseDeletes(false);
      GcReport finish = fs.gc(RetentionPolicy.KEEP_ALL, false); // keeps the horizon, finishes the deletes
      assertThat(finish.deleted()).hasSize(3);
      assertThat(finish.complete()).isTrue();
      assertThat(store.logCount()).isEqualTo(logs - 3);
    }
  }

  @Test
  void aWriterKilledAtAnyAppendOrDeleteOfAGcLeavesAGoodFilesystemThatFinishesIt() throws Exception {
    InMemoryLogStore original = new InMemoryLogStore();
    GdpName root;
    long horizon;
    int keep;
    TreeMap<Long, TreeMap<String, String>> before;
    Set<GdpName> expectedLogs;
    try (GdpFileSystem fs = GdpFileSystem.mkfs(original, LogBackend.KEYS, OPTS)) {
      root = fs.rootName();
      horizon = history(fs);
      before = dumps(fs, 1);
      keep = fs.commits().size() - fs.commits().indexOf(horizon);
      expectedLogs = new HashSet<>(original.logNames());
      for (long r = 1; r < horizon; r++) {
        expectedLogs.removeAll(logsAt(fs, r));
      }
      for (long r = horizon; r <= fs.head(); r++) {
        expectedLogs.addAll(logsAt(fs, r));
      }
    }
    ByteArrayOutputStream saved = new ByteArrayOutputStream();
    original.save(saved);
    boolean finishedWithoutCrash = false;
    // a gc here is: 1 intent append, 3 deletes, 1 done append
    for (int crashAfter = 0; !finishedWithoutCrash; crashAfter++) {
      assertThat(crashAfter).as("the gc ends within its 5 steps").isLessThanOrEqualTo(5);
      InMemoryLogStore store = InMemoryLogStore.load(new ByteArrayInputStream(saved.toByteArray()));
      try (GdpFileSystem fs = GdpFileSystem.open(store, root, LogBackend.KEYS, OPTS)) {
        store.crashAfterAppends(crashAfter);
        try {
          fs.gc(RetentionPolicy.keepCommits(keep), false);
          finishedWithoutCrash = true;
        } catch (FsException killed) {
          assertThat(killed.code()).isIn(FsCode.UNAVAILABLE);
        }
        store.heal();
      } catch (RuntimeException closeAfterCrash) {
        // closing a writer whose log server "died" may report it; the logs are what matter
      }
      // the filesystem opens and reads correctly at every retained snapshot
      try (GdpFileSystem fs = GdpFileSystem.open(store, root, null, OPTS)) {
        long h = fs.retentionHorizon();
        assertThat(h).as("crash after %d: horizon recorded first or not at all", crashAfter).isIn(1L, horizon);
        if (crashAfter == 0) {
          assertThat(h).isEqualTo(1);
          assertThat(store.logNames()).as("nothing deleted before the horizon is recorded")
              .containsAll(original.logNames());
        }
        for (long r = h; r <= fs.head() && before.containsKey(r); r++) {
          assertThat(CheckpointTest.dump(fs.at(r), KV)).as("crash after %d, snapshot %d", crashAfter, r)
              .isEqualTo(before.get(r));
        }
        if (h > 1) {
          assertExpired(() -> fs.at(h - 1));
        }
      }
      // a new writer finishes the gc
      try (GdpFileSystem fs = GdpFileSystem.open(store, root, LogBackend.KEYS, OPTS)) {
        GcReport r = fs.gc(RetentionPolicy.keepCommits(keep), false); // the gc records add no commits
        assertThat(r.complete()).isTrue();
        assertThat(fs.retentionHorizon()).isEqualTo(horizon);
      }
      assertThat(store.logNames()).as("crash after %d: exactly the unreferenced logs are gone", crashAfter)
          .isEqualTo(expectedLogs);
      List<Boolean> gcs = gcRecords(store, root);
      assertThat(gcs.get(gcs.size() - 1)).as("the last gc record says done").isTrue();
    }
  }

  @Test
  void readersPinnedOnRetainedAndExpiredSnapshotsDuringGc() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, OPTS)) {
      long horizon = history(fs);
      TreeMap<Long, TreeMap<String, String>> before = dumps(fs, 1);
      int keep = fs.commits().size() - fs.commits().indexOf(horizon);
      FsSnapshot expired = fs.at(horizon - 3); // /a is A2, /c C1 there (A1's successor; C1 is collected)
      FsSnapshot kept = fs.at(horizon);
      ExecutorService pool = Executors.newFixedThreadPool(4);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong expiredRefusals = new AtomicLong();
      AtomicLong expiredReads = new AtomicLong();
      List<Future<?>> readers = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        readers.add(pool.submit(() -> {
          while (!stop.get()) {
            assertThat(CheckpointTest.dump(kept, KV)).isEqualTo(before.get(horizon));
            fs.flushCaches();
          }
          return null;
        }));
        readers.add(pool.submit(() -> {
          while (!stop.get()) {
            try {
              assertThat(CheckpointTest.dump(expired, KV)).isEqualTo(before.get(horizon - 3));
              expiredReads.incrementAndGet();
            } catch (FsException e) {
              assertThat(e.code()).as(e.getMessage()).isEqualTo(FsCode.FAILED_PRECONDITION);
              assertThat(e.getMessage()).contains("older than the retention horizon");
              expiredRefusals.incrementAndGet();
            }
            fs.flushCaches();
          }
          return null;
        }));
      }
      Thread.sleep(50);
      GcReport r = fs.gc(RetentionPolicy.keepCommits(keep), false);
      assertThat(r.complete()).isTrue();
      long refusedAtGc = expiredRefusals.get();
      Thread.sleep(100);
      stop.set(true);
      for (Future<?> f : readers) {
        f.get(30, TimeUnit.SECONDS); // a wrong read or an unexpected error fails here
      }
      pool.shutdown();
      assertThat(expiredRefusals.get()).as("expired readers are refused after the gc").isGreaterThan(refusedAtGc);
      assertExpired(() -> expired.readFile("/a"));
      assertThat(CheckpointTest.dump(kept, KV)).isEqualTo(before.get(horizon));
    }
  }

  @Test
  void aVersion3FilesystemRefusesGcAndStillOpens() throws Exception {
    InMemoryLogStore store;
    try (InputStream in = GcTest.class.getResourceAsStream("/fixtures/v3-fs.bin")) {
      store = InMemoryLogStore.load(in);
    }
    GdpName root = GdpName.parse(FormatFixtureTest.resource("v3-fs.root").trim());
    int logs = store.logCount();
    try (GdpFileSystem fs = GdpFileSystem.open(store, root, LogBackend.KEYS, FsOptions.DEFAULT)) {
      assertThatThrownBy(() -> fs.gc(RetentionPolicy.keepCommits(1), false))
          .isInstanceOfSatisfying(FsException.class, e -> {
            assertThat(e.code()).isEqualTo(FsCode.FAILED_PRECONDITION);
            assertThat(e.getMessage()).contains("format version 3").contains("record 1");
          });
      assertThat(fs.retentionHorizon()).isEqualTo(1);
    }
    assertThat(store.logCount()).isEqualTo(logs);
    try (GdpFileSystem fs = GdpFileSystem.open(store, root, null, FsOptions.DEFAULT)) {
      assertThat(FormatFixtureTest.dumpAll(fs)).isEqualTo(FormatFixtureTest.resource("v3-fs.dump"));
    }
  }

  @Test
  void gcNeedsTheWriterKeyButADryRunDoesNot() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    GdpName root;
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, OPTS)) {
      root = fs.rootName();
      history(fs);
    }
    try (GdpFileSystem ro = GdpFileSystem.open(store, root, null, OPTS)) {
      assertThat(ro.gc(RetentionPolicy.keepCommits(1), true).deleted()).isNotEmpty();
      assertThatThrownBy(() -> ro.gc(RetentionPolicy.keepCommits(1), false))
          .isInstanceOfSatisfying(FsException.class, e -> assertThat(e.code()).isEqualTo(FsCode.PERMISSION_DENIED));
    }
  }
}
