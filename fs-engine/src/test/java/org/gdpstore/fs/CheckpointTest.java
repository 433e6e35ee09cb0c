package org.gdpstore.fs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.gdpstore.fs.internal.Hashes;
import org.gdpstore.fs.internal.InMemoryLogStore;
import org.gdpstore.fs.internal.LogStore;
import org.gdpstore.fs.internal.proto.FsRecord;
import org.gdpstore.wire.GdpName;
import org.junit.jupiter.api.Test;

/**
 * Directory checkpoints (format version 3): open reads the latest checkpoint plus the commits
 * after it; every snapshot is the same with checkpoints read or ignored; a writer killed at any
 * append of a checkpoint leaves a filesystem that opens and reads correctly at every snapshot.
 */
class CheckpointTest {

  /** Checkpoint records (final parts) of a directory log: recno, part count, commit recno. */
  static List<long[]> checkpoints(InMemoryLogStore store, GdpName root) throws Exception {
    LogStore.Source src = store.openSource(root, false).get();
    long last = src.lastRecno().get();
    List<long[]> out = new ArrayList<>();
    for (long r = 2; r <= last; r += 256) {
      for (LogStore.StoredRecord rec : src.readRange(r, 256).get()) {
        FsRecord fr = FsRecord.parseFrom(rec.payload().duplicate());
        if (fr.hasCheckpoint() && fr.getCheckpoint().getLast()) {
          out.add(new long[] {rec.recno(), fr.getCheckpoint().getPart() + 1, fr.getCheckpoint().getCommitRecno()});
        }
      }
    }
    return out;
  }

