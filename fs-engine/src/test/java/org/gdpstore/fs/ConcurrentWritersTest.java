package org.gdpstore.fs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.gdpstore.fs.internal.CommitCodec;
import org.gdpstore.fs.internal.DirEntry;
import org.gdpstore.fs.internal.EntryKey;
import org.gdpstore.fs.internal.Hashes;
import org.gdpstore.fs.internal.InMemoryLogStore;
import org.gdpstore.fs.internal.LogStore;
import org.gdpstore.fs.internal.proto.FsRecord;
import org.gdpstore.wire.GdpName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several writers of one filesystem (format version 4), each a {@link GdpFileSystem} with its own
 * appender on one in-memory store (numbered like the log client: CONFLICT when another writer took
 * the record): optimistic commits that rebase, conflicts, lost acknowledgements, KV conditions and
 * the replay rules for void and interleaved commits.
 */
class ConcurrentWritersTest {
  private InMemoryLogStore store;
  private GdpFileSystem a;
  private GdpFileSystem b;
  private GdpName root;

  @BeforeEach
  void setUp() throws Exception {
    store = new InMemoryLogStore();
    a = GdpFileSystem.mkfs(store, LogBackend.KEYS, FsOptions.DEFAULT);
    root = a.rootName();
    a.createDir("/d");
    b = GdpFileSystem.open(store, root, LogBackend.KEYS, FsOptions.DEFAULT);
  }

  @AfterEach
  void tearDown() {
    b.close();
    a.close();
  }

