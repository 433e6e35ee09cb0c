package org.gdpstore.fs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.TreeMap;
import org.gdpstore.fs.internal.InMemoryLogStore;
import org.gdpstore.wire.GdpName;
import org.junit.jupiter.api.Test;

/**
 * Crash consistency and tamper detection on the in-memory store: the writer "dies" after every
 * possible number of appends during a multi-file commit, a multi-record commit, a directory
 * rename and a recursive delete; a fresh reader must then see all of the operation or none of it,
 * and a new writer session must carry on. Flipped bytes must surface as integrity errors.
 */
class InMemoryCrashAndIntegrityTest {
  /** Every file in a file log (these tests cut and tamper with file logs). */
  static final FsOptions OPTS = FsOptions.builder().chunkSize(100).cacheBytes(1 << 16).inlineFileBytes(0).build();
  /** Files up to 128 bytes inline in their directory entry, larger ones in file logs. */
  static final FsOptions INLINE = OPTS.toBuilder().inlineFileBytes(128).build();

  interface Operation {
    void run(GdpFileSystem fs) throws Exception;
  }

  interface Setup {
    void run(GdpFileSystem fs) throws Exception;
  }

  /**
   * Runs {@code op} with a crash after k appends for k = 0, 1, ... until it completes without a
   * crash; after each crash a fresh reader must see exactly the state before or after.
   */
  static int crashAtEveryStep(Setup setup, Operation op) throws Exception {
    return crashAtEveryStep(OPTS, setup, op);
  }

