package org.gdpstore.fs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.gdpstore.fs.internal.InMemoryLogStore;
import org.gdpstore.fs.internal.LogStore;
import org.gdpstore.fs.internal.Records;
import org.gdpstore.fs.internal.proto.Change;
import org.gdpstore.fs.internal.proto.DirectoryCommit;
import org.gdpstore.fs.internal.proto.EntryKind;
import org.gdpstore.fs.internal.proto.FsRecord;
import org.gdpstore.fs.internal.proto.LogHeader;
import org.gdpstore.fs.internal.proto.LogKind;
import org.gdpstore.wire.GdpName;
import org.junit.jupiter.api.Test;

/**
 * Small files stored inside their directory entry (format version 2): no file log, one signed
 * directory record per creation; growing past the limit moves a file to a log; version-1
 * filesystems keep getting file logs. Checked through the API and through the raw logs.
 */
class InlineFileTest {
  static final FsOptions OPTS = FsOptions.builder().chunkSize(100).inlineFileBytes(64).build();

  static byte[] bytes(int n, int seed) {
    return InMemoryCrashAndIntegrityTest.content(n, seed);
  }

  /** The directory log's changes, replayed from the raw records (docs/on-log-format.md 3.1). */
  static Map<String, org.gdpstore.fs.internal.proto.StoredEntry> rawState(InMemoryLogStore store, GdpName root) throws Exception {
    LogStore.Source src = store.openSource(root, true).get();
    long last = src.lastRecno().get();
    List<LogStore.StoredRecord> recs = src.readRange(1, (int) last).get();
    LogHeader h = Records.parseHeader(recs.get(0).payload(), LogKind.DIRECTORY);
    assertThat(h.getFormatVersion()).isLessThanOrEqualTo(Records.FORMAT_VERSION);
    Map<String, org.gdpstore.fs.internal.proto.StoredEntry> state = new HashMap<>();
    List<Change> pending = new ArrayList<>();
    for (LogStore.StoredRecord r : recs.subList(1, recs.size())) {
      DirectoryCommit c = FsRecord.parseFrom(r.payload().duplicate()).getCommit();
      pending.addAll(c.getChangesList());
      if (c.getLast()) {
        for (Change ch : pending) {
          if (ch.hasPut()) {
            state.put(ch.getPath(), ch.getPut());
          } else {
            state.remove(ch.getPath());
          }
        }
        pending.clear();
      }
    }
    return state;
  }

