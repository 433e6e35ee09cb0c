package org.gdpstore.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.gdpstore.sim.FaultPlan;
import org.gdpstore.sim.FaultPlan.Direction;
import org.gdpstore.sim.GdpSimulator;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.MsgCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log client's contract, run against the simulator over each transport (subclasses pick the
 * address). Every test owns its simulator and clients.
 */
@Timeout(180)
abstract class LogClientContractTest {
  static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path tmp;

  GdpSimulator sim;
  final List<GdpClient> clients = new ArrayList<>();
  final Ed25519Keys keys = Ed25519Keys.fromSeed(new byte[32]);
  ExecutorService callbacks;

  /** The address clients connect to. */
  abstract SocketAddress address(GdpSimulator sim);

  @BeforeEach
  void startSimulator() {
    callbacks = Executors.newFixedThreadPool(4);
    sim = GdpSimulator.builder().inProcess().loopbackTcp(0).start();
  }

  @AfterEach
  void stopAll() throws Exception {
    for (GdpClient c : clients) {
      c.close();
    }
    clients.clear();
    if (sim != null) {
      sim.close();
    }
    callbacks.shutdown();
    assertThat(callbacks.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  GdpClient.Builder clientBuilder() {
    return GdpClient.builder()
        .router(address(sim))
        .creationService(sim.serverName())
        .requestTimeout(Duration.ofSeconds(20))
        .resendInterval(Duration.ofMillis(300))
        .subscriptionRefresh(Duration.ofSeconds(1))
        .backoff(Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(200)).withJitter(0.5, 42))
        .callbackExecutor(callbacks);
  }

  GdpClient client() {
    return track(clientBuilder().build());
  }

  GdpClient track(GdpClient c) {
    clients.add(c);
    return c;
  }

  LogInfo newLog(GdpClient c) {
    return c.createLog(LogSpec.builder().humanName("test.log").writerKey(keys).build());
  }

  static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  static String text(LogRecord r) {
    return new String(r.dataBytes(), UTF_8);
  }

  // ------------------------------------------------------------------ basic calls

  @Test
  void createOpenAppendReadRoundTrip() {
    GdpClient c = client();
    LogInfo info = newLog(c);
    assertThat(info.name()).isEqualTo(info.metadata().logName());
    assertThat(info.metadata().find(LogMetadata.WPK)).isPresent();
    assertThat(info.metadata().find(LogMetadata.PUB)).isEmpty();
    assertThat(info.metadata().findText(LogMetadata.XID)).contains("test.log");

    try (LogWriter w = c.openWriter(info.name(), keys)) {
      assertThat(w.nrecs()).isZero();
      assertThat(w.append(bytes("one"))).isEqualTo(1);
      assertThat(w.append(bytes("two"))).isEqualTo(2);
      Instant ts = Instant.parse("2026-01-02T03:04:05.123456789Z");
      assertThat(w.append(bytes("three"), ts)).isEqualTo(3);
      assertThat(w.nrecs()).isEqualTo(3);

      LogRecord r3 = w.read(3);
      assertThat(text(r3)).isEqualTo("three");
      assertThat(r3.timestamp()).isEqualTo(ts);
      assertThat(r3.verified()).isTrue();
      assertThat(r3.signatureBytes()).hasSize(64);
    }
    try (LogReader r = c.openReader(info.name())) {
      assertThat(r.nrecs()).isEqualTo(3);
      assertThat(r.lastRecno()).isEqualTo(3);
      assertThat(r.metadata()).isEqualTo(info.metadata());
      List<LogRecord> all = r.readRange(1, 10);
      assertThat(all).extracting(LogRecord::recno).containsExactly(1L, 2L, 3L);
      assertThat(all).extracting(LogClientContractTest::text).containsExactly("one", "two", "three");
      assertThat(all).allMatch(LogRecord::verified);
      assertThat(text(r.read(-1))).isEqualTo("three");
      assertThat(r.readRange(-2, 5)).extracting(LogRecord::recno).containsExactly(2L, 3L);
      assertThat(r.readRange(2, 1)).extracting(LogRecord::recno).containsExactly(2L);
    }
  }

  @Test
  void readErrorsAreTyped() {
    GdpClient c = client();
    LogInfo info = newLog(c);
    try (LogReader r = c.openReader(info.name())) {
      assertThatThrownBy(() -> r.read(1)).isInstanceOfSatisfying(GdpException.class,
          e -> assertThat(e.code()).isEqualTo(GdpStatus.Code.NOT_FOUND));
      assertThatThrownBy(() -> r.read(0)).isInstanceOfSatisfying(GdpException.class,
          e -> assertThat(e.code()).isEqualTo(GdpStatus.Code.INVALID_ARGUMENT));
      assertThatThrownBy(() -> r.readRange(1, 0)).isInstanceOfSatisfying(GdpException.class,
          e -> assertThat(e.code()).isEqualTo(GdpStatus.Code.INVALID_ARGUMENT));
      assertThat(r).as("a reader handle cannot append, not even by a cast").isNotInstanceOf(LogWriter.class);
    }
  }

  @Test
  void readByTimestampAndHash() {
    GdpClient c = client();
    LogInfo info = newLog(c);
    try (LogWriter w = c.openWriter(info.name(), keys)) {
      Instant t0 = Instant.parse("2026-05-01T00:00:00Z");
      for (int i = 0; i < 5; i++) {
        w.append(bytes("r" + i), t0.plusSeconds(i));
      }
      List<LogRecord> fromT2 = w.readByTimestamp(t0.plusSeconds(2), 10);
      assertThat(fromT2).extracting(LogClientContractTest::text).containsExactly("r2", "r3", "r4");
      assertThat(w.readByTimestamp(t0.plusSeconds(1), 2)).extracting(LogRecord::recno).containsExactly(2L, 3L);
      LogRecord r4 = w.read(4);
      assertThat(w.readByHash(r4.recordHashBytes()).recno()).isEqualTo(4);
      assertThatThrownBy(() -> w.readByHash(new byte[32])).isInstanceOfSatisfying(GdpException.class,
          e -> assertThat(e.code()).isEqualTo(GdpStatus.Code.NOT_FOUND));
    }
  }

  @Test
  void largeRecordsRoundTrip() {
    GdpClient c = client();
    LogInfo info = newLog(c);
    byte[] big = new byte[60 * 1024];
    new SecureRandom(new byte[] {1}).nextBytes(big);
    try (LogWriter w = c.openWriter(info.name(), keys)) {
      List<byte[]> batch = List.of(big, big, big);
      assertThat(w.appendBatch(batch)).containsExactly(1L, 2L, 3L);
      assertThat(w.read(2).dataBytes()).isEqualTo(big);
      assertThat(w.readRange(1, 3)).allSatisfy(r -> assertThat(r.dataBytes()).isEqualTo(big));
      assertThatThrownBy(() -> w.append(new byte[70_000])).isInstanceOfSatisfying(GdpException.class,
          e -> assertThat(e.code()).isEqualTo(GdpStatus.Code.INVALID_ARGUMENT));
      assertThat(w.append(bytes("after"))).isEqualTo(4);
    }
  }

  @Test
  void batchAppendKeepsOrder() {
    GdpClient c = client();
    LogInfo info = newLog(c);
    List<byte[]> data = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      data.add(bytes("b" + i));
    }
    try (LogWriter w = c.openWriter(info.name(), keys)) {
      List<Long> recnos = w.appendBatch(data);
      assertThat(recnos).hasSize(1000);
      for (int i = 0; i < 1000; i++) {
        assertThat(recnos.get(i)).isEqualTo(i + 1L);
      }
      List<LogRecord> back = w.readRange(1, 2000);
      assertThat(back).hasSize(1000);
      for (int i = 0; i < 1000; i++) {
        assertThat(text(back.get(i))).isEqualTo("b" + i);
      }
    }
  }