  static int crashAtEveryStep(FsOptions opts, Setup setup, Operation op) throws Exception {
    // the reference states: before and after, from a run without crash
    InMemoryLogStore ref = new InMemoryLogStore();
    TreeMap<String, String> before;
    TreeMap<String, String> after;
    try (GdpFileSystem fs = GdpFileSystem.mkfs(ref, LogBackend.KEYS, opts)) {
      setup.run(fs);
      before = FsDifferentialTest.tree(fs);
      op.run(fs);
      after = FsDifferentialTest.tree(fs);
    }
    assertThat(after).isNotEqualTo(before);
    for (int k = 0; ; k++) {
      InMemoryLogStore store = new InMemoryLogStore();
      boolean crashed = false;
      GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, opts);
      GdpName root = fs.rootName();
      try {
        setup.run(fs);
        store.crashAfterAppends(k);
        try {
          op.run(fs);
        } catch (FsException e) {
          assertThat(e.code()).as(e.getMessage()).isEqualTo(FsCode.UNAVAILABLE);
          crashed = true;
        }
      } finally {
        try {
          fs.close();
        } catch (IllegalStateException closeErrors) {
          crashed = true; // files still open when the dead writer closed
        }
      }
      store.heal();
      try (GdpFileSystem reader = GdpFileSystem.open(store, root, null, opts)) {
        TreeMap<String, String> seen = FsDifferentialTest.tree(reader);
        assertThat(seen).as("crash after %d appends", k).isIn(before, after);
        if (!crashed) {
          assertThat(seen).isEqualTo(after);
          return k;
        }
      }
      // the next writer session works and its readers stay consistent
      try (GdpFileSystem writer = GdpFileSystem.open(store, root, LogBackend.KEYS, opts)) {
        writer.writeFile("/after-crash", "ok".getBytes(UTF_8));
        try (GdpFileSystem reader = GdpFileSystem.open(store, root, null, opts)) {
          TreeMap<String, String> seen = FsDifferentialTest.tree(reader);
          seen.remove("/after-crash");
          assertThat(seen).isIn(before, after);
          assertThat(reader.readFile("/after-crash")).isEqualTo("ok".getBytes(UTF_8));
        }
      }
    }
  }

  static byte[] content(int n, int seed) {
    byte[] b = new byte[n];
    new java.util.Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void fileCreatedAndNotClosedThenWriterKilledIsVisibleNowhere() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, OPTS);
    GdpName root = fs.rootName();
    fs.createDir("/ckpt");
    WritableFile small = fs.newWritableFile("/ckpt/small");
    small.append("inline".getBytes(UTF_8));
    WritableFile big = fs.newWritableFile("/ckpt/big");
    big.append(new byte[5 * OPTS.chunkSize() + 7]); // past the inline limit: chunks in a file log
    big.sync();
    // the creating instance sees both; another process sees neither
    assertThat(fs.getChildren("/ckpt")).containsExactly("big", "small");
    try (GdpFileSystem other = GdpFileSystem.open(store, root, null, OPTS)) {
      assertThat(other.getChildren("/ckpt")).isEmpty();
    }
    store.crashAfterAppends(0); // the writer dies: nothing it sends from now on arrives
    try {
      fs.close();
    } catch (IllegalStateException expected) {
      // the dead writer could not publish its open files
    }
    store.heal();
    try (GdpFileSystem reopened = GdpFileSystem.open(store, root, null, OPTS)) {
      assertThat(reopened.getChildren("/ckpt")).isEmpty();
      assertThat(reopened.exists("/ckpt/small")).isFalse();
      assertThat(reopened.exists("/ckpt/big")).isFalse();
    }
  }

  @Test
  void multiFileCommit() throws Exception {
    int steps = crashAtEveryStep(fs -> {
      fs.createDir("/ckpt");
      fs.writeFile("/ckpt/old", content(150, 1));
    }, fs -> {
      try (Transaction tx = fs.newTransaction()) {
        tx.createDir("/ckpt/step-2");
        tx.writeFile("/ckpt/step-2/model", content(350, 2));
        tx.writeFile("/ckpt/step-2/index", content(120, 3));
        tx.writeFile("/ckpt/old", content(40, 4));
        tx.deleteFile("/ckpt/old");
        tx.writeFile("/ckpt/checkpoint", "step-2".getBytes(UTF_8));
        tx.commit();
      }
    });
    assertThat(steps).as("appends in the operation").isGreaterThan(10);
  }

  @Test
  void multiFileCommitMixingInlineAndLoggedFiles() throws Exception {
    int steps = crashAtEveryStep(INLINE, fs -> {
      fs.createDir("/ckpt");
      fs.writeFile("/ckpt/old", content(100, 1));
      fs.writeFile("/ckpt/grows", content(100, 1));
    }, fs -> {
      try (Transaction tx = fs.newTransaction()) {
        tx.createDir("/ckpt/step-2");
        tx.writeFile("/ckpt/step-2/model", content(350, 2));   // file log
        tx.writeFile("/ckpt/step-2/index", content(120, 3));   // inline
        tx.deleteFile("/ckpt/old");
        try (WritableFile w = tx.newAppendableFile("/ckpt/grows")) {
          w.append(content(100, 5));                            // leaves inline: a new log
        }
        tx.writeFile("/ckpt/checkpoint", "step-2".getBytes(UTF_8));
        tx.commit();
      }
    });
    assertThat(steps).as("appends in the operation").isGreaterThan(5);
  }

  @Test
  void commitSpanningSeveralRecords() throws Exception {
    int steps = crashAtEveryStep(fs -> fs.writeFile("/seed", content(10, 5)), fs -> {
      try (Transaction tx = fs.newTransaction()) {
        tx.createDir("/many");
        for (int i = 0; i < 900; i++) {
          tx.copyFile("/seed", "/many/a-long-file-name-to-fill-directory-records-" + i);
        }
        tx.commit();
      }
    });
    assertThat(steps).as("directory records of the commit").isGreaterThan(1);
  }

  @Test
  void directoryRenameAndRecursiveDelete() throws Exception {
    Setup tree = fs -> {
      fs.recursivelyCreateDir("/src/a/b");
      fs.writeFile("/src/a/b/f", content(250, 6));
      fs.writeFile("/src/g", content(10, 7));
      fs.createDir("/dst");
    };
    crashAtEveryStep(tree, fs -> fs.renamePath("/src", "/dst"));
    crashAtEveryStep(tree, fs -> fs.deleteRecursively("/src"));
    crashAtEveryStep(tree, fs -> {
      try (WritableFile w = fs.newAppendableFile("/src/a/b/f")) {
        w.append(content(300, 8));
      }
    });
  }

  @Test
  void tamperedChunkIsReportedNotReturned() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    GdpName root;
    byte[] data = content(1000, 9);
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, OPTS)) {
      root = fs.rootName();
      fs.writeFile("/f", data);
    }
    // find the file log: the only log besides the directory log
    GdpName fileLog = findFileLog(store, root);
    store.tamper(fileLog, 5, 30); // a chunk in the middle
    try (GdpFileSystem fs = GdpFileSystem.open(store, root, null, OPTS)) {
      VerifyReport report = fs.verifyAll();
      assertThat(report.ok()).isFalse();
      assertThat(report.failures()).containsOnlyKeys("/f");
      assertThat(report.entries()).isEqualTo(1);
      assertThatThrownBy(() -> fs.readFile("/f")).isInstanceOf(IntegrityException.class);
      try (GdpRandomAccessFile r = fs.newRandomAccessFile("/f")) {
        assertThat(r.readFully(0, 100)).isEqualTo(java.util.Arrays.copyOf(data, 100));
        assertThatThrownBy(() -> r.read(350, ByteBuffer.allocate(10))).isInstanceOf(IntegrityException.class)
            .satisfies(e -> assertThat(((FsException) e).code()).isEqualTo(FsCode.DATA_LOSS));
      }
      assertThatThrownBy(() -> fs.newReadOnlyMemoryRegionFromFile("/f")).isInstanceOf(IntegrityException.class);
    }
    // the caller may opt out of verification: the in-memory store then hands out the bytes
    try (GdpFileSystem fs = GdpFileSystem.open(store, root, null, OPTS.toBuilder().verify(false).build())) {
      assertThat(fs.readFile("/f")).isNotEqualTo(data).hasSameSizeAs(data);
    }
  }

  @Test
  void contentHashCatchesAConsistentlyForgedChunk() throws Exception {
    // a store that verifies records but whose chunk was replaced by the writer's own older data
    // (e.g. a replayed record): the directory entry's SHA-256 still catches it
    InMemoryLogStore store = new InMemoryLogStore();
    GdpName root;
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, OPTS)) {
      root = fs.rootName();
      fs.writeFile("/f", content(300, 10));
    }
    try (GdpFileSystem fs = GdpFileSystem.open(store, root, null, OPTS.toBuilder().verify(false).build())) {
      assertThat(fs.readFile("/f")).isEqualTo(content(300, 10));
    }
    GdpName fileLog = findFileLog(store, root);
    store.forge(fileLog, 3, 40);
    try (GdpFileSystem fs = GdpFileSystem.open(store, root, null, OPTS.toBuilder().verify(true).build())) {
      assertThatThrownBy(() -> fs.readFile("/f")).isInstanceOf(IntegrityException.class);
      // sequential reads to the end are checked against the content hash too
      try (GdpRandomAccessFile r = fs.newRandomAccessFile("/f")) {
        assertThatThrownBy(() -> {
          for (long off = 0; off < 300; off += 50) {
            r.readFully(off, 50);
          }
        }).isInstanceOf(IntegrityException.class);
      }
    }
  }

  @Test
  void tamperedDirectoryRecordIsReported() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    GdpName root;
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, OPTS)) {
      root = fs.rootName();
      fs.writeFile("/f", content(10, 11));
      fs.createDir("/d");
    }
    store.tamper(root, 2, 5);
    assertThatThrownBy(() -> GdpFileSystem.open(store, root, null, OPTS)).isInstanceOf(IntegrityException.class);
  }

  @Test
  void openingALogThatIsNotADirectoryFails() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, OPTS)) {
      fs.writeFile("/f", content(10, 12));
      GdpName fileLog = findFileLog(store, fs.rootName());
      assertThatThrownBy(() -> GdpFileSystem.open(store, fileLog, null, OPTS))
          .isInstanceOf(FsException.class)
          .satisfies(e -> assertThat(((FsException) e).code()).isEqualTo(FsCode.FAILED_PRECONDITION));
      assertThatThrownBy(() -> GdpFileSystem.open(store, GdpName.sha256("nothing"), null, OPTS))
          .satisfies(e -> assertThat(((FsException) e).code()).isEqualTo(FsCode.NOT_FOUND));
    }
  }

  @Test
  void readAheadFillsTheCacheOnSequentialReads() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS,
        OPTS.toBuilder().readAheadChunks(4).build())) {
      byte[] data = content(5000, 13);
      fs.writeFile("/s", data);
      fs.flushCaches();
      try (GdpRandomAccessFile r = fs.newRandomAccessFile("/s")) {
        for (int off = 0; off < 5000; off += 100) {
          assertThat(r.readFully(off, 100)).isEqualTo(java.util.Arrays.copyOfRange(data, off, off + 100));
        }
      }
      CacheStats s = fs.cacheStats();
      assertThat(s.readAheadRecords()).isGreaterThan(30);
      assertThat(s.hits()).isGreaterThan(s.misses());
    }
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, OPTS.toBuilder().cacheBytes(0).build())) {
      fs.writeFile("/nocache", content(500, 14));
      assertThat(fs.readFile("/nocache")).isEqualTo(content(500, 14));
      try (GdpRandomAccessFile r = fs.newRandomAccessFile("/nocache")) {
        assertThat(r.readFully(250, 200)).isEqualTo(java.util.Arrays.copyOfRange(content(500, 14), 250, 450));
      }
      assertThat(fs.cacheStats().residentBytes()).isZero();
    }
  }

  @Test
  void shortRangeAnswersAreCompleted() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    store.limitRangeReads(3);
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, OPTS)) {
      byte[] data = content(7_777, 15);
      fs.writeFile("/f", data);
      fs.kv().put("big", data);
      fs.kv().put("small", new byte[] {1});
      assertThat(fs.readFile("/f")).isEqualTo(data);
      VerifyReport report = fs.verifyAll();
      assertThat(report.ok()).isTrue();
      assertThat(report.entries()).isEqualTo(3);
      assertThat(report.bytes()).isEqualTo(2 * 7_777 + 1);
      try (GdpFileSystem reader = GdpFileSystem.open(store, fs.rootName(), null, OPTS)) {
        assertThat(reader.readFile("/f")).isEqualTo(data);
      }
    }
  }

  static GdpName findFileLog(InMemoryLogStore store, GdpName root) throws Exception {
    List<GdpName> names = store.logNames().stream().filter(n -> !n.equals(root) && store.lastRecno(n) > 1).toList();
    assertThat(names).hasSize(1);
    return names.get(0);
  }
}
