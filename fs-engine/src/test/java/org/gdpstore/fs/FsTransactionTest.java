package org.gdpstore.fs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.gdpstore.fs.FsComplianceTest.assertCode;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Transactions (TensorFlow's calls plus abort), snapshots, time travel and the key-value API. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FsTransactionTest {
  LogBackend backend;
  GdpFileSystem fs;
  final TestClock clock = new TestClock();

  abstract LogBackend newBackend();

  @BeforeAll
  void startBackend() {
    backend = newBackend();
  }

  @AfterAll
  void stopBackend() {
    backend.close();
  }

  @BeforeEach
  void newFs() throws FsException {
    fs = backend.mkfs(options());
  }

  FsOptions options() {
    return FsOptions.builder().chunkSize(1000).clock(clock).inlineLimit(64).build();
  }

  @AfterEach
  void closeFs() {
    fs.close();
  }

  /** A clock the test moves by hand. */
  static final class TestClock extends Clock {
    volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(long seconds) {
      now = now.plusSeconds(seconds);
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  String read(ReadableFileSystem ops, String path) throws FsException {
    return new String(ops.readFile(path), UTF_8);
  }

  @Test
  void multiFileCommitBecomesVisibleTogether() throws Exception {
    long before = fs.head();
    FsSnapshot pinned = fs.snapshot();
    CommitResult result;
    try (Transaction tx = fs.newTransaction()) {
      tx.createDir("/ckpt");
      tx.writeFile("/ckpt/a", b("A"));
      tx.writeFile("/ckpt/b", b("B"));
      WritableFile open = tx.newWritableFile("/ckpt/c");
      open.append(b("C")); // left open: the commit closes it
      assertThat(read(tx, "/ckpt/a")).isEqualTo("A");
      assertThat(tx.getChildren("/ckpt")).containsExactly("a", "b", "c"); // c is being written in tx
      assertThat(fs.exists("/ckpt")).isFalse();
      assertThat(fs.exists("/ckpt/a")).isFalse();
      assertThat(fs.head()).isEqualTo(before);
      result = tx.commit();
    }
    assertThat(result.recno()).isEqualTo(fs.head()).isEqualTo(before + 1);
    assertThat(result.paths()).containsExactly("/ckpt", "/ckpt/a", "/ckpt/b", "/ckpt/c");
    assertThat(read(fs, "/ckpt/a") + read(fs, "/ckpt/b") + read(fs, "/ckpt/c")).isEqualTo("ABC");
    assertThat(pinned.exists("/ckpt")).isFalse();
    assertThat(fs.at(before).exists("/ckpt/a")).isFalse();
    assertThat(fs.at(result.recno()).exists("/ckpt/c")).isTrue();
  }

  @Test
  void abortAndTryWithResourcesLeaveNothing() throws Exception {
    long before = fs.head();
    TransactionToken t = fs.startTransaction();
    Transaction tx = fs.inTransaction(t);
    tx.writeFile("/gone", b("x"));
    fs.abortTransaction(t);
    assertThat(fs.exists("/gone")).isFalse();
    assertCode(FsCode.NOT_FOUND, () -> fs.endTransaction(t));
    assertCode(FsCode.NOT_FOUND, () -> fs.getTransactionForPath("/gone"));
    fs.writeFile("/gone", b("free again"));

    assertThatThrownBy(() -> {
      try (Transaction tx2 = fs.newTransaction()) {
        tx2.writeFile("/half", b("h"));
        throw new IllegalStateException("boom");
      }
    }).hasMessage("boom");
    assertThat(fs.exists("/half")).isFalse();
    assertThat(fs.head()).isEqualTo(before + 1);
  }

  @Test
  void tensorflowTokenCalls() throws Exception {
    TransactionToken t1 = fs.startTransaction();
    fs.addToTransaction("/p", t1);
    assertThat(fs.getTransactionForPath("/p").id()).isEqualTo(t1.id());
    assertThat(fs.getTokenOrStartTransaction("/p").id()).isEqualTo(t1.id());
    TransactionToken t2 = fs.getTokenOrStartTransaction("/q");
    assertThat(t2.id()).isNotEqualTo(t1.id());
    assertThat(fs.getTransactionForPath("/q").id()).isEqualTo(t2.id());
    assertCode(FsCode.NOT_FOUND, () -> fs.getTransactionForPath("/r"));
    // conflicting use of a held path is refused, clearly
    assertCode(FsCode.FAILED_PRECONDITION, () -> fs.addToTransaction("/p", t2));
    assertCode(FsCode.FAILED_PRECONDITION, () -> fs.writeFile("/p", b("outside")));
    assertCode(FsCode.FAILED_PRECONDITION, () -> fs.inTransaction(t2).writeFile("/p", b("t2")));
    fs.inTransaction(t1).writeFile("/p", b("t1"));
    assertThat(fs.decodeTransaction(t1)).contains("transaction " + t1.id()).contains("/p");
    CommitResult r = fs.endTransaction(t1);
    assertThat(r.paths()).containsExactly("/p");
    assertThat(read(fs, "/p")).isEqualTo("t1");
    fs.writeFile("/p", b("outside now ok"));
    assertThat(fs.endTransaction(t2).paths()).isEmpty();
    assertCode(FsCode.NOT_FOUND, () -> fs.decodeTransaction(t2));
  }

  @Test
  void tokenOfAnotherFilesystemIsRefused() throws Exception {
    try (GdpFileSystem other = backend.mkfs(options())) {
      TransactionToken t = other.startTransaction();
      assertCode(FsCode.INVALID_ARGUMENT, () -> fs.endTransaction(t));
      other.abortTransaction(t);
    }
  }

  @Test
  void conflictsAreDetectedAtCommit() throws Exception {
    fs.createDir("/dir");
    Transaction tx = fs.newTransaction();
    tx.writeFile("/dir/file", b("x"));
    fs.deleteDir("/dir"); // allowed: /dir has no committed child yet
    assertThatThrownBy(tx::commit).isInstanceOf(TransactionConflictException.class)
        .hasMessageContaining("/dir");
    assertThat(fs.exists("/dir/file")).isFalse();
    assertCode(FsCode.NOT_FOUND, () -> fs.getTransactionForPath("/dir/file"));

    fs.createDir("/tree");
    Transaction remover = fs.newTransaction();
    remover.deleteRecursively("/tree");
    fs.writeFile("/tree/new", b("created meanwhile"));
    assertThatThrownBy(remover::commit).isInstanceOf(TransactionConflictException.class)
        .hasMessageContaining("/tree");
    assertThat(read(fs, "/tree/new")).isEqualTo("created meanwhile");

    Transaction mover = fs.newTransaction();
    mover.renamePath("/tree", "/elsewhere");
    fs.writeFile("/tree/another", b("x"));
    assertThatThrownBy(mover::commit).isInstanceOf(TransactionConflictException.class);
    assertThat(fs.exists("/elsewhere")).isFalse();

    Transaction late = fs.newTransaction();
    fs.writeFile("/y", b("committed after the transaction started"));
    late.writeFile("/y", b("stale"));
    assertThatThrownBy(late::commit).isInstanceOf(TransactionConflictException.class);
    assertThat(read(fs, "/y")).startsWith("committed");
  }

  @Test
  void commitOfHundredFilesIsOneRecord() throws Exception {
    long before = fs.head();
    CommitResult r;
    try (Transaction tx = fs.newTransaction()) {
      tx.createDir("/many");
      for (int i = 0; i < 100; i++) {
        tx.writeFile("/many/f" + i, b("content " + i));
      }
      r = tx.commit();
    }
    assertThat(r.recno()).isEqualTo(before + 1);
    assertThat(fs.getChildren("/many")).hasSize(100);
    assertThat(read(fs, "/many/f42")).isEqualTo("content 42");
  }

  @Test
  void hugeCommitSpansRecordsAndStaysAtomic() throws Exception {
    String dir = "/" + "long-directory-name-".repeat(10);
    fs.createDir(dir);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 700; i++) {
      names.add(dir + "/file-with-a-rather-long-name-number-" + i);
    }
    fs.writeFile("/seed", b("seed"));
    long before = fs.head();
    try (Transaction tx = fs.newTransaction()) {
      for (String p : names) {
        tx.copyFile("/seed", p);
      }
      CommitResult r = tx.commit();
      assertThat(r.recno()).isGreaterThan(before + 1); // several parts
    }
    assertThat(fs.at(fs.head() - 1).getChildren(dir)).isEmpty();
    assertThat(fs.getChildren(dir)).hasSize(700);
    try (GdpFileSystem reader = backend.open(fs.rootName(), null, options())) {
      assertThat(reader.getChildren(dir)).hasSize(700);
      assertThat(read(reader, names.get(699))).isEqualTo("seed");
    }
    // a rename of the whole tree is atomic too
    fs.renamePath(dir, "/moved");
    assertThat(fs.getChildren("/moved")).hasSize(700);
    assertThat(fs.exists(dir)).isFalse();
  }

  @Test
  void timeTravelByRecnoAndTimestamp() throws Exception {
    fs.writeFile("/v", b("one"));
    long r1 = fs.head();
    Instant t1 = clock.instant();
    clock.advance(10);
    fs.writeFile("/v", b("two"));
    long r2 = fs.head();
    clock.advance(10);
    fs.deleteFile("/v");
    assertThat(fs.exists("/v")).isFalse();
    assertThat(read(fs.at(r1), "/v")).isEqualTo("one");
    assertThat(read(fs.at(r2), "/v")).isEqualTo("two");
    assertThat(read(fs.at(t1), "/v")).isEqualTo("one");
    assertThat(read(fs.at(t1.plusSeconds(15)), "/v")).isEqualTo("two");
    assertThat(fs.at(t1.minusSeconds(1)).exists("/v")).isFalse();
    assertThat(fs.commits()).contains(r1, r2);
    assertCode(FsCode.OUT_OF_RANGE, () -> fs.at(fs.head() + 1));
    assertCode(FsCode.OUT_OF_RANGE, () -> fs.at(0));
    // a reopened filesystem travels the same way
    try (GdpFileSystem reader = backend.open(fs.rootName(), null, options())) {
      assertThat(read(reader.at(t1), "/v")).isEqualTo("one");
      assertThat(read(reader.at(r2), "/v")).isEqualTo("two");
    }
  }

  @Test
  void keyValue() throws Exception {
    KeyValueStore kv = fs.kv();
    kv.put("user/1", b("alice"));
    kv.put("user/2", b("bob"));
    kv.put("other", b("x"));
    byte[] big = new byte[5000];
    new java.util.Random(3).nextBytes(big);
    kv.put("blob", big);
    assertThat(kv.get("user/1")).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("alice")));
    assertThat(kv.get("blob")).hasValueSatisfying(v -> assertThat(v).isEqualTo(big));
    assertThat(kv.get("missing")).isEqualTo(Optional.empty());
    assertThat(kv.keys("user/")).containsExactly("user/1", "user/2");
    assertThat(kv.scan("user/").keySet()).containsExactly("user/1", "user/2");
    assertThat(kv.keys("")).containsExactly("blob", "other", "user/1", "user/2");
    // keys are not files
    assertThat(fs.exists("/user/1")).isFalse();
    assertThat(fs.getChildren("/")).isEmpty();
    long before = fs.head();
    FsSnapshot snap = fs.snapshot();
    CommitResult r = kv.batch().put("user/3", b("carol")).delete("user/1").put("other", big).commit();
    assertThat(r.recno()).isEqualTo(before + 1);
    assertThat(kv.keys("user/")).containsExactly("user/2", "user/3");
    assertThat(kv.get("other")).hasValueSatisfying(v -> assertThat(v).isEqualTo(big));
    assertThat(snap.kvGet("user/1")).isPresent();
    assertThat(kv.delete("user/2")).isTrue();
    assertThat(kv.delete("user/2")).isFalse();
    assertCode(FsCode.INVALID_ARGUMENT, () -> kv.put("", b("x")));
    assertCode(FsCode.INVALID_ARGUMENT, () -> kv.put("a\0b", b("x")));
    assertCode(FsCode.INVALID_ARGUMENT, () -> kv.get("k".repeat(1025)));
    try (GdpFileSystem reader = backend.open(fs.rootName(), null, options())) {
      assertThat(reader.kv().keys("")).containsExactly("blob", "other", "user/3");
      assertThat(reader.kv().get("blob")).hasValueSatisfying(v -> assertThat(v).isEqualTo(big));
    }
  }

  @Test
  void readersFollowTheWriterWithoutPolling() throws Exception {
    java.util.concurrent.BlockingQueue<CommitResult> seen = new java.util.concurrent.LinkedBlockingQueue<>();
    try (GdpFileSystem reader = backend.open(fs.rootName(), null, options())) {
      GdpFileSystem.Watch watch = reader.watch(seen::add);
      fs.writeFile("/w1", b("one"));
      CommitResult c2;
      try (Transaction tx = fs.newTransaction()) {
        tx.writeFile("/w2", b("two"));
        tx.writeFile("/w3", b("three"));
        c2 = tx.commit();
      }
      fs.renameFile("/w1", "/w4");
      List<CommitResult> got = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        CommitResult c = seen.poll(20, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(c).as("commit %d delivered", i).isNotNull();
        got.add(c);
      }
      assertThat(got.get(0).paths()).containsExactly("/w1");
      assertThat(got.get(1).recno()).isEqualTo(c2.recno());
      assertThat(got.get(1).paths()).containsExactly("/w2", "/w3");
      assertThat(got.get(2).paths()).containsExactly("/w1", "/w4");
      assertThat(reader.head()).isGreaterThanOrEqualTo(got.get(2).recno());
      assertThat(read(reader.at(got.get(2).recno()), "/w4")).isEqualTo("one");
      watch.close();
      watch.close(); // idempotent
      fs.writeFile("/after-close", b("x"));
      assertThat(seen.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS)).isNull();
    }
  }

  @Test
  void cacheStatisticsAndReadAhead() throws Exception {
    byte[] data = new byte[20_000];
    new java.util.Random(5).nextBytes(data);
    fs.writeFile("/c", data);
    fs.flushCaches();
    CacheStats s0 = fs.cacheStats();
    try (GdpRandomAccessFile r = fs.newRandomAccessFile("/c")) {
      for (int off = 0; off < data.length; off += 500) {
        assertThat(r.readFully(off, 500)).isEqualTo(java.util.Arrays.copyOfRange(data, off, off + 500));
      }
    }
    CacheStats s1 = fs.cacheStats();
    assertThat(s1.misses()).isGreaterThan(s0.misses());
    assertThat(s1.loadedBytes() - s0.loadedBytes()).isGreaterThanOrEqualTo(data.length);
    assertThat(s1.residentBytes()).isGreaterThanOrEqualTo(data.length);
    try (GdpRandomAccessFile r = fs.newRandomAccessFile("/c")) {
      r.readFully(3000, 4000);
    }
    CacheStats s2 = fs.cacheStats();
    assertThat(s2.hits()).isGreaterThan(s1.hits());
    assertThat(s2.misses()).isEqualTo(s1.misses());
    fs.flushCaches();
    assertThat(fs.cacheStats().residentBytes()).isZero();
  }
}