  @Test
  void referenceModeSendsOneDatumPerAppend() {
    GdpClient c = track(clientBuilder().serverMode(ServerMode.REFERENCE).build());
    LogInfo info = newLog(c);
    try (LogWriter w = c.openWriter(info.name(), keys)) {
      List<byte[]> data = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        data.add(bytes("ref" + i));
      }
      assertThat(w.appendBatch(data)).hasSize(50).last().isEqualTo(50L);
      assertThat(w.readRange(1, 100)).extracting(LogClientContractTest::text).containsExactlyElementsOf(
          data.stream().map(b -> new String(b, UTF_8)).toList());
    }
  }

  @Test
  void concurrentWritersAndReadersSeeEverythingInOrder() throws Exception {
    int logs = 3;
    int perLog = 300;
    GdpClient writerClient = track(clientBuilder().maxInFlight(16).build());
    GdpClient readerClient = client();
    List<LogInfo> infos = new ArrayList<>();
    for (int i = 0; i < logs; i++) {
      infos.add(newLog(writerClient));
    }
    List<List<LogRecord>> seen = new ArrayList<>();
    List<CountDownLatch> done = new ArrayList<>();
    List<Subscription> subs = new ArrayList<>();
    for (LogInfo info : infos) {
      LogReader r = readerClient.openReader(info.name());
      List<LogRecord> got = new CopyOnWriteArrayList<>();
      CountDownLatch latch = new CountDownLatch(perLog);
      seen.add(got);
      done.add(latch);
      subs.add(r.subscribe(1, record -> {
        got.add(record);
        latch.countDown();
      }));
    }
    // two threads per log append concurrently; each thread's records must keep their order
    List<CompletableFuture<Void>> work = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int l = 0; l < logs; l++) {
        LogWriter w = writerClient.openWriter(infos.get(l).name(), keys);
        for (int t = 0; t < 2; t++) {
          int thread = t;
          work.add(CompletableFuture.runAsync(() -> {
            List<CompletableFuture<Long>> fs = new ArrayList<>();
            for (int i = 0; i < perLog / 2; i++) {
              fs.add(w.appendAsync(bytes(thread + ":" + i)));
            }
            fs.forEach(CompletableFuture::join);
          }, pool));
        }
      }
      CompletableFuture.allOf(work.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
    } finally {
      pool.shutdown();
    }
    for (int l = 0; l < logs; l++) {
      assertThat(done.get(l).await(30, TimeUnit.SECONDS)).isTrue();
      List<LogRecord> got = seen.get(l);
      assertThat(got).extracting(LogRecord::recno).containsExactlyElementsOf(range(1, perLog));
      int[] next = new int[2];
      for (LogRecord r : got) {
        String[] parts = text(r).split(":");
        int thread = Integer.parseInt(parts[0]);
        assertThat(Integer.parseInt(parts[1])).isEqualTo(next[thread]++);
      }
    }
    subs.forEach(Subscription::close);
  }

  static List<Long> range(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(i);
    }
    return out;
  }

  // ------------------------------------------------------------------ subscriptions

  @Test
  void subscriptionReplaysThenFollowsAndEndsOnClose() throws Exception {
    GdpClient c = client();
    LogInfo info = newLog(c);
    LogWriter w = c.openWriter(info.name(), keys);
    w.appendBatch(List.of(bytes("a"), bytes("b")));
    LogReader r = client().openReader(info.name());
    List<String> got = new CopyOnWriteArrayList<>();
    CountDownLatch four = new CountDownLatch(4);
    CountDownLatch ended = new CountDownLatch(1);
    Subscription s = r.subscribe(1, new RecordListener() {
      @Override
      public void onRecord(LogRecord record) {
        assertThat(Thread.currentThread().getName()).doesNotStartWith("gdp-client");
        got.add(text(record));
        four.countDown();
      }

      @Override
      public void onEnd() {
        ended.countDown();
      }
    });
    w.append(bytes("c"));
    w.append(bytes("d"));
    assertThat(four.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(got).containsExactly("a", "b", "c", "d");
    assertThat(s.lastDelivered()).isEqualTo(4);
    s.close();
    assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(s.isActive()).isFalse();
    w.append(bytes("e"));
    assertThat(r.read(5)).extracting(LogClientContractTest::text).isEqualTo("e");
    assertThat(got).hasSize(4);
  }

  @Test
  void subscriptionFromZeroSeesOnlyNewRecords() throws Exception {
    GdpClient c = client();
    LogInfo info = newLog(c);
    LogWriter w = c.openWriter(info.name(), keys);
    w.append(bytes("old"));
    List<String> got = new CopyOnWriteArrayList<>();
    CountDownLatch one = new CountDownLatch(1);
    // SUBSCRIBE and APPEND leave through the same connection in call order, so the server sees the
    // subscription first
    Subscription s = c.openReader(info.name()).subscribe(0, rec -> {
      got.add(text(rec));
      one.countDown();
    });
    w.append(bytes("new"));
    assertThat(one.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(got).containsExactly("new");
    s.close();
  }

  /**
   * A server ends a subscription that is not refreshed within its timeout (the reference after
   * 180 s, here 1 s) even while records flow; the client's periodic refresh keeps it alive, and
   * the re-sent SUBSCRIBEs neither lose nor repeat a record.
   */
  @Test
  void periodicRefreshOutlivesTheServersSubscriptionTimeout() throws Exception {
    sim.close();
    sim = GdpSimulator.builder().inProcess().loopbackTcp(0).subscriptionTimeout(Duration.ofSeconds(1)).start();
    GdpClient c = track(clientBuilder().subscriptionRefresh(Duration.ofMillis(250)).build());
    LogInfo info = newLog(c);
    LogWriter w = c.openWriter(info.name(), keys);
    List<String> got = new CopyOnWriteArrayList<>();
    Subscription s = c.openReader(info.name()).subscribe(0, rec -> got.add(text(rec)));
    List<String> sent = new ArrayList<>();
    long end = System.nanoTime() + Duration.ofMillis(2500).toNanos();
    for (int i = 1; System.nanoTime() < end; i++) {
      sent.add("r" + i);
      w.append(bytes("r" + i));
      Thread.sleep(50);
    }
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (got.size() < sent.size() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(got).containsExactlyElementsOf(sent);
    s.close();
  }

  @Test
  void relativeStartsCountBackFromTheEnd() throws Exception {
    GdpClient c = client();
    LogInfo info = newLog(c);
    LogWriter w = c.openWriter(info.name(), keys);
    w.appendBatch(List.of(bytes("1"), bytes("2"), bytes("3"), bytes("4"), bytes("5")));
    List<String> got = new CopyOnWriteArrayList<>();
    CountDownLatch three = new CountDownLatch(3);
    // same client: the start is resolved (OPEN) before the next APPEND reaches the server
    Subscription s = c.openReader(info.name()).subscribe(-2, rec -> {
      got.add(text(rec));
      three.countDown();
    });
    w.append(bytes("6"));
    assertThat(three.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(got).containsExactly("4", "5", "6");
    s.close();
  }

  @Test
  void publisherHonoursDemand() throws Exception {
    GdpClient c = client();
    LogInfo info = newLog(c);
    LogWriter w = c.openWriter(info.name(), keys);
    int n = 1500;
    List<byte[]> data = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      data.add(bytes("p" + i));
    }
    w.appendBatch(data);
    List<Long> got = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch done = new CountDownLatch(1);
    AtomicReference<Throwable> error = new AtomicReference<>();
    AtomicReference<Flow.Subscription> sub = new AtomicReference<>();
    c.openReader(info.name()).publisher(1).subscribe(new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        sub.set(s);
        s.request(1);
      }

      @Override
      public void onNext(LogRecord item) {
        got.add(item.recno());
        if (got.size() == n) {
          sub.get().cancel();
          done.countDown();
        } else {
          sub.get().request(1);
        }
      }

      @Override
      public void onError(Throwable t) {
        error.set(t);
        done.countDown();
      }

      @Override
      public void onComplete() {
        done.countDown();
      }
    });
    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(error.get()).isNull();
    assertThat(got).containsExactlyElementsOf(range(1, n));
  }

  @Test
  void subscriptionSurvivesReconnects() throws Exception {
    GdpClient c = client();
    LogInfo info = newLog(c);
    LogWriter w = c.openWriter(info.name(), keys);
    // the router drops the subscriber's connection after every 40 records delivered to it
    sim.faults().add(FaultPlan.on(Direction.TO_CLIENT).code(MsgCode.ACK_CONTENT).log(info.name())
        .closeConnectionAfter(40));
    GdpClient subscriber = client();
    int n = 300;
    List<Long> got = new CopyOnWriteArrayList<>();
    CountDownLatch all = new CountDownLatch(n);
    Subscription s = subscriber.openReader(info.name()).subscribe(1, rec -> {
      got.add(rec.recno());
      all.countDown();
    });
    for (int i = 0; i < n; i++) {
      w.appendAsync(bytes("s" + i));
    }
    assertThat(all.await(40, TimeUnit.SECONDS)).as("got %s", got.size()).isTrue();
    assertThat(got).containsExactlyElementsOf(range(1, n));
    s.close();
  }

  // ------------------------------------------------------------------ errors and keys

  @Test
  void wrongWriterKeyIsRefused() {
    GdpClient c = client();
    LogInfo info = newLog(c);
    Ed25519Keys other = Ed25519Keys.fromSeed(new byte[] {
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
    assertThatThrownBy(() -> c.openWriter(info.name(), other)).isInstanceOfSatisfying(GdpException.class,
        e -> assertThat(e.code()).isEqualTo(GdpStatus.Code.FORBIDDEN));
  }

  @Test
  void unknownLogHasNoRoute() {
    GdpClient c = client();
    GdpName nowhere = GdpName.sha256("no.such.log");
    assertThatThrownBy(() -> c.openReader(nowhere)).isInstanceOfSatisfying(GdpException.class,
        e -> assertThat(e.code()).isEqualTo(GdpStatus.Code.NO_ROUTE));
  }

  @Test
  void unansweredRequestTimesOut() {
    GdpClient c = track(clientBuilder().requestTimeout(Duration.ofMillis(800)).build());
    LogInfo info = newLog(c);
    sim.faults().add(FaultPlan.on(Direction.TO_SERVER).code(MsgCode.CMD_READ_BY_RECNO).drop());
    try (LogReader r = c.openReader(info.name())) {
      assertThatThrownBy(() -> r.read(1)).isInstanceOfSatisfying(GdpException.class,
          e -> assertThat(e.code()).isEqualTo(GdpStatus.Code.DEADLINE_EXCEEDED));
    }
  }

  @Test
  void closingTheClientFailsPendingCallsPromptly() throws Exception {
    GdpClient c = client();
    LogInfo info = newLog(c);
    LogWriter w = c.openWriter(info.name(), keys);
    sim.faults().add(FaultPlan.on(Direction.TO_SERVER).code(MsgCode.CMD_APPEND).drop());
    CompletableFuture<Long> f = w.appendAsync(bytes("never"));
    CountDownLatch errored = new CountDownLatch(1);
    AtomicReference<GdpException> subError = new AtomicReference<>();
    w.subscribe(1, new RecordListener() {
      @Override
      public void onRecord(LogRecord record) {}

      @Override
      public void onError(GdpException error) {
        subError.set(error);
        errored.countDown();
      }
    });
    String thread = "gdp-client-" + c.clientName().printable().substring(0, 8);
    c.close();
    // no thread left behind
    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals(thread) && t.isAlive());
    assertThat(f).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
        .havingRootCause().isInstanceOfSatisfying(GdpException.class,
            e -> assertThat(e.code()).isEqualTo(GdpStatus.Code.CLOSED));
    assertThat(errored.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(subError.get().code()).isEqualTo(GdpStatus.Code.CLOSED);
    assertThat(c.isConnected()).isFalse();
    assertThatThrownBy(() -> w.append(bytes("late"))).isInstanceOfSatisfying(GdpException.class,
        e -> assertThat(e.code()).isEqualTo(GdpStatus.Code.CLOSED));
    assertThat(c.createLogAsync(LogSpec.builder().build())).failsWithin(Duration.ofSeconds(5));
  }

  @Test
  void backpressureBoundsRequestsInFlight() {
    GdpClient c = track(clientBuilder().maxInFlight(2).build());
    LogInfo info = newLog(c);
    sim.faults().add(FaultPlan.on(Direction.TO_CLIENT).delay(2));
    try (LogWriter w = c.openWriter(info.name(), keys)) {
      List<CompletableFuture<Long>> fs = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        fs.add(w.appendAsync(bytes("bp" + i)));
      }
      for (int i = 0; i < 100; i++) {
        assertThat(fs.get(i).join()).isEqualTo(i + 1L);
      }
      // (the simulator drops PDUs still delayed when it shuts down without releasing them: clear first)
      sim.faults().clear();
    }
  }

  // ------------------------------------------------------------------ faults

  /** What a writer saw under faults: which data indices were acknowledged at which record numbers. */
  record Outcome(GdpName log, java.util.Map<Integer, Long> acked, java.util.Map<Integer, GdpException> failed,
                 int faultsFired) {}

  /**
   * Appends {@code n} records (single pipelined appends and one batch) while the rules are active,
   * then checks the log: acknowledged records are all there at their numbers, and no record is
   * duplicated or out of call order.
   */
  Outcome appendUnderFaults(int n, FaultPlan.Rule... rules) throws Exception {
    return appendUnderFaults(n, null, rules);
  }

  Outcome appendUnderFaults(int n, java.util.function.Consumer<GdpName> beforeAppends, FaultPlan.Rule... rules)
      throws Exception {
    GdpClient c = client();
    LogInfo info = newLog(c);
    LogWriter w = c.openWriter(info.name(), keys);
    if (beforeAppends != null) {
      beforeAppends.accept(info.name());
    }
    for (FaultPlan.Rule r : rules) {
      sim.faults().add(r);
    }
    java.util.Map<Integer, CompletableFuture<Long>> futures = new java.util.TreeMap<>();
    int half = n / 2;
    for (int i = 0; i < half; i++) {
      futures.put(i, w.appendAsync(bytes("f" + i)));
    }
    List<byte[]> batch = new ArrayList<>();
    for (int i = half; i < n; i++) {
      batch.add(bytes("f" + i));
    }
    CompletableFuture<List<Long>> batchFuture = w.appendBatchAsync(batch);
    java.util.Map<Integer, Long> acked = new java.util.TreeMap<>();
    java.util.Map<Integer, GdpException> failed = new java.util.TreeMap<>();
    for (var e : futures.entrySet()) {
      try {
        acked.put(e.getKey(), e.getValue().get(60, TimeUnit.SECONDS));
      } catch (java.util.concurrent.ExecutionException ex) {
        failed.put(e.getKey(), (GdpException) ex.getCause());
      }
    }
    try {
      List<Long> recnos = batchFuture.get(60, TimeUnit.SECONDS);
      for (int i = 0; i < recnos.size(); i++) {
        acked.put(half + i, recnos.get(i));
      }
    } catch (java.util.concurrent.ExecutionException ex) {
      failed.put(half, (GdpException) ex.getCause());
    }
    int fired = 0;
    for (FaultPlan.Rule r : rules) {
      fired += sim.faults().firedCount(r);
    }
    sim.faults().clear();
    // after the faults: the writer still works and continues the sequence
    long after = w.append(bytes("after"));
    assertThat(acked.values()).allMatch(r -> r < after);
    checkLog(info.name(), acked, after);
    return new Outcome(info.name(), acked, failed, fired);
  }

  /** Reads the whole log with a fresh client and checks it against what was acknowledged. */
  void checkLog(GdpName log, java.util.Map<Integer, Long> acked, long last) {
    GdpClient checker = client();
    List<LogRecord> all = checker.openReader(log).readRange(1, Integer.MAX_VALUE);
    assertThat(all).extracting(LogRecord::recno).containsExactlyElementsOf(range(1, last));
    java.util.Map<Long, String> byRecno = new java.util.HashMap<>();
    int previous = -1;
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (LogRecord r : all) {
      String t = text(r);
      byRecno.put(r.recno(), t);
      assertThat(seen.add(t)).as("record %s duplicated", t).isTrue();
      if (!t.equals("after")) {
        int idx = Integer.parseInt(t.substring(1));
        assertThat(idx).as("order of %s", t).isGreaterThan(previous);
        previous = idx;
      }
    }
    for (var e : acked.entrySet()) {
      assertThat(byRecno.get(e.getValue())).as("acknowledged record %s", e.getKey()).isEqualTo("f" + e.getKey());
    }
  }

  @Test
  void droppedCommandsAndAnswersAreResent() throws Exception {
    // the writer packs pending appends once 4 APPENDs are in flight, so 200 appends may be only ~10
    // APPENDs (how many depends on scheduling): one drop of each kind is certain, more are by chance
    Outcome o = appendUnderFaults(200,
        FaultPlan.on(Direction.TO_SERVER).code(MsgCode.CMD_APPEND).skip(1).once().drop(),
        FaultPlan.on(Direction.TO_CLIENT).code(MsgCode.ACK_SUCCESS).skip(2).once().drop(),
        FaultPlan.on(Direction.TO_SERVER).code(MsgCode.CMD_APPEND).probability(0.05).drop(),
        FaultPlan.on(Direction.TO_CLIENT).code(MsgCode.ACK_SUCCESS).probability(0.05).drop());
    assertThat(o.faultsFired()).isGreaterThanOrEqualTo(2);
    assertThat(o.failed()).isEmpty();
    assertThat(o.acked()).hasSize(200);
  }

  @Test
  void delayedDuplicatedAndReorderedTrafficKeepsOrder() throws Exception {
    // one fault of each kind is certain (few APPENDs once packing starts), more are by chance
    Outcome o = appendUnderFaults(200,
        FaultPlan.on(Direction.TO_SERVER).code(MsgCode.CMD_APPEND).skip(1).once().reorder(50),
        FaultPlan.on(Direction.TO_SERVER).code(MsgCode.CMD_APPEND).skip(2).once().duplicate(),
        FaultPlan.on(Direction.TO_CLIENT).code(MsgCode.ACK_SUCCESS).skip(1).once().delay(20),
        FaultPlan.on(Direction.TO_SERVER).code(MsgCode.CMD_APPEND).probability(0.1).reorder(50),
        FaultPlan.on(Direction.BOTH).probability(0.1).duplicate(),
        FaultPlan.on(Direction.TO_CLIENT).probability(0.2).delay(20));
    assertThat(o.faultsFired()).isGreaterThanOrEqualTo(3);
    assertThat(o.failed()).isEmpty();
    assertThat(o.acked()).hasSize(200);
  }

  @Test
  void injectedNaksFailOnlyTheirCallsAndNothingAcknowledgedIsLost() throws Exception {
    Outcome o = appendUnderFaults(200,
        // few APPENDs: the writer packs pending appends once 4 are in flight
        FaultPlan.on(Direction.TO_SERVER).code(MsgCode.CMD_APPEND).skip(2).once().nak(MsgCode.NAK_S_INTERNAL),
        FaultPlan.on(Direction.TO_CLIENT).code(MsgCode.ACK_SUCCESS).skip(3).once().nak(MsgCode.NAK_S_SVCUNAVAIL));
    assertThat(o.faultsFired()).isEqualTo(2);
    assertThat(o.failed()).isNotEmpty();
    assertThat(o.failed().values()).allSatisfy(e -> assertThat(e.code()).isIn(
        GdpStatus.Code.SERVER_NAK, GdpStatus.Code.FORBIDDEN));
  }

  @Test
  void connectionClosedMidStreamResendsAppendsExactlyOnce() throws Exception {
    Outcome o = appendUnderFaults(300,
        // few APPENDs: the writer packs pending appends once 4 are in flight (so at most 4 are
        // re-sent after a reconnect). Every connection closes at its 5th APPEND / 6th ACK_SUCCESS:
        // the first connection always gets there (100 single appends never fit 4 APPENDs), and
        // each later one gets its re-sent APPENDs through before the 5th can go out
        FaultPlan.on(Direction.TO_SERVER).code(MsgCode.CMD_APPEND).closeConnectionAfter(5),
        FaultPlan.on(Direction.TO_CLIENT).code(MsgCode.ACK_SUCCESS).closeConnectionAfter(6));
    assertThat(o.faultsFired()).isPositive();
    assertThat(o.failed()).isEmpty();
    assertThat(o.acked()).hasSize(300);
  }

  @Test
  void logServerCrashInDurableModeLosesNoAcknowledgedRecord() throws Exception {
    sim.close();
    sim = GdpSimulator.builder().inProcess().loopbackTcp(0).dataDir(tmp.resolve("data")).start();
    List<Long> delivered = new CopyOnWriteArrayList<>();
    AtomicReference<Subscription> sub = new AtomicReference<>();
    GdpClient subscriber = client();
    Outcome o = appendUnderFaults(120, log -> sub.set(subscriber.openReader(log).subscribe(1,
            rec -> delivered.add(rec.recno()))),
        FaultPlan.on(Direction.TO_SERVER).code(MsgCode.CMD_APPEND).skip(2).once().crashLogServer());
    assertThat(o.faultsFired()).isEqualTo(1);
    // the writer rode out the restart: appends that met NOROUTE waited for the log server
    assertThat(o.failed()).isEmpty();
    // the subscription outlived the restart: it has every record, in order, once
    long last = o.acked().values().stream().mapToLong(Long::longValue).max().orElse(0) + 1;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (delivered.size() < last && System.nanoTime() < deadline) {
      Thread.sleep(50); // polling a condition that a refresh (every second) makes true
    }
    assertThat(delivered).containsExactlyElementsOf(range(1, last));
    sub.get().close();
    // and the data survives a second restart
    sim.crashLogServer();
    sim.restartLogServer();
    GdpClient again = client();
    assertThat(again.openReader(o.log()).readRange(1, Integer.MAX_VALUE)).hasSize((int) last);
  }
  // ------------------------------------------------------------------ log server restarts

  void durableSimulator() {
    sim.close();
    sim = GdpSimulator.builder().inProcess().loopbackTcp(0).dataDir(tmp.resolve("data")).start();
  }

  @Test
  void appendsDuringALogServerRestartWaitForItInsteadOfFailing() throws Exception {
    durableSimulator();
    GdpClient c = client();
    LogInfo info = newLog(c);
    LogWriter w = c.openWriter(info.name(), keys);
    java.util.Map<Integer, CompletableFuture<Long>> futures = new java.util.TreeMap<>();
    for (int i = 0; i < 50; i++) {
      futures.put(i, w.appendAsync(bytes("f" + i)));
    }
    sim.crashLogServer();
    for (int i = 50; i < 100; i++) {
      futures.put(i, w.appendAsync(bytes("f" + i))); // these meet NO_ROUTE
    }
    Thread.sleep(700); // the server stays down for a while: re-opens fail with NO_ROUTE too
    sim.restartLogServer();
    for (int i = 100; i < 150; i++) {
      futures.put(i, w.appendAsync(bytes("f" + i)));
    }
    java.util.Map<Integer, Long> acked = new java.util.TreeMap<>();
    for (var e : futures.entrySet()) {
      acked.put(e.getKey(), e.getValue().get(30, TimeUnit.SECONDS)); // none fails
    }
    long after = w.append(bytes("after"));
    checkLog(info.name(), acked, after);
  }

  @Test
  void aSubscriberNoticesALogServerRestartWithinSeconds() throws Exception {
    durableSimulator();
    GdpClient c = client();
    LogInfo info = newLog(c);
    LogWriter w = c.openWriter(info.name(), keys);
    // the refresh is far away: only the PING check can find out that the server forgot the subscription
    GdpClient subscriber = track(clientBuilder().subscriptionRefresh(Duration.ofMinutes(10))
        .subscriptionCheck(Duration.ofMillis(200)).build());
    List<Long> got = new CopyOnWriteArrayList<>();
    Subscription s = subscriber.openReader(info.name()).subscribe(1, rec -> got.add(rec.recno()));
    for (int i = 1; i <= 10; i++) {
      w.append(bytes("r" + i));
    }
    awaitSize(got, 10, Duration.ofSeconds(10));
    sim.crashLogServer();
    sim.restartLogServer();
    for (int i = 11; i <= 20; i++) {
      w.append(bytes("r" + i));
    }
    awaitSize(got, 20, Duration.ofSeconds(5));
    assertThat(got).containsExactlyElementsOf(range(1, 20));
    s.close();
  }

  @Test
  void deleteRemovesTheLogAndItsFileAndSurvivesARestart() throws Exception {
    durableSimulator();
    GdpClient c = client();
    LogInfo gone = newLog(c);
    LogInfo kept = newLog(c);
    c.openWriter(gone.name(), keys).append(bytes("bye"));
    c.openWriter(kept.name(), keys).append(bytes("stay"));
    Path data = tmp.resolve("data");
    long before;
    try (var files = java.nio.file.Files.walk(data)) {
      before = files.filter(java.nio.file.Files::isRegularFile).count();
    }
    c.deleteLog(gone.name());
    long after;
    try (var files = java.nio.file.Files.walk(data)) {
      after = files.filter(java.nio.file.Files::isRegularFile).count();
    }
    assertThat(after).as("the deleted log's file is removed from the data directory").isEqualTo(before - 1);
    sim.restartLogServer();
    GdpClient again = client();
    assertThatThrownBy(() -> again.openReader(gone.name()))
        .isInstanceOfSatisfying(GdpException.class, e -> assertThat(e.status().code())
            .isIn(GdpStatus.Code.NOT_FOUND, GdpStatus.Code.NO_ROUTE));
    assertThat(text(again.openReader(kept.name()).read(1))).isEqualTo("stay");
    // deleting it again: no such log
    assertThatThrownBy(() -> again.deleteLog(gone.name())).isInstanceOf(GdpException.class);
  }

  static void awaitSize(List<?> list, int size, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (list.size() < size && System.nanoTime() < deadline) {
      Thread.sleep(20); // polling a condition the client's threads make true
    }
  }
}
