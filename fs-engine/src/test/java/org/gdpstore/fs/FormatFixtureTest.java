package org.gdpstore.fs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.gdpstore.fs.internal.Hashes;
import org.gdpstore.fs.internal.InMemoryLogStore;
import org.gdpstore.fs.internal.LogStore;
import org.gdpstore.fs.internal.Records;
import org.gdpstore.fs.internal.proto.FsRecord;
import org.gdpstore.fs.internal.proto.LogKind;
import org.gdpstore.wire.GdpName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Filesystems written by an older format version still open: {@code fixtures/v2-fs.*} is a store
 * written by the format-version-2 code (commit 0b82e24, before checkpoints) with
 * {@link #writeFixture}; its snapshots at every record, as that code read them, are in
 * {@code v2-fs.dump}. Regenerate for a later bump with
 * {@code -Dtest=FormatFixtureTest#writeFixture -Dgdpstore.writeFixture=DIR} on the old code.
 */
class FormatFixtureTest {
  static final List<String> KV_KEYS = List.of("alpha", "beta", "big");

  /** A fixed history: directories, inline and log-backed files, a rename, deletes, KV, a big commit. */
  static void writeHistory(GdpFileSystem fs) throws Exception {
    fs.recursivelyCreateDir("/ckpt/step-1");
    fs.writeFile("/ckpt/step-1/model", InMemoryCrashAndIntegrityTest.content(5_000, 1));
    fs.writeFile("/ckpt/step-1/meta", "small".getBytes(UTF_8));
    fs.kv().put("alpha", "1".getBytes(UTF_8));
    fs.kv().put("big", InMemoryCrashAndIntegrityTest.content(3_000, 2));
    fs.renamePath("/ckpt/step-1", "/ckpt/step-2");
    try (Transaction t = fs.newTransaction()) {
      t.createDir("/many");
      for (int i = 0; i < 60; i++) {
        t.writeFile("/many/f" + i, InMemoryCrashAndIntegrityTest.content(1_000, 10 + i));
      }
      t.commit();
    }
    fs.kv().put("beta", "2".getBytes(UTF_8));
    fs.kv().delete("alpha");
    fs.deleteRecursively("/many");
    fs.writeFile("/ckpt/step-2/meta", "changed".getBytes(UTF_8));
  }

  /** Every snapshot of the filesystem, one block per record: paths, sizes, content hashes, KV. */
  static String dumpAll(GdpFileSystem fs) throws Exception {
    StringBuilder out = new StringBuilder();
    for (long r = 1; r <= fs.head(); r++) {
      FsSnapshot s = fs.at(r);
      out.append("@").append(r).append('\n');
      walk(s, "/", out);
      for (String key : KV_KEYS) {
        Optional<byte[]> v = s.kvGet(key);
        if (v.isPresent()) {
          out.append("kv:").append(key).append(' ').append(HexFormat.of().formatHex(Hashes.sha256(v.get()))).append('\n');
        }
      }
    }
    return out.toString();
  }

  private static void walk(FsSnapshot s, String dir, StringBuilder out) throws Exception {
    for (String child : s.getChildren(dir)) {
      String p = dir.equals("/") ? "/" + child : dir + "/" + child;
      if (s.stat(p).isDirectory()) {
        out.append(p).append(" D\n");
        walk(s, p, out);
      } else {
        out.append(p).append(' ').append(s.getFileSize(p)).append(' ')
            .append(HexFormat.of().formatHex(Hashes.sha256(s.readFile(p)))).append('\n');
      }
    }
  }

  @Test
  @EnabledIfSystemProperty(named = "gdpstore.writeFixture", matches = ".+")
  void writeFixture() throws Exception {
    Path dir = Path.of(System.getProperty("gdpstore.writeFixture"));
    Files.createDirectories(dir);
    InMemoryLogStore store = new InMemoryLogStore();
    // named after the format version this code writes; checkpoints every 3 commits (ignored before v3)
    String prefix = "v" + Records.FORMAT_VERSION + "-fs";
    FsOptions opts = FsOptions.builder().chunkSize(1_000).checkpointEveryCommits(3).build();
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, opts)) {
      writeHistory(fs);
      Files.writeString(dir.resolve(prefix + ".root"), fs.rootName().printable());
      Files.writeString(dir.resolve(prefix + ".dump"), dumpAll(fs));
    }
    try (var out = Files.newOutputStream(dir.resolve(prefix + ".bin"))) {
      store.save(out);
    }
  }

  static String resource(String name) throws Exception {
    try (InputStream in = FormatFixtureTest.class.getResourceAsStream("/fixtures/" + name)) {
      return new String(in.readAllBytes(), UTF_8);
    }
  }

  /** A stored fixture, loaded: its store, root, the root log's source and the dump it must read as. */
  private record Fixture(InMemoryLogStore store, GdpName root, LogStore.Source src, String expected) {}

  /**
   * Loads {@code fixtures/<name>.*}, checks that its directory log has format {@code version}, and
   * that a reader opening it sees every snapshot as the dump recorded when it was written.
   */
  private static Fixture openFixture(String name, int version) throws Exception {
    InMemoryLogStore store;
    try (InputStream in = FormatFixtureTest.class.getResourceAsStream("/fixtures/" + name + ".bin")) {
      store = InMemoryLogStore.load(in);
    }
    GdpName root = GdpName.parse(resource(name + ".root").trim());
    LogStore.Source src = store.openSource(root, true).get();
    assertThat(Records.parseHeader(src.read(1).get().payload(), LogKind.DIRECTORY).getFormatVersion()).isEqualTo(version);
    String expected = resource(name + ".dump");
    try (GdpFileSystem fs = GdpFileSystem.open(store, root, null, FsOptions.DEFAULT)) {
      assertThat(dumpAll(fs)).isEqualTo(expected);
    }
    return new Fixture(store, root, src, expected);
  }

  @Test
  void aVersion2FilesystemOpensReadsAndKeepsItsFormat() throws Exception {
    Fixture f = openFixture("v2-fs", 2);
    InMemoryLogStore store = f.store();
    GdpName root = f.root();
    LogStore.Source src = f.src();
    String expected = f.expected();
    // a writer continuing it (checkpoints due every 2 commits) writes none: v2 readers would not know them
    FsOptions every2 = FsOptions.builder().checkpointEveryCommits(2).checkpointEveryBytes(1).build();
    long before = store.lastRecno(root);
    try (GdpFileSystem fs = GdpFileSystem.open(store, root, LogBackend.KEYS, every2)) {
      for (int i = 0; i < 5; i++) {
        fs.kv().put("alpha", ("again" + i).getBytes(UTF_8));
      }
    }
    for (long r = before + 1; r <= store.lastRecno(root); r++) {
      FsRecord fr = FsRecord.parseFrom(src.read(r).get().payload().duplicate());
      assertThat(fr.hasCommit()).as("record %d is a commit", r).isTrue();
      assertThat(fr.getCommit().getCheckpointRecno()).isZero();
    }
    try (GdpFileSystem fs = GdpFileSystem.open(store, root, null, FsOptions.DEFAULT)) {
      assertThat(dumpAll(fs)).startsWith(expected);
      assertThat(new String(fs.kv().get("alpha").orElseThrow(), UTF_8)).isEqualTo("again4");
    }
  }

  /**
   * {@code fixtures/v3-fs.*}: written by the format-version-3 code (checkpoints every 3 commits,
   * before several writers and gc) with {@link #writeFixture}; every snapshot reads as it did then.
   */
  @Test
  void aVersion3FilesystemWithCheckpointsOpensAndReadsEverySnapshot() throws Exception {
    Fixture f = openFixture("v3-fs", 3);
    InMemoryLogStore store = f.store();
    GdpName root = f.root();
    LogStore.Source src = f.src();
    String expected = f.expected();
    boolean sawCheckpoint = false;
    for (long r = 2; r <= store.lastRecno(root); r++) {
      sawCheckpoint |= FsRecord.parseFrom(src.read(r).get().payload().duplicate()).hasCheckpoint();
    }
    assertThat(sawCheckpoint).as("the fixture holds checkpoint records").isTrue();
    long before = store.lastRecno(root);
    try (GdpFileSystem fs = GdpFileSystem.open(store, root, LogBackend.KEYS, FsOptions.DEFAULT)) {
      fs.kv().put("alpha", "again".getBytes(UTF_8));
    }
    // a writer continuing a version-3 filesystem keeps its rules: commits without an id or base
    for (long r = before + 1; r <= store.lastRecno(root); r++) {
      FsRecord fr = FsRecord.parseFrom(src.read(r).get().payload().duplicate());
      assertThat(fr.getCommit().getCommitId().isEmpty()).as("record %d has no commit id", r).isTrue();
      assertThat(fr.getCommit().getBaseRecno()).isZero();
    }
    try (GdpFileSystem fs = GdpFileSystem.open(store, root, null, FsOptions.DEFAULT)) {
      assertThat(dumpAll(fs)).startsWith(expected);
      assertThat(new String(fs.kv().get("alpha").orElseThrow(), UTF_8)).isEqualTo("again");
    }
  }

  /**
   * {@code fixtures/v4-fs.*}: written by the format-version-4 code (commit c243c05: several
   * writers, gc records, before intents) with {@link #writeFixture}; every snapshot reads as it did
   * then, and a writer continuing it creates file logs with random names and appends no intents
   * (version-4 readers would refuse them), while gc still works with its version-4 rules.
   */
  @Test
  void aVersion4FilesystemOpensReadsAndIsContinuedWithoutIntents() throws Exception {
    Fixture f = openFixture("v4-fs", 4);
    InMemoryLogStore store = f.store();
    GdpName root = f.root();
    LogStore.Source src = f.src();
    String expected = f.expected();
    long before = store.lastRecno(root);
    try (GdpFileSystem fs = GdpFileSystem.open(store, root, LogBackend.KEYS, FsOptions.DEFAULT)) {
      fs.writeFile("/ckpt/step-2/model", InMemoryCrashAndIntegrityTest.content(5_000, 9)); // a new file log
      fs.kv().put("alpha", "again".getBytes(UTF_8));
      GcReport r = fs.gc(RetentionPolicy.KEEP_ALL, false);
      assertThat(r.orphansDeleted()).isEmpty();
      assertThat(r.intentsSettled()).isZero();
    }
    for (long r = before + 1; r <= store.lastRecno(root); r++) {
      FsRecord fr = FsRecord.parseFrom(src.read(r).get().payload().duplicate());
      assertThat(fr.hasIntent()).as("record %d is no intent", r).isFalse();
      assertThat(fr.hasCommit() || fr.hasCheckpoint() || fr.hasGc()).as("record %d", r).isTrue();
    }
    try (GdpFileSystem fs = GdpFileSystem.open(store, root, null, FsOptions.DEFAULT)) {
      assertThat(dumpAll(fs)).startsWith(expected);
      assertThat(new String(fs.kv().get("alpha").orElseThrow(), UTF_8)).isEqualTo("again");
      assertThat(fs.readFile("/ckpt/step-2/model")).isEqualTo(InMemoryCrashAndIntegrityTest.content(5_000, 9));
    }
  }

  /**
   * {@code fixtures/v5-fs.*}: written by the format-version-5 code (commit 841d485: intents, before
   * detached checkpoints) with {@link #writeFixture}; every snapshot reads as it did then, and a
   * writer continuing it writes version-5 checkpoints (a run of parts right after their commit,
   * no list of parts), which version-5 readers know.
   */
  @Test
  void aVersion5FilesystemOpensReadsAndIsContinuedWithVersion5Checkpoints() throws Exception {
    Fixture f = openFixture("v5-fs", 5);
    InMemoryLogStore store = f.store();
    GdpName root = f.root();
    LogStore.Source src = f.src();
    long before = store.lastRecno(root);
    FsOptions every2 = FsOptions.builder().checkpointEveryCommits(2).checkpointEveryBytes(0).build();
    try (GdpFileSystem fs = GdpFileSystem.open(store, root, LogBackend.KEYS, every2)) {
      // the fixture's checkpoint holds ~64 KiB: the next one is due once the commits after it weigh
      // twice that, a commit weighing its bytes plus ~4 KiB (CheckpointWriter.RECORD_WEIGHT)
      for (int i = 0; i < 40; i++) {
        fs.kv().put("alpha", ("again" + i).getBytes(UTF_8));
      }
    }
    int finals = 0;
    for (long r = before + 1; r <= store.lastRecno(root); r++) {
      FsRecord fr = FsRecord.parseFrom(src.read(r).get().payload().duplicate());
      if (fr.hasCheckpoint() && fr.getCheckpoint().getLast()) {
        finals++;
        assertThat(fr.getCheckpoint().getPartRunsCount()).as("record %d lists no parts", r).isZero();
        assertThat(fr.getCheckpoint().getCommitRecno()).as("record %d follows its commit", r)
            .isEqualTo(r - fr.getCheckpoint().getPart() - 1);
      }
    }
    assertThat(finals).as("checkpoints written").isPositive();
    try (GdpFileSystem fs = GdpFileSystem.open(store, root, null, FsOptions.DEFAULT)) {
      assertThat(dumpAll(fs)).startsWith(f.expected());
      assertThat(new String(fs.kv().get("alpha").orElseThrow(), UTF_8)).isEqualTo("again39");
    }
  }

  /**
   * {@code fixtures/v6-fs.*}: written by the format-version-6 code (commit 63cd2b1: detached
   * checkpoints, before intent renewals) with {@link #writeFixture}; every snapshot reads as it
   * did then, and a writer continuing it with a file open past a quarter of the grace appends no
   * renewal (version-6 readers would take it for a new intent).
   */
  @Test
  void aVersion6FilesystemOpensReadsAndIsContinuedWithoutRenewals() throws Exception {
    Fixture f = openFixture("v6-fs", 6);
    InMemoryLogStore store = f.store();
    GdpName root = f.root();
    LogStore.Source src = f.src();
    long before = store.lastRecno(root);
    FsTransactionTest.TestClock clock = new FsTransactionTest.TestClock();
    FsOptions o = FsOptions.builder().clock(clock).chunkSize(1_000).build();
    try (GdpFileSystem fs = GdpFileSystem.open(store, root, LogBackend.KEYS, o)) {
      WritableFile w = fs.newWritableFile("/long");
      w.append(new byte[5_000]);
      w.sync();
      clock.advance(java.time.Duration.ofHours(13).toSeconds());
      Thread.sleep(2_500); // two checks of a renewer, were there one
      w.close();
    }
    for (long r = before + 1; r <= store.lastRecno(root); r++) {
      FsRecord fr = FsRecord.parseFrom(src.read(r).get().payload().duplicate());
      assertThat(fr.hasIntent() && fr.getIntent().getRenewedUnixNanos() != 0).as("record %d is a renewal", r).isFalse();
    }
    try (GdpFileSystem fs = GdpFileSystem.open(store, root, null, FsOptions.DEFAULT)) {
      assertThat(dumpAll(fs)).startsWith(f.expected());
      assertThat(fs.readFile("/long")).hasSize(5_000);
    }
    assertThat(Records.parseHeader(src.read(1).get().payload(), LogKind.DIRECTORY).getFormatVersion()).isEqualTo(6);
  }
}
