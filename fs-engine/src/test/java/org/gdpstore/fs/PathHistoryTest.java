package org.gdpstore.fs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.gdpstore.fs.internal.InMemoryLogStore;
import org.gdpstore.fs.internal.LogStore;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;
import org.junit.jupiter.api.Test;

/**
 * {@link GdpFileSystem#history} and {@link GdpFileSystem#verify(String)}: what they return, and
 * that their cost is the path's own changes, counted in directory records read (not time).
 */
class PathHistoryTest {
  static final FsOptions OPTS = FsOptions.builder().chunkSize(100).inlineFileBytes(64).build();

  /** A store that counts the records its sources return (reads, range reads). */
  static final class CountingStore implements LogStore {
    final LogStore inner;
    final AtomicLong recordsRead = new AtomicLong();

    CountingStore(LogStore inner) {
      this.inner = inner;
    }

    @Override
    public CompletableFuture<GdpName> createLog(Ed25519Keys writer, String label) {
      return inner.createLog(writer, label);
    }

    @Override
    public CompletableFuture<Source> openSource(GdpName log, boolean verify) {
      return inner.openSource(log, verify).thenApply(Counting::new);
    }

    @Override
    public CompletableFuture<Appender> openAppender(GdpName log, Ed25519Keys writer) {
      return inner.openAppender(log, writer);
    }

    @Override
    public void close() {}

    final class Counting extends ForwardingSource {
      Counting(Source s) {
        super(s);
      }

      @Override
      public CompletableFuture<StoredRecord> read(long recno) {
        recordsRead.incrementAndGet();
        return s.read(recno);
      }

      @Override
      public CompletableFuture<List<StoredRecord>> readRange(long first, int count) {
        return s.readRange(first, count).thenApply(l -> {
          recordsRead.addAndGet(l.size());
          return l;
        });
      }
    }
  }