  private GdpFileSystem reader() throws FsException {
    return GdpFileSystem.open(store, root, null, FsOptions.DEFAULT);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void disjointCommitsOfTwoWritersRebaseAndBothLand() throws Exception {
    a.writeFile("/d/from-a", bytes("a"));
    long before = store.lastRecno(root);
    CommitResult c;
    try (Transaction t = b.newTransaction()) { // b has not seen a's commit: its append loses the race
      t.writeFile("/d/from-b", bytes("b"));
      c = t.commit();
    }
    assertThat(c.recno()).isEqualTo(before + 1);
    assertThat(store.lastRecno(root)).isEqualTo(before + 1); // nothing void or duplicated
    try (GdpFileSystem r = reader()) {
      assertThat(r.readFile("/d/from-a")).isEqualTo(bytes("a"));
      assertThat(r.readFile("/d/from-b")).isEqualTo(bytes("b"));
      assertThat(r.head()).isEqualTo(c.recno());
    }
    // b's index picked up a's commit while rebasing
    assertThat(b.readFile("/d/from-a")).isEqualTo(bytes("a"));
  }

  @Test
  void twoWritersCreatingTheSameNewParentForDifferentFilesBothLand() throws Exception {
    // as two parallel `gdpfs put` into a new directory: each creates /new implicitly
    try (Transaction t = b.newTransaction()) { // b has not seen a's commit
      t.recursivelyCreateDir("/new/sub");
      t.writeFile("/new/sub/from-b", bytes("b"));
      a.recursivelyCreateDir("/new/sub");
      a.writeFile("/new/sub/from-a", bytes("a"));
      t.commit();
    }
    try (GdpFileSystem r = reader()) {
      assertThat(r.readFile("/new/sub/from-a")).isEqualTo(bytes("a"));
      assertThat(r.readFile("/new/sub/from-b")).isEqualTo(bytes("b"));
      assertThat(r.stat("/new/sub").isDirectory()).isTrue();
    }
    // an explicit createDir of a directory another writer created meanwhile still conflicts
    try (Transaction t = b.newTransaction()) {
      t.createDir("/explicit");
      a.createDir("/explicit");
      assertThatThrownBy(t::commit).isInstanceOf(TransactionConflictException.class).hasMessageContaining("/explicit");
    }
  }

  @Test
  void twoWritersOfOnePathOneWinsTheOtherIsAbortedAndLeavesNoTrace() throws Exception {
    a.writeFile("/d/x", bytes("old"));
    b.refresh();
    a.writeFile("/d/x", bytes("from a"));
    long winner = a.head();
    long before = store.lastRecno(root);
    assertThatThrownBy(() -> b.writeFile("/d/x", bytes("from b")))
        .isInstanceOf(TransactionConflictException.class)
        .hasMessageContaining("/d/x")
        .hasMessageContaining("commit " + winner)
        .satisfies(e -> assertThat(((FsException) e).code()).isEqualTo(FsCode.ABORTED));
    assertThat(store.lastRecno(root)).isEqualTo(before);
    try (GdpFileSystem r = reader()) {
      assertThat(r.readFile("/d/x")).isEqualTo(bytes("from a"));
    }
    b.writeFile("/d/x", bytes("from b, on the newer state")); // the writer goes on
    assertThat(a.refresh()).isEqualTo(b.head());
    assertThat(a.readFile("/d/x")).isEqualTo(bytes("from b, on the newer state"));
  }

  @Test
  void aRemovedDirectoryThatGainedAnEntryAbortsTheTransaction() throws Exception {
    try (Transaction t = b.newTransaction()) {
      t.deleteDir("/d");
      a.writeFile("/d/new", bytes("n"));
      assertThatThrownBy(t::commit).isInstanceOf(TransactionConflictException.class)
          .hasMessageContaining("/d").hasMessageContaining("commit " + a.head());
    }
    try (GdpFileSystem r = reader()) {
      assertThat(r.readFile("/d/new")).isEqualTo(bytes("n"));
    }
  }

  @Test
  void aParentThatVanishedAbortsTheWrite() throws Exception {
    try (Transaction t = b.newTransaction()) {
      t.writeFile("/d/child", bytes("c"));
      a.deleteDir("/d");
      assertThatThrownBy(t::commit).isInstanceOf(TransactionConflictException.class)
          .hasMessageContaining("parent directory /d");
    }
    try (GdpFileSystem r = reader()) {
      assertThat(r.exists("/d")).isFalse();
      assertThat(r.exists("/d/child")).isFalse();
    }
  }

  @Test
  void aCommitWhoseAcknowledgementWasLostIsFoundByItsId() throws Exception {
    long before = store.lastRecno(root);
    store.loseAcks(1);
    CommitResult c;
    try (Transaction t = a.newTransaction()) {
      t.writeFile("/d/once", bytes("1"));
      c = t.commit(); // stored, answer lost: found in the log, not retried, not "unknown"
    }
    assertThat(c.recno()).isEqualTo(before + 1);
    assertThat(store.lastRecno(root)).isEqualTo(before + 1);
    a.writeFile("/d/after", bytes("2")); // the writer is not broken
    try (GdpFileSystem r = reader()) {
      assertThat(r.history("/d/once")).hasSize(1);
      assertThat(r.readFile("/d/after")).isEqualTo(bytes("2"));
    }
  }

  @Test
  void aLostAcknowledgementWhileAnotherWriterCommitsIsStillResolved() throws Exception {
    store.loseAcks(1);
    a.kv().put("k1", bytes("a")); // stored, ack lost, resolved
    b.kv().put("k2", bytes("b")); // b is behind: CONFLICT, rebase
    store.loseAcks(1);
    a.kv().put("k3", bytes("c")); // a is behind and its ack is lost
    try (GdpFileSystem r = reader()) {
      assertThat(r.kv().keys("")).containsExactly("k1", "k2", "k3");
      assertThat(r.commits()).hasSize(4); // mkdir /d and three puts, each once
    }
  }

  @Test
  void blindKeyValueWritesOfManyWritersAllLandAndTheLastInLogOrderWins() throws Exception {
    a.kv().put("a-only", bytes("1"));
    b.kv().put("b-only", bytes("2"));
    a.kv().put("same", bytes("from a"));
    b.kv().put("same", bytes("from b")); // b is behind; blind: rebased, lands last
    try (GdpFileSystem r = reader()) {
      assertThat(r.kv().keys("")).containsExactly("a-only", "b-only", "same");
      assertThat(r.kv().get("same").orElseThrow()).isEqualTo(bytes("from b"));
    }
  }

  @Test
  void conditionalKeyValueOperationsAreEvaluatedWhereTheCommitLands() throws Exception {
    assertThat(a.kv().putIfAbsent("lock", bytes("a"))).isTrue();
    long before = store.lastRecno(root);
    // b has not seen a's put: at b's snapshot the key is absent, where it lands it is not
    assertThat(b.kv().putIfAbsent("lock", bytes("b"))).isFalse();
    assertThat(store.lastRecno(root)).isEqualTo(before); // a failed condition writes nothing
    assertThat(b.kv().replace("lock", bytes("b"), bytes("x"))).isFalse();
    assertThat(b.kv().replace("lock", bytes("a"), bytes("b"))).isTrue();
    // a is behind now: its compare-and-set against its own value fails after the rebase
    assertThat(a.kv().replace("lock", bytes("a"), bytes("a2"))).isFalse();
    assertThat(a.kv().delete("lock", bytes("a"))).isFalse();
    assertThat(a.kv().delete("lock", bytes("b"))).isTrue();
    assertThat(b.kv().delete("lock")).isFalse(); // b is behind: absent where it would land
    assertThat(b.kv().putIfAbsent("lock", bytes("again"))).isTrue();
    try (GdpFileSystem r = reader()) {
      assertThat(r.kv().get("lock").orElseThrow()).isEqualTo(bytes("again"));
    }
  }

  /** Format 4 replay: a commit that landed after records it was not checked against is void. */
  @Test
  void aCommitThatLandedAwayFromItsBaseIsSkippedByReaders() throws Exception {
    LogStore.Appender app = store.openAppender(root, LogBackend.KEYS).get();
    long last = store.lastRecno(root);
    TreeMap<EntryKey, DirEntry> changes = new TreeMap<>();
    changes.put(EntryKey.kv("void"), DirEntry.inline(bytes("v"), Hashes.sha256(bytes("v")), 1));
    // checked against record last - 1, but lands at last + 1
    app.appendBatch(CommitCodec.encode(99, 1, changes, 0, id(1), last - 1)).get();
    // and one in place
    TreeMap<EntryKey, DirEntry> ok = new TreeMap<>();
    ok.put(EntryKey.kv("ok"), DirEntry.inline(bytes("o"), Hashes.sha256(bytes("o")), 1));
    app.appendBatch(CommitCodec.encode(100, 1, ok, 0, id(2), last + 1)).get();
    try (GdpFileSystem r = reader()) {
      assertThat(r.kv().keys("")).containsExactly("ok");
    }
    a.kv().put("after", bytes("1")); // a writer behind both rebases past the void record
    try (GdpFileSystem r = reader()) {
      assertThat(r.kv().keys("")).containsExactly("after", "ok");
    }
  }

  /** Format 4 replay: a multi-record commit interrupted by another writer's record never becomes visible. */
  @Test
  void interleavedPartsOfTwoWritersAreAbandoned() throws Exception {
    LogStore.Appender app = store.openAppender(root, LogBackend.KEYS).get();
    long last = store.lastRecno(root);
    TreeMap<EntryKey, DirEntry> big = new TreeMap<>();
    for (int i = 0; i < 200; i++) {
      byte[] v = new byte[600];
      big.put(EntryKey.kv("big" + i), DirEntry.inline(v, Hashes.sha256(v), 1));
    }
    List<ByteBuffer> parts = CommitCodec.encode(7, 1, big, 0, id(3), last);
    assertThat(parts.size()).isGreaterThan(1);
    TreeMap<EntryKey, DirEntry> other = new TreeMap<>();
    other.put(EntryKey.kv("other"), DirEntry.inline(bytes("o"), Hashes.sha256(bytes("o")), 1));
    app.append(parts.get(0)).get();
    // another writer's record continuing a run of the same txn id with the next part number: only
    // its commit id tells it apart (before format 4 it would have completed the first run)
    FsRecord part1 = FsRecord.parseFrom(CommitCodec.encode(7, 1, other, 0, id(4), last).get(0));
    app.append(ByteBuffer.wrap(part1.toBuilder().setCommit(part1.getCommit().toBuilder().setPart(1))
        .build().toByteArray())).get();
    for (ByteBuffer p : parts.subList(1, parts.size())) {
      app.append(p).get();
    }
    try (GdpFileSystem r = reader()) {
      assertThat(r.kv().keys("")).isEmpty();
    }
    List<Long> recnos = new ArrayList<>();
    for (long rn = last + 1; rn <= store.lastRecno(root); rn++) {
      recnos.add(rn);
      assertThat(FsRecord.parseFrom(store.openSource(root, true).get().read(rn).get().payload()).hasCommit()).isTrue();
    }
    assertThat(recnos).hasSize(parts.size() + 1);
  }

  private static ByteString id(int n) {
    byte[] b = new byte[CommitCodec.COMMIT_ID_BYTES];
    b[0] = (byte) n;
    return ByteString.copyFrom(b);
  }
}