  @Test
  void smallFileIsOneDirectoryRecordAndNoLog() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    GdpName root;
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, OPTS)) {
      root = fs.rootName();
      fs.createDir("/d");
      int logs = store.logCount();
      long appends = store.appendCount();
      byte[] small = bytes(64, 1);
      fs.writeFile("/d/small", small);
      assertThat(store.logCount()).as("no file log for an inline file").isEqualTo(logs);
      assertThat(store.appendCount() - appends).as("one directory record").isEqualTo(1);
      assertThat(fs.readFile("/d/small")).isEqualTo(small);
      assertThat(fs.getFileSize("/d/small")).isEqualTo(64);
      fs.writeFile("/d/empty", new byte[0]);
      assertThat(fs.getFileSize("/d/empty")).isZero();
      fs.writeFile("/d/big", bytes(65, 2));
      assertThat(store.logCount()).as("one past the limit gets a log").isGreaterThan(logs);

      // a reader of the raw logs tells them apart by log_name (empty = inline)
      Map<String, org.gdpstore.fs.internal.proto.StoredEntry> raw = rawState(store, fs.rootName());
      org.gdpstore.fs.internal.proto.StoredEntry e = raw.get("d/small");
      assertThat(e.getKind()).isEqualTo(EntryKind.REGULAR_FILE);
      assertThat(e.getLogName().isEmpty()).isTrue();
      assertThat(e.getInlineData().toByteArray()).isEqualTo(small);
      assertThat(e.getSha256().toByteArray()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(small));
      assertThat(raw.get("d/big").getLogName().size()).isEqualTo(GdpName.LENGTH);
      assertThat(fs.verifyAll().failures()).isEmpty();
    }
    try (GdpFileSystem ro = GdpFileSystem.open(store, root, null, OPTS)) {
      assertThat(ro.readFile("/d/small")).isEqualTo(bytes(64, 1));
    }
  }

  @Test
  void appendsGrowAnInlineFileIntoALogAndHistoryKeepsEveryVersion() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, OPTS)) {
      byte[] a = bytes(40, 3);
      fs.writeFile("/f", a);
      long v1 = fs.head();
      byte[] b = bytes(20, 4);
      try (WritableFile w = fs.newAppendableFile("/f")) {
        assertThat(w.tell()).isEqualTo(40);
        w.append(b);
      }
      long v2 = fs.head();
      assertThat(rawState(store, fs.rootName()).get("f").getLogName().isEmpty()).as("60 bytes: inline").isTrue();
      byte[] c = bytes(250, 5);
      try (WritableFile w = fs.newAppendableFile("/f")) {
        w.append(c);
        w.sync();
        assertThat(w.tell()).isEqualTo(310);
      }
      assertThat(rawState(store, fs.rootName()).get("f").getLogName().size()).as("moved to a file log")
          .isEqualTo(GdpName.LENGTH);
      byte[] all = new byte[310];
      System.arraycopy(a, 0, all, 0, 40);
      System.arraycopy(b, 0, all, 40, 20);
      System.arraycopy(c, 0, all, 60, 250);
      assertThat(fs.readFile("/f")).isEqualTo(all);
      assertThat(fs.at(v1).readFile("/f")).isEqualTo(a);
      assertThat(fs.at(v2).readFile("/f")).hasSize(60);
      // many small appends through one writer cross the limit mid-way
      try (WritableFile w = fs.newWritableFile("/g")) {
        for (int i = 0; i < 30; i++) {
          w.append(ByteBuffer.wrap(new byte[] {(byte) i, (byte) i, (byte) i}));
        }
      }
      byte[] g = fs.readFile("/g");
      assertThat(g).hasSize(90);
      assertThat(g[89]).isEqualTo((byte) 29);
      try (GdpRandomAccessFile r = fs.newRandomAccessFile("/g")) {
        ByteBuffer dst = ByteBuffer.allocate(10);
        assertThat(r.read(60, dst)).isEqualTo(10);
        assertThat(dst.array()[0]).isEqualTo((byte) 20);
      }
      assertThat(fs.verifyAll().failures()).isEmpty();
    }
  }

  @Test
  void copyRenameTransactionsAndRegionsWorkOnInlineFiles() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, OPTS)) {
      byte[] x = "inline!".getBytes(UTF_8);
      fs.writeFile("/x", x);
      fs.copyFile("/x", "/y");
      fs.renameFile("/x", "/z");
      assertThat(fs.exists("/x")).isFalse();
      assertThat(fs.readFile("/y")).isEqualTo(x);
      assertThat(fs.readFile("/z")).isEqualTo(x);
      ReadOnlyMemoryRegion m = fs.newReadOnlyMemoryRegionFromFile("/z");
      assertThat(m.length()).isEqualTo(x.length);
      assertThat(m.data().get(6)).isEqualTo((byte) '!');
      try (Transaction tx = fs.newTransaction()) {
        tx.writeFile("/t1", bytes(10, 6));
        tx.writeFile("/t2", bytes(300, 7));
        tx.abort();
      }
      assertThat(fs.exists("/t1")).isFalse();
      try (Transaction tx = fs.newTransaction()) {
        assertThatThrownBy(() -> tx.writeFile("/many/0", bytes(64, 0)))
            .isInstanceOf(FsException.class).hasMessageContaining("parent directory");
      }
      try (Transaction tx = fs.newTransaction()) {
        tx.createDir("/many");
        for (int i = 0; i < 50; i++) {
          tx.writeFile("/many/" + i, bytes(64, i));
        }
        tx.commit();
      }
      assertThat(fs.getChildren("/many")).hasSize(50);
      assertThat(fs.readFile("/many/49")).isEqualTo(bytes(64, 49));
      Map<String, org.gdpstore.fs.internal.proto.StoredEntry> raw = rawState(store, fs.rootName());
      assertThat(raw.get("many/7").getLogName().isEmpty()).isTrue();
      assertThat(raw.get("y").getLogName().isEmpty()).isTrue();
      assertThat(raw).doesNotContainKeys("t1", "t2", "x");
    }
  }

  @Test
  void aVersion1FilesystemKeepsWritingFileLogs() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    GdpName root = store.createLog(LogBackend.KEYS, "v1").get();
    LogStore.Appender app = store.openAppender(root, LogBackend.KEYS).get();
    app.append(ByteBuffer.wrap(FsRecord.newBuilder().setHeader(LogHeader.newBuilder()
        .setKind(LogKind.DIRECTORY).setFormatVersion(1).setChunkSize(100)).build().toByteArray())).get();
    app.close();
    try (GdpFileSystem fs = GdpFileSystem.open(store, root, LogBackend.KEYS, OPTS)) {
      fs.writeFile("/small", bytes(10, 8));
      assertThat(fs.readFile("/small")).isEqualTo(bytes(10, 8));
    }
    assertThat(rawState(store, root).get("small").getLogName().size())
        .as("a version-1 reader must still read it").isEqualTo(GdpName.LENGTH);
  }

  @Test
  void anInlineFileInAVersion1LogIsCorruption() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    GdpName root = store.createLog(LogBackend.KEYS, "v1").get();
    LogStore.Appender app = store.openAppender(root, LogBackend.KEYS).get();
    app.append(ByteBuffer.wrap(FsRecord.newBuilder().setHeader(LogHeader.newBuilder()
        .setKind(LogKind.DIRECTORY).setFormatVersion(1).setChunkSize(100)).build().toByteArray())).get();
    byte[] data = "x".getBytes(UTF_8);
    app.append(ByteBuffer.wrap(FsRecord.newBuilder().setCommit(DirectoryCommit.newBuilder().setTxnId(1).setLast(true)
        .addChanges(Change.newBuilder().setPath("f").setPut(org.gdpstore.fs.internal.proto.StoredEntry.newBuilder()
            .setKind(EntryKind.REGULAR_FILE).setSize(1)
            .setSha256(com.google.protobuf.ByteString.copyFrom(MessageDigest.getInstance("SHA-256").digest(data)))
            .setInlineData(com.google.protobuf.ByteString.copyFrom(data))))).build().toByteArray())).get();
    app.close();
    assertThatThrownBy(() -> GdpFileSystem.open(store, root, null, OPTS))
        .isInstanceOf(IntegrityException.class).hasMessageContaining("version-1");
  }

  @Test
  void aNewerFormatIsRefused() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    GdpName root = store.createLog(LogBackend.KEYS, "v3").get();
    LogStore.Appender app = store.openAppender(root, LogBackend.KEYS).get();
    app.append(ByteBuffer.wrap(FsRecord.newBuilder().setHeader(LogHeader.newBuilder()
        .setKind(LogKind.DIRECTORY).setFormatVersion(Records.FORMAT_VERSION + 1)).build().toByteArray())).get();
    app.close();
    assertThatThrownBy(() -> GdpFileSystem.open(store, root, null, OPTS))
        .isInstanceOf(FsException.class).hasMessageContaining("unsupported format version");
  }

  @Test
  void inlineFileBytesZeroGivesEveryFileALog() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, OPTS.toBuilder().inlineFileBytes(0).build())) {
      fs.writeFile("/s", bytes(5, 9));
      assertThat(rawState(store, fs.rootName()).get("s").getLogName().size()).isEqualTo(GdpName.LENGTH);
    }
    assertThatThrownBy(() -> FsOptions.builder().inlineFileBytes(4097).build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