  static String sha(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void historyOfOnePathReadsOnlyItsOwnCommits() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    GdpName root;
    int hotChanges = 0;
    // no checkpoints: history of a filesystem opened from a checkpoint replays the whole log (docs/fs-engine.md)
    FsOptions noCheckpoints = OPTS.toBuilder().checkpointEveryCommits(0).checkpointEveryBytes(0).build();
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, noCheckpoints)) {
      root = fs.rootName();
      fs.createDir("/other");
      for (int i = 0; i < 3_000; i++) {
        if (i % 100 == 0) {
          fs.writeFile("/hot", ("v" + i).getBytes(UTF_8));
          hotChanges++;
        } else {
          fs.writeFile("/other/f" + (i % 50), ("x" + i).getBytes(UTF_8));
        }
      }
      assertThat(fs.commits()).hasSizeGreaterThan(3_000);
    }
    CountingStore counting = new CountingStore(store);
    try (GdpFileSystem ro = GdpFileSystem.open(counting, root, null, noCheckpoints)) {
      assertThat(counting.recordsRead.get()).as("open replays the whole directory log").isGreaterThan(3_000);

      counting.recordsRead.set(0);
      List<PathChange> h = ro.history("/hot");
      assertThat(h).hasSize(hotChanges);
      assertThat(counting.recordsRead.get()).as("history reads one directory record per change of the path")
          .isEqualTo(hotChanges);

      counting.recordsRead.set(0);
      VerifyReport v = ro.verify("/hot");
      assertThat(v.failures()).isEmpty();
      assertThat(v.entries()).isEqualTo(1);
      assertThat(v.directoryRecords()).isEqualTo(hotChanges);
      assertThat(counting.recordsRead.get()).as("verify reads the path's commits (the file is inline)")
          .isEqualTo(hotChanges);
    }
  }

  @Test
  void historyTellsWhatHappenedWithSignerAndRecord() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, OPTS)) {
      byte[] big = InMemoryCrashAndIntegrityTest.content(1_000, 7);
      fs.writeFile("/a.txt", "one".getBytes(UTF_8));
      long c1 = fs.head();
      fs.writeFile("/b.txt", "other".getBytes(UTF_8));
      fs.writeFile("/a.txt", big);
      fs.createDir("/d");
      fs.renameFile("/a.txt", "/d/a.txt");
      fs.kv().put("k", "v".getBytes(UTF_8));

      List<PathChange> a = fs.history("/a.txt");
      assertThat(a).extracting(PathChange::kind)
          .containsExactly(PathChange.Kind.CREATED, PathChange.Kind.MODIFIED, PathChange.Kind.DELETED);
      assertThat(a.get(0).recno()).isEqualTo(c1);
      assertThat(a.get(0).size()).isEqualTo(3);
      assertThat(a.get(0).sha256()).isEqualTo(sha("one".getBytes(UTF_8)));
      assertThat(a.get(1).size()).isEqualTo(1_000);
      assertThat(a.get(1).sha256()).isEqualTo(sha(big));
      assertThat(a.get(2).size()).isZero();
      assertThat(a.get(2).sha256()).isEmpty();
      for (PathChange c : a) {
        assertThat(c.signer()).isEqualTo(HexFormat.of().formatHex(LogBackend.KEYS.publicKey()));
        assertThat(c.verified()).isTrue();
        assertThat(c.recordHash()).hasSize(64);
        assertThat(c.commitNanos()).isPositive();
      }
      // a directory's history holds its subtree; the root's holds everything, creation and KV included
      assertThat(fs.history("/d")).extracting(PathChange::path, PathChange::kind).containsExactly(
          org.assertj.core.groups.Tuple.tuple("/d", PathChange.Kind.CREATED),
          org.assertj.core.groups.Tuple.tuple("/d/a.txt", PathChange.Kind.CREATED));
      List<PathChange> all = fs.history("/");
      assertThat(all.get(0).recno()).isEqualTo(1);
      assertThat(all.get(0).kind()).isEqualTo(PathChange.Kind.CREATED);
      assertThat(all).extracting(PathChange::path).contains("/b.txt", "kv:k");
      assertThat(fs.history("/never")).isEmpty();
      assertThatThrownBy(() -> fs.verify("/never")).isInstanceOf(FsException.class)
          .extracting(e -> ((FsException) e).code()).isEqualTo(FsCode.NOT_FOUND);

      VerifyReport whole = fs.verify("/");
      assertThat(whole.failures()).isEmpty();
      // every record, header included, but the intent record (format 5) before the first file log
      long intents = 0;
      var dir = store.openSource(fs.rootName(), true).get();
      for (long r = 2; r <= fs.head(); r++) {
        if (org.gdpstore.fs.internal.Records.parse(dir.read(r).get().payload()).hasIntent()) {
          intents++;
        }
      }
      assertThat(intents).isEqualTo(1);
      assertThat(whole.directoryRecords()).isEqualTo(fs.head() - intents);
      assertThat(whole.entries()).isEqualTo(3); // /b.txt, /d/a.txt, kv:k
    }
  }

  @Test
  void verifyOfAPathCatchesItsTamperedAndForgedDirectoryRecords() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, OPTS)) {
      fs.writeFile("/x", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx".getBytes(UTF_8));
      long xCommit = fs.head();
      fs.writeFile("/y", "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy".getBytes(UTF_8));
      long yCommit = fs.head();
      assertThat(fs.verify("/x").ok()).isTrue();

      store.tamper(fs.rootName(), xCommit, 60); // signature (stored hash) no longer matches
      VerifyReport x = fs.verify("/x");
      assertThat(x.failures()).containsKey("directory record " + xCommit);
      assertThat(fs.verify("/y").ok()).as("another path's commits are not read").isTrue();

      store.forge(fs.rootName(), yCommit, 60); // re-hashed: passes record checks, carries other bytes
      VerifyReport y = fs.verify("/y");
      assertThat(y.ok()).as(y.toString()).isFalse();
    }
  }
}