  @Test
  void openReadsTheLastCheckpointAndTheCommitsAfterIt() throws Exception {
    int k = 1_000;
    FsOptions opts = FsOptions.builder().checkpointEveryCommits(k).checkpointEveryBytes(0).build();
    InMemoryLogStore store = new InMemoryLogStore();
    GdpName root;
    int commits = 100_000;
    int live = 1_000;
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, opts)) {
      root = fs.rootName();
      Random rnd = new Random(14);
      for (int i = 0; i < commits; i++) {
        fs.kv().put("key-" + rnd.nextInt(live), ("v" + i).getBytes(UTF_8));
      }
      // end between two checkpoints, so the open has commits to replay after the checkpoint
      for (int i = 0; i < k / 2; i++) {
        fs.kv().put("key-" + i, ("last" + i).getBytes(UTF_8));
      }
    }
    List<long[]> ckpts = checkpoints(store, root);
    assertThat(ckpts).hasSizeGreaterThanOrEqualTo(commits / k / 2); // written in the background: some later
    long lastParts = ckpts.get(ckpts.size() - 1)[1];
    // format 6: the checkpoint was written beside the commits after its own, which an open replays too
    long sinceItsCommit = store.lastRecno(root) - ckpts.get(ckpts.size() - 1)[2];
    assertThat(sinceItsCommit).isPositive().isLessThan(3L * k);
    store.resetReads();
    try (GdpFileSystem fs = GdpFileSystem.open(store, root, null, opts)) {
      // header + the last record (to find the checkpoint) + its parts + the records after its commit
      long bound = 2 + lastParts + sinceItsCommit;
      assertThat(store.recordsRead()).as("records read on open").isLessThanOrEqualTo(bound);
      assertThat(store.recordsVerified()).as("records verified on open").isLessThanOrEqualTo(bound);
      assertThat(store.recordsRead()).as("the commits after it were replayed").isGreaterThanOrEqualTo(sinceItsCommit - lastParts);
      for (int i = 0; i < k / 2; i++) {
        assertThat(new String(fs.kv().get("key-" + i).orElseThrow(), UTF_8)).isEqualTo("last" + i);
      }
      assertThat(fs.kv().keys("")).hasSize(live);
    }
  }

  /**
   * Writers that open, commit once and close (every gdpfs command) still write checkpoints: an
   * open counts the commits since the last checkpoint toward the next one. Before, each process
   * started counting at zero, so such a filesystem never had a checkpoint and every open replayed
   * its whole history.
   */
  @Test
  void processesOfOneCommitEachStillWriteCheckpoints() throws Exception {
    int k = 10;
    FsOptions opts = FsOptions.builder().checkpointEveryCommits(k).checkpointEveryBytes(0).build();
    InMemoryLogStore store = new InMemoryLogStore();
    GdpName root;
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, opts)) {
      root = fs.rootName();
    }
    int processes = 5 * k;
    for (int i = 0; i < processes; i++) {
      try (GdpFileSystem fs = GdpFileSystem.open(store, root, LogBackend.KEYS, opts)) {
        fs.kv().put("key-" + i, ("v" + i).getBytes(UTF_8));
      }
    }
    List<long[]> ckpts = checkpoints(store, root);
    assertThat(ckpts).as("checkpoints").hasSizeGreaterThanOrEqualTo(processes / k / 2);
    long sinceItsCommit = store.lastRecno(root) - ckpts.get(ckpts.size() - 1)[2];
    store.resetReads();
    try (GdpFileSystem fs = GdpFileSystem.open(store, root, null, opts)) {
      assertThat(store.recordsRead()).as("records read on open").isLessThanOrEqualTo(2 + sinceItsCommit + 1);
      assertThat(fs.kv().keys("")).hasSize(processes);
    }
  }

  /**
   * A growing namespace (every put a new key, as a bulk load or the concurrent-writers benchmark
   * does): checkpoints hold the whole namespace, so they must not come every K commits regardless
   * of their size, or each put pays a share that grows with the namespace. The bytes written as
   * checkpoints stay within what the commits weigh; an open still finds a recent checkpoint.
   */
  @Test
  void checkpointsOfAGrowingNamespaceCostLessThanTheCommits() throws Exception {
    FsOptions opts = FsOptions.builder().checkpointEveryCommits(20).build();
    InMemoryLogStore store = new InMemoryLogStore();
    GdpName root;
    int puts = 8_000;
    org.gdpstore.fs.internal.CommitStats stats;
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, opts)) {
      root = fs.rootName();
      for (int i = 0; i < puts; i++) {
        fs.kv().put("key-" + i, new byte[100]);
      }
      stats = fs.engine().transactions().commitStats();
    }
    // what an open replays of the commits: their bytes plus a record's signature check (4 KiB) each
    long commitWeight = stats.records() * 4096 + stats.recordBytes();
    assertThat(stats.checkpointBytes()).as("checkpoint bytes for %d puts (%s)", puts, stats)
        .isGreaterThan(0).isLessThan(commitWeight);
    List<long[]> ckpts = checkpoints(store, root);
    assertThat(ckpts.get(ckpts.size() - 1)[0]).as("last checkpoint").isGreaterThan(puts / 4);
  }

  /** Everything a snapshot shows: paths (D, or a file's size and hash) and the known KV keys. */
  static TreeMap<String, String> dump(FsSnapshot s, TreeSet<String> kvKeys) throws Exception {
    TreeMap<String, String> out = new TreeMap<>();
    walk(s, "/", out);
    for (String key : kvKeys) {
      Optional<byte[]> v = s.kvGet(key);
      v.ifPresent(b -> out.put("kv:" + key, HexFormat.of().formatHex(Hashes.sha256(b))));
    }
    return out;
  }

  private static void walk(FsSnapshot s, String dir, TreeMap<String, String> out) throws Exception {
    for (String child : s.getChildren(dir)) {
      String p = dir.equals("/") ? "/" + child : dir + "/" + child;
      if (s.stat(p).isDirectory()) {
        out.put(p, "D");
        walk(s, p, out);
      } else {
        out.put(p, s.getFileSize(p) + ":" + HexFormat.of().formatHex(Hashes.sha256(s.readFile(p))));
      }
    }
  }

  /** A seeded random history of files, directories, renames, deletes, KV and transactions. */
  static int randomHistory(GdpFileSystem fs, Random rnd, int steps, TreeSet<String> kvKeys) throws Exception {
    int transactions = 0;
    for (int i = 0; i < steps; i++) {
      String d = "/d" + rnd.nextInt(4);
      String f = d + "/f" + rnd.nextInt(6);
      try {
        switch (rnd.nextInt(8)) {
          case 0 -> fs.recursivelyCreateDir(d + "/sub" + rnd.nextInt(2));
          case 1 -> {
            fs.recursivelyCreateDir(d);
            byte[] b = new byte[rnd.nextInt(3) == 0 ? 2_000 + rnd.nextInt(3_000) : rnd.nextInt(200)];
            rnd.nextBytes(b);
            fs.writeFile(f, b);
          }
          case 2 -> fs.deleteFile(f);
          case 3 -> fs.renameFile(d, "/d" + rnd.nextInt(4) + "x" + rnd.nextInt(3));
          case 4 -> fs.deleteRecursively(d);
          case 5 -> {
            String key = "k" + rnd.nextInt(10);
            kvKeys.add(key);
            byte[] b = new byte[rnd.nextInt(2) == 0 ? 10 : 3_000];
            rnd.nextBytes(b);
            fs.kv().put(key, b);
          }
          case 6 -> fs.kv().delete("k" + rnd.nextInt(10));
          default -> {
            try (Transaction t = fs.newTransaction()) {
              t.recursivelyCreateDir("/t" + i);
              t.writeFile("/t" + i + "/a", ("a" + i).getBytes(UTF_8));
              if (rnd.nextBoolean()) {
                t.deleteRecursively("/d" + rnd.nextInt(4));
              }
              t.commit();
              transactions++;
            }
          }
        }
      } catch (FsException expected) {
        // a random step may not apply (missing file, existing target): skip it
      }
    }
    return transactions;
  }

  @Test
  void everySnapshotIsTheSameWithCheckpointsReadOrIgnored() throws Exception {
    for (long seed = 1; seed <= 4; seed++) {
      FsOptions writeOpts = FsOptions.builder().checkpointEveryCommits(5 + (int) seed)
          .checkpointEveryBytes(seed % 2 == 0 ? 20_000 : 0).inlineFileBytes(1024).chunkSize(1_000).build();
      InMemoryLogStore store = new InMemoryLogStore();
      TreeSet<String> kvKeys = new TreeSet<>();
      GdpName root;
      try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, writeOpts)) {
        root = fs.rootName();
        assertThat(randomHistory(fs, new Random(seed), 120, kvKeys)).as("transactions committed").isPositive();
      }
      // written in the background (format 6): how many depends on timing, at least the first one
      assertThat(checkpoints(store, root)).as("seed %d wrote checkpoints", seed).isNotEmpty();
      assertSameAtEveryRecord(store, root, kvKeys, writeOpts);
    }
  }

  static void assertSameAtEveryRecord(InMemoryLogStore store, GdpName root, TreeSet<String> kvKeys,
      FsOptions opts) throws Exception {
    try (GdpFileSystem on = GdpFileSystem.open(store, root, null, opts.toBuilder().readCheckpoints(true).build());
        GdpFileSystem off = GdpFileSystem.open(store, root, null, opts.toBuilder().readCheckpoints(false).build())) {
      assertThat(on.head()).isEqualTo(off.head());
      assertThat(on.commits()).isEqualTo(off.commits());
      long last = store.lastRecno(root);
      for (long r = 1; r <= on.head(); r++) {
        assertThat(dump(on.at(r), kvKeys)).as("snapshot at record %d", r).isEqualTo(dump(off.at(r), kvKeys));
      }
      assertThat(dump(on.snapshot(), kvKeys)).isEqualTo(dump(off.snapshot(), kvKeys));
      assertThat(last).isGreaterThanOrEqualTo(on.head());
    }
  }

  @Test
  void aWriterKilledAtAnyAppendOfACheckpointLeavesAGoodFilesystem() throws Exception {
    // 40 inline files of 3,000 bytes: a checkpoint of them spans several records
    FsOptions opts = FsOptions.builder().checkpointEveryCommits(5).checkpointEveryBytes(0)
        .inlineFileBytes(4096).build();
    for (int crashAfter = 0; crashAfter <= 5; crashAfter++) {
      InMemoryLogStore store = new InMemoryLogStore();
      TreeSet<String> kvKeys = new TreeSet<>(List.of("k"));
      GdpName root;
      boolean committed;
      try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, opts)) {
        root = fs.rootName();
        for (int c = 0; c < 4; c++) {
          try (Transaction t = fs.newTransaction()) {
            for (int i = 0; i < 10; i++) {
              t.writeFile("/c" + c + "-" + i, InMemoryCrashAndIntegrityTest.content(3_000, c * 10 + i));
            }
            t.commit();
          }
        }
        store.crashAfterAppends(crashAfter);
        try {
          fs.kv().put("k", "fifth".getBytes(UTF_8)); // the 5th commit: a checkpoint follows it
          committed = true;
        } catch (FsException e) {
          committed = false;
        }
        store.heal();
      }
      assertThat(committed).isEqualTo(crashAfter > 0);
      List<long[]> ckpts = checkpoints(store, root);
      // the checkpoint is complete only when the writer was not killed before its last part
      long parts = crashAfter >= 5 ? ckpts.get(0)[1] : -1;
      if (crashAfter >= 5) {
        assertThat(parts).as("checkpoint parts").isBetween(2L, 4L);
      }
      assertSameAtEveryRecord(store, root, kvKeys, opts);
      // a new writer continues: its commits and next checkpoint build on the same state
      try (GdpFileSystem fs = GdpFileSystem.open(store, root, LogBackend.KEYS, opts)) {
        assertThat(fs.kv().get("k").isPresent()).isEqualTo(committed);
        assertThat(fs.getChildren("/")).hasSize(40);
        for (int c = 0; c < 6; c++) {
          fs.kv().put("k", ("again" + c).getBytes(UTF_8));
        }
      }
      assertThat(checkpoints(store, root)).isNotEmpty();
      assertSameAtEveryRecord(store, root, kvKeys, opts);
      try (GdpFileSystem fs = GdpFileSystem.open(store, root, null, opts)) {
        assertThat(new String(fs.kv().get("k").orElseThrow(), UTF_8)).isEqualTo("again5");
        assertThat(fs.readFile("/c3-9")).isEqualTo(InMemoryCrashAndIntegrityTest.content(3_000, 39));
      }
    }
  }
}
