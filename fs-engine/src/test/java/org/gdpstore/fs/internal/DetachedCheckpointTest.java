package org.gdpstore.fs.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.gdpstore.fs.FsOptions;
import org.gdpstore.fs.internal.proto.DirectoryCheckpoint;
import org.gdpstore.fs.internal.proto.FsRecord;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Detached checkpoints (format 6, {@link CheckpointWriter}): parts appended in batches between
 * group commits, the final part listing them; an open loads it, replays every commit after its
 * commit (also those before its final part) and reads its parts once; a checkpoint given up half
 * way is never listed and changes nothing.
 */
class DetachedCheckpointTest {
  private static final Ed25519Keys KEYS = Ed25519Keys.fromSeed(new byte[32]);
  private final ExecutorService other = Executors.newSingleThreadExecutor();
  private final TreeMap<String, byte[]> expected = new TreeMap<>();
  private final Random rnd = new Random(6);
  private final InMemoryLogStore store = new InMemoryLogStore();
  /** A checkpoint after the 20th commit, when {@link #fill} ends. */
  private final FsOptions opts = FsOptions.builder().checkpointEveryCommits(20).checkpointEveryBytes(0).build();

  @AfterEach
  void stop() {
    other.shutdownNow();
  }

  private void put(FsEngine engine, Map<String, byte[]> kv) throws Exception {
    Map<EntryKey, DirEntry> changes = new TreeMap<>();
    kv.forEach((k, v) -> changes.put(EntryKey.kv(k), DirEntry.inline(DirEntry.Kind.VALUE, v, Hashes.sha256(v), 1)));
    engine.transactions().commitChanges(changes, Map.of());
    expected.putAll(kv);
  }

  private byte[] value(int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }

  /** About 1.8 MB of values in 20 commits: a checkpoint of ~33 parts, three batches at 16 per hold. */
  private void fill(FsEngine engine) throws Exception {
    for (int c = 0; c < 20; c++) {
      Map<String, byte[]> kv = new TreeMap<>();
      for (int i = 0; i < 100; i++) {
        kv.put("k" + c + "-" + i, value(900));
      }
      put(engine, kv);
    }
  }

  private static FsEngine open(InMemoryLogStore store, GdpName root, FsOptions opts) throws Exception {
    FsEngine e = FsEngine.open(store, root, null, opts, false);
    e.directoryLog().refresh();
    return e;
  }

  /** The value of {@code key} at snapshot {@code at} of {@code e}, or null. */
  private static byte[] get(FsEngine e, String key, long at) throws Exception {
    DirEntry d = e.indexFor(at).get(EntryKey.kv(key), at);
    return d == null ? null : d.inlineData();
  }

  /** The final parts of checkpoints in the directory log. */
  private static List<LogStore.StoredRecord> finals(InMemoryLogStore store, GdpName root) throws Exception {
    List<LogStore.StoredRecord> out = new ArrayList<>();
    LogStore.Source src = store.openSource(root, false).get();
    for (long r = 2; r <= store.lastRecno(root); r++) {
      LogStore.StoredRecord rec = src.read(r).get();
      FsRecord fr = FsRecord.parseFrom(rec.payload().duplicate());
      if (fr.hasCheckpoint() && fr.getCheckpoint().getLast()) {
        out.add(rec);
      }
    }
    return out;
  }

  private static DirectoryCheckpoint checkpoint(LogStore.StoredRecord r) throws Exception {
    return FsRecord.parseFrom(r.payload().duplicate()).getCheckpoint();
  }

