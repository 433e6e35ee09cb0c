package org.gdpstore.fs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.TreeSet;
import org.gdpstore.fs.internal.InMemoryLogStore;
import org.gdpstore.wire.GdpName;
import org.junit.jupiter.api.Test;

/**
 * History and verification of a path on a filesystem opened from a checkpoint (format 4): the
 * same answers as a full replay, read through the checkpoints' per-path change indexes at a cost
 * proportional to the path's own changes (records read are counted, not time).
 */
class CheckpointHistoryTest {

  @Test
  void historyAndVerifyAfterACheckpointOpenAreThoseOfAFullReplay() throws Exception {
    for (long seed = 1; seed <= 3; seed++) {
      FsOptions opts = FsOptions.builder().checkpointEveryCommits(4 + (int) seed).checkpointEveryBytes(0)
          .inlineFileBytes(1024).chunkSize(1_000).build();
      InMemoryLogStore store = new InMemoryLogStore();
      TreeSet<String> kvKeys = new TreeSet<>();
      GdpName root;
      try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, opts)) {
        root = fs.rootName();
        CheckpointTest.randomHistory(fs, new Random(seed), 150, kvKeys);
      }
      try (GdpFileSystem on = GdpFileSystem.open(store, root, null, opts.toBuilder().readCheckpoints(true).build());
          GdpFileSystem off = GdpFileSystem.open(store, root, null, opts.toBuilder().readCheckpoints(false).build())) {
        assertThat(on.engine().index().base()).as("seed %d opened from a checkpoint", seed).isGreaterThan(1);
        TreeSet<String> paths = new TreeSet<>();
        for (PathChange c : off.history("/")) {
          if (c.path().startsWith("/")) {
            paths.add(c.path());
            paths.add(c.path().substring(0, Math.max(1, c.path().lastIndexOf('/'))));
          }
        }
        assertThat(paths).hasSizeGreaterThan(10);
        for (String p : paths) {
          assertThat(on.history(p)).as("seed %d history of %s", seed, p).isEqualTo(off.history(p));
          if (off.exists(p)) {
            assertThat(on.verify(p)).as("seed %d verify %s", seed, p).isEqualTo(off.verify(p));
          }
        }
        assertThat(on.history("/")).isEqualTo(off.history("/"));
      }
    }
  }

  @Test
  void historyOfAPathReadsItsOwnChangesNotTheWholeLog() throws Exception {
    int k = 1_000;
    // 20,000 commits keep the whole log 5x above the bound below, as 100,000 did (-Dgdpstore.long=true)
    int commits = Boolean.getBoolean("gdpstore.long") ? 100_000 : 20_000;
    int pathChanges = commits / 10;
    FsOptions opts = FsOptions.builder().checkpointEveryCommits(k).checkpointEveryBytes(0).build();
    InMemoryLogStore store = new InMemoryLogStore();
    GdpName root;
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, opts)) {
      root = fs.rootName();
      fs.createDir("/dir");
      Random rnd = new Random(18);
      for (int i = 1; i < commits; i++) {
        if (i % 10 == 0) {
          fs.writeFile("/dir/hot", ("v" + i).getBytes(UTF_8)); // commits / 10 changes of one path
        } else {
          fs.kv().put("key-" + rnd.nextInt(1_000), ("v" + i).getBytes(UTF_8));
        }
      }
    }
    try (GdpFileSystem fs = GdpFileSystem.open(store, root, null, opts)) {
      assertThat(fs.engine().index().base()).isGreaterThan(commits - 2L * k);
      store.resetReads();
      var history = fs.history("/dir/hot");
      long read = store.recordsRead();
      System.out.println("history of a path with " + history.size() + " changes in " + commits + " commits read "
          + read + " directory records");
      assertThat(history).hasSize(pathChanges - 1); // i = 10, 20, .. commits - 10
      assertThat(history.get(history.size() - 1).recno()).isGreaterThan(commits - 20L);
      // each of its commits read twice (found, then read back verified) + each checkpoint once
      long checkpoints = commits / k + 1;
      assertThat(read).as("records read for the history of one path").isLessThanOrEqualTo(2L * pathChanges + 4 * checkpoints);
      assertThat(read).isGreaterThanOrEqualTo(pathChanges - 1);
      store.resetReads();
      var v = fs.verify("/dir/hot");
      assertThat(v.failures()).isEmpty();
      assertThat(store.recordsRead()).isLessThanOrEqualTo(2L * pathChanges + 4 * checkpoints);
    }
  }
}