  @Test
  void partsLandBetweenCommitsAndAnOpenReadsThemOnce() throws Exception {
    FsEngine engine = FsEngine.mkfs(store, KEYS, opts, false);
    GdpName root = engine.root();
    AtomicInteger between = new AtomicInteger();
    // after every batch of parts, another thread commits before the next batch
    engine.directoryLog().checkpoints().useGate(r -> {
      r.run();
      try {
        other.submit(() -> {
          put(engine, Map.of("between-" + between.getAndIncrement(), value(50)));
          return null;
        }).get();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    fill(engine); // the 20th commit starts the checkpoint
    engine.directoryLog().checkpoints().awaitIdle();
    put(engine, Map.of("k0-0", value(10))); // a change after the checkpoint's commit
    engine.close();

    List<LogStore.StoredRecord> finals = finals(store, root);
    assertThat(finals).hasSize(1);
    long finalRecno = finals.get(0).recno();
    DirectoryCheckpoint fin = checkpoint(finals.get(0));
    assertThat(fin.getPart()).as("parts").isGreaterThan(2 * CheckpointWriter.PARTS_PER_HOLD);
    assertThat(fin.getPartRunsCount() / 2).as("runs: commits landed between the batches").isGreaterThanOrEqualTo(3);
    assertThat(between.get()).isGreaterThanOrEqualTo(3);
    long commit = fin.getCommitRecno();

    long last = store.lastRecno(root);
    store.resetReads();
    try (FsEngine on = open(store, root, opts)) {
      // the header, the tail record, the checkpoint's final part and parts, then the records after
      // its commit that are not its own: each record at most once
      assertThat(store.recordsRead()).as("records the open read").isLessThanOrEqualTo(3 + (last - commit));
    }
    try (FsEngine on = open(store, root, opts);
        FsEngine off = open(store, root, opts.toBuilder().readCheckpoints(false).build())) {
      assertThat(on.index().base()).as("loaded from the checkpoint").isEqualTo(commit);
      long head = on.index().head();
      assertThat(head).isEqualTo(off.index().head());
      for (Map.Entry<String, byte[]> e : expected.entrySet()) {
        assertThat(get(on, e.getKey(), head)).as(e.getKey()).isEqualTo(e.getValue());
      }
      int live = 0;
      for (EntryKey k : on.index().allKeys()) {
        live += on.index().get(k, head) != null && k.kv() ? 1 : 0;
      }
      assertThat(live).isEqualTo(expected.size());
      for (long r = commit; r <= last; r++) {
        for (String k : List.of("k0-0", "k19-99", "between-0", "between-1", "between-2")) {
          assertThat(get(on, k, r)).as("%s at %d", k, r).isEqualTo(get(off, k, r));
        }
      }
      assertThat(finalRecno).isLessThan(last);
    }
  }

  @Test
  void aCheckpointGivenUpHalfWayIsNeverListedAndChangesNothing() throws Exception {
    FsEngine engine = FsEngine.mkfs(store, KEYS, opts, false);
    GdpName root = engine.root();
    AtomicInteger holds = new AtomicInteger();
    // the first batch lands, then the writer "dies" before the second (nothing more is appended)
    engine.directoryLog().checkpoints().useGate(r -> {
      if (holds.getAndIncrement() == 0) {
        r.run();
      }
    });
    fill(engine);
    engine.directoryLog().checkpoints().awaitIdle();
    assertThat(engine.transactions().commitStats().toString()).contains("1 given up");
    for (int i = 0; i < 5; i++) {
      put(engine, Map.of("after-" + i, value(100)));
    }
    engine.close();

    assertThat(finals(store, root)).as("no complete checkpoint").isEmpty();
    long strayParts = 0;
    LogStore.Source src = store.openSource(root, false).get();
    for (long r = 2; r <= store.lastRecno(root); r++) {
      strayParts += FsRecord.parseFrom(src.read(r).get().payload().duplicate()).hasCheckpoint() ? 1 : 0;
    }
    assertThat(strayParts).isEqualTo(CheckpointWriter.PARTS_PER_HOLD);
    try (FsEngine fs = open(store, root, opts)) {
      for (Map.Entry<String, byte[]> e : expected.entrySet()) {
        assertThat(get(fs, e.getKey(), fs.index().head())).as(e.getKey()).isEqualTo(e.getValue());
      }
    }
  }

  @Test
  void aListOfPartsOutsideItsCommitAndFinalPartIsMalformed() {
    Checkpoints.Part head = new Checkpoints.Part(9, 3, true, 10, 10, 1, 0);
    DirectoryCheckpoint.Builder ok = DirectoryCheckpoint.newBuilder().addPartRuns(11).addPartRuns(2).addPartRuns(15)
        .addPartRuns(1);
    assertThat(Checkpoints.partRuns(ok.build(), head, 20)).hasSize(2);
    for (long[] runs : new long[][] {
        {10, 3}, // starts at its commit
        {11, 2, 12, 1}, // overlapping runs
        {18, 3}, // reaches the final part
        {11, 2}, // fewer records than parts
        {11, 3, 15}, // cut
        {11, 0, 12, 3}, // an empty run
        {11, Long.MAX_VALUE}}) { // overflows
      DirectoryCheckpoint.Builder b = DirectoryCheckpoint.newBuilder();
      for (long x : runs) {
        b.addPartRuns(x);
      }
      assertThatThrownBy(() -> Checkpoints.partRuns(b.build(), head, 20)).as("%s", java.util.Arrays.toString(runs))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
