package org.gdpstore.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.proto.AckContent;
import org.gdpstore.wire.proto.AckSuccess;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpDatumList;
import org.gdpstore.wire.proto.GdpMessage;
import org.gdpstore.wire.proto.NakGeneric;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the client puts on the wire and how it copes with the reference's answers (spec 2, 3.5, 8),
 * against a scripted peer that answers exactly as a test says.
 */
@Timeout(60)
class ClientBehaviourTest {
  final Ed25519Keys keys = Ed25519Keys.fromSeed(new byte[32]);
  final LogMetadata md = LogMetadata.builder().put(LogMetadata.XID, "scripted").put(LogMetadata.WPK, keys.keyEntry())
      .build();
  final GdpName log = md.logName();
  ScriptedRouter router;
  ExecutorService callbacks;
  final List<GdpClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    router = new ScriptedRouter();
    callbacks = Executors.newFixedThreadPool(2);
  }

  @AfterEach
  void stop() throws InterruptedException {
    clients.forEach(GdpClient::close);
    router.close();
    callbacks.shutdown();
    assertThat(callbacks.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
  }

  GdpClient.Builder builder() {
    return GdpClient.builder().router(router.address).callbackExecutor(callbacks)
        .requestTimeout(Duration.ofSeconds(10)).resendInterval(Duration.ofSeconds(5))
        .backoff(Backoff.constant(Duration.ofMillis(20)));
  }

  GdpClient client(GdpClient.Builder b) {
    GdpClient c = b.build();
    clients.add(c);
    return c;
  }

  GdpMessage openAck(long nrecs) {
    return GdpMessage.newBuilder().setCmd(MsgCode.ACK_SUCCESS).setAckSuccess(AckSuccess.newBuilder().setRecno(nrecs)
        .setMetadata(ByteString.copyFrom(md.toBytes()))).build();
  }

  static GdpMessage content(GdpDatum d) {
    return GdpMessage.newBuilder().setCmd(MsgCode.ACK_CONTENT)
        .setAckContent(AckContent.newBuilder().setDl(GdpDatumList.newBuilder().addD(d))).build();
  }

  static GdpMessage bare(int cmd) {
    return GdpMessage.newBuilder().setCmd(cmd).build();
  }

  /** A signed datum as the writer would produce it. */
  GdpDatum datum(long recno, String data) {
    return new org.gdpstore.client.internal.RecordCodec(log, md)
        .build(recno, Instant.ofEpochSecond(1_700_000_000L + recno), ByteString.copyFromUtf8(data), keys);
  }

  @Test
  void advertisesItsNameFirstOnEveryConnection() throws Exception {
    GdpName me = GdpName.sha256("me");
    GdpClient c = client(builder().clientName(me));
    router.responder = (cmd, ch) -> ScriptedRouter.reply(ch, cmd, openAck(0));
    c.openReader(log);
    assertThat(router.advertised()).containsExactly(me);
    router.dropConnections();
    router.responder = (cmd, ch) -> ScriptedRouter.reply(ch, cmd, openAck(0));
    // the re-opened log proves the client came back; it advertised again before that
    assertThat(router.next(MsgCode.CMD_OPEN_RO)).isNotNull();
    assertThat(router.next(MsgCode.CMD_OPEN_RO)).isNotNull();
    assertThat(router.advertised()).containsExactly(me, me);
    assertThat(router.controlHeaders.get(1).src()).isEqualTo(me);
  }

  @Test
  void noRouteFailsTheRequestsToThatName() {
    GdpClient c = client(builder());
    router.responder = (cmd, ch) -> ScriptedRouter.noRoute(ch, cmd);
    assertThatThrownBy(() -> c.openReader(log)).isInstanceOfSatisfying(GdpException.class, e -> {
      assertThat(e.code()).isEqualTo(GdpStatus.Code.NO_ROUTE);
      assertThat(e.status().gdpCode()).isEqualTo(MsgCode.NAK_R_NOROUTE);
    });
  }

  @Test
  void commandsTheReferenceNeverAnswersTimeOut() {
    GdpClient c = client(builder().serverMode(ServerMode.REFERENCE).requestTimeout(Duration.ofMillis(500)));
    router.responder = (cmd, ch) -> {
      if (cmd.cmd() == MsgCode.CMD_OPEN_RO) {
        ScriptedRouter.reply(ch, cmd, openAck(3));
      } // READ_BY_TS: the reference sends nothing at all (spec 3.5.10)
    };
    LogReader r = c.openReader(log);
    assertThatThrownBy(() -> r.readByTimestamp(Instant.EPOCH, 5)).isInstanceOfSatisfying(GdpException.class,
        e -> assertThat(e.code()).isEqualTo(GdpStatus.Code.DEADLINE_EXCEEDED));
  }

  @Test
  void rangeReadsAcceptEndOfResultsWithoutBodyAndAnswersWithoutRid() {
    GdpClient c = client(builder());
    router.responder = (cmd, ch) -> {
      switch (cmd.cmd()) {
        // an answer without a rid is matched by name (spec 3.4)
        case MsgCode.CMD_OPEN_RO -> ch.writeAndFlush(new GdpEnvelope(cmd.src(), cmd.dst(), openAck(2)));
        case MsgCode.CMD_READ_BY_RECNO -> {
          ScriptedRouter.reply(ch, cmd, content(datum(1, "a")));
          ScriptedRouter.reply(ch, cmd, content(datum(1, "a"))); // a duplicate is dropped
          ScriptedRouter.reply(ch, cmd, content(datum(2, "b")));
          ScriptedRouter.reply(ch, cmd, bare(MsgCode.ACK_END_OF_RESULTS));
        }
        default -> { }
      }
    };
    LogReader r = c.openReader(log);
    assertThat(r.readRange(1, 10)).extracting(rec -> new String(rec.dataBytes(), UTF_8)).containsExactly("a", "b");
  }

  @Test
  void nakBodiesAreOptionalAndTheCodeDecides() {
    GdpClient c = client(builder());
    router.responder = (cmd, ch) -> {
      switch (cmd.cmd()) {
        case MsgCode.CMD_OPEN_RO -> ScriptedRouter.reply(ch, cmd, openAck(0));
        case MsgCode.CMD_READ_BY_RECNO -> ScriptedRouter.reply(ch, cmd, bare(MsgCode.NAK_C_NOTFOUND));
        case MsgCode.CMD_READ_BY_HASH -> ScriptedRouter.reply(ch, cmd, GdpMessage.newBuilder()
            .setCmd(MsgCode.NAK_S_NOTIMPL).setNak(NakGeneric.newBuilder().setDescription("not here")).build());
        default -> { }
      }
    };
    LogReader r = c.openReader(log);
    assertThatThrownBy(() -> r.read(1)).isInstanceOfSatisfying(GdpException.class,
        e -> assertThat(e.code()).isEqualTo(GdpStatus.Code.NOT_FOUND));
    assertThatThrownBy(() -> r.readByHash(new byte[32])).isInstanceOfSatisfying(GdpException.class, e -> {
      assertThat(e.code()).isEqualTo(GdpStatus.Code.NOT_IMPLEMENTED);
      assertThat(e.status().description()).isEqualTo("not here");
    });
  }

  @Test
  void openRefusesMetadataThatDoesNotHashToTheName() {
    GdpClient c = client(builder());
    router.responder = (cmd, ch) -> ScriptedRouter.reply(ch, cmd, openAck(0));
    GdpName other = GdpName.sha256("another log");
    assertThatThrownBy(() -> c.openReader(other)).isInstanceOfSatisfying(GdpException.class,
        e -> assertThat(e.code()).isEqualTo(GdpStatus.Code.INTEGRITY));
  }

  @Test
  void referenceModeSendsOneDatumPerAppendAndGdpstoreModeSendsLists() throws Exception {
    for (ServerMode mode : ServerMode.values()) {
      List<GdpEnvelope> appends = new CopyOnWriteArrayList<>();
      router.responder = (cmd, ch) -> {
        switch (cmd.cmd()) {
          case MsgCode.CMD_OPEN_AO -> ScriptedRouter.reply(ch, cmd, openAck(0));
          case MsgCode.CMD_APPEND -> {
            appends.add(cmd);
            ScriptedRouter.reply(ch, cmd, bare(MsgCode.ACK_SUCCESS));
          }
          default -> { }
        }
      };
      GdpClient c = client(builder().serverMode(mode));
      LogWriter w = c.openWriter(log, keys);
      List<byte[]> data = List.of("1".getBytes(UTF_8), "2".getBytes(UTF_8), "3".getBytes(UTF_8));
      assertThat(w.appendBatch(data)).containsExactly(1L, 2L, 3L);
      List<Integer> sizes = appends.stream().map(e -> e.message().getCmdAppend().getDl().getDCount()).toList();
      assertThat(sizes).isEqualTo(mode == ServerMode.REFERENCE ? List.of(1, 1, 1) : List.of(3));
      // every datum is signed over its record hash, without prevhash (spec 8.15)
      for (GdpEnvelope e : appends) {
        for (GdpDatum d : e.message().getCmdAppend().getDl().getDList()) {
          assertThat(d.hasPrevhash()).isFalse();
          assertThat(new org.gdpstore.client.internal.RecordCodec(log, md).decode(d, true).verified()).isTrue();
        }
      }
      c.close();
    }
  }

  @Test
  void aConflictOnARetryIsResolvedByReadingTheRecordBack() throws Exception {
    AtomicInteger appendsSeen = new AtomicInteger();
    AtomicReference<GdpDatum> stored = new AtomicReference<>();
    AtomicReference<Boolean> storeSomethingElse = new AtomicReference<>(false);
    router.responder = (cmd, ch) -> {
      switch (cmd.cmd()) {
        case MsgCode.CMD_OPEN_AO -> ScriptedRouter.reply(ch, cmd, openAck(0));
        case MsgCode.CMD_APPEND -> {
          GdpDatum d = cmd.message().getCmdAppend().getDl().getD(0);
          if (appendsSeen.incrementAndGet() % 2 == 1) {
            // stored, but the answer is lost
            stored.set(storeSomethingElse.get() ? datum(d.getRecno(), "someone else") : d);
          } else {
            ScriptedRouter.reply(ch, cmd, GdpMessage.newBuilder().setCmd(MsgCode.NAK_C_CONFLICT)
                .setNak(NakGeneric.newBuilder().setDescription("exists")).build());
          }
        }
        case MsgCode.CMD_READ_BY_RECNO -> ScriptedRouter.reply(ch, cmd, content(stored.get()));
        default -> { }
      }
    };
    GdpClient c = client(builder().resendInterval(Duration.ofMillis(100)));
    LogWriter w = c.openWriter(log, keys);
    assertThat(w.append("mine".getBytes(UTF_8))).isEqualTo(1);
    storeSomethingElse.set(true);
    assertThatThrownBy(() -> w.append("mine too".getBytes(UTF_8))).isInstanceOfSatisfying(GdpException.class,
        e -> assertThat(e.code()).isEqualTo(GdpStatus.Code.CONFLICT));
  }

  @Test
  void aRenumberingWriterKeepsItsOwnStoredRecordAndRenumbersOnlyAfterAnotherWritersRecord() throws Exception {
    List<GdpDatum> stored = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean loseAnswer = new java.util.concurrent.atomic.AtomicBoolean(true);
    AtomicInteger opens = new AtomicInteger();
    router.responder = (cmd, ch) -> {
      switch (cmd.cmd()) {
        case MsgCode.CMD_OPEN_AO -> {
          opens.incrementAndGet();
          ScriptedRouter.reply(ch, cmd, openAck(stored.size()));
        }
        case MsgCode.CMD_APPEND -> {
          GdpDatum d = cmd.message().getCmdAppend().getDl().getD(0);
          if (d.getRecno() <= stored.size()) {
            // a server that answers even an identical retry with CONFLICT: only a read-back can tell
            ScriptedRouter.reply(ch, cmd, GdpMessage.newBuilder().setCmd(MsgCode.NAK_C_CONFLICT)
                .setNak(NakGeneric.newBuilder().setDescription("exists")).build());
          } else if (d.getRecno() == stored.size() + 1) {
            stored.add(d);
            if (!loseAnswer.getAndSet(false)) {
              ScriptedRouter.reply(ch, cmd, bare(MsgCode.ACK_SUCCESS));
            }
          }
        }
        case MsgCode.CMD_READ_BY_RECNO -> {
          // a range read: every record from the start asked for, up to the count, then the end
          long from = cmd.message().getCmdReadByRecno().getRecno();
          int n = cmd.message().getCmdReadByRecno().getNrecs();
          for (long r = from; r <= stored.size() && r < from + Math.max(n, 1); r++) {
            ScriptedRouter.reply(ch, cmd, content(stored.get((int) r - 1)));
          }
          ScriptedRouter.reply(ch, cmd, bare(MsgCode.ACK_END_OF_RESULTS));
        }
        default -> { }
      }
    };
    GdpClient c = client(builder().resendInterval(Duration.ofMillis(100)));
    LogWriter w = c.openWriter(log, keys, AppendMode.RENUMBER_ON_CONFLICT);
    // stored, answer lost, the retry meets CONFLICT: the record read back is ours, so no second copy
    assertThat(w.append("mine".getBytes(UTF_8))).isEqualTo(1);
    assertThat(opens.get()).isEqualTo(1);
    // another writer takes record 2: ours is renumbered to 3, the end of the log known from the same read
    stored.add(datum(2, "other"));
    assertThat(w.append("next".getBytes(UTF_8))).isEqualTo(3);
    assertThat(opens.get()).isEqualTo(1);
    assertThat(stored).extracting(d -> d.getData().toStringUtf8()).containsExactly("mine", "other", "next");
    assertThat(stored.get(2).getRecno()).isEqualTo(3);
  }

  /** A server that answers OPEN and the first SUBSCRIBE with two records, later ones with a bare ACK. */
  ScriptedRouter.Responder subscriptionServer(List<GdpEnvelope> subscribes, ScriptedRouter.Responder onPing) {
    return (cmd, ch) -> {
      switch (cmd.cmd()) {
        case MsgCode.CMD_OPEN_RO -> ScriptedRouter.reply(ch, cmd, openAck(0));
        case MsgCode.CMD_SUBSCRIBE_BY_RECNO -> {
          subscribes.add(cmd);
          ScriptedRouter.reply(ch, cmd, bare(MsgCode.ACK_SUCCESS));
          if (subscribes.size() == 1) {
            ScriptedRouter.reply(ch, cmd, content(datum(1, "one")));
            ScriptedRouter.reply(ch, cmd, content(datum(2, "two")));
          }
        }
        case MsgCode.CMD_PING -> onPing.accept(cmd, ch);
        default -> { }
      }
    };
  }

  @Test
  void aSubscriptionTheServerForgotIsResumedAfterTheNextPing() throws Exception {
    List<GdpEnvelope> subscribes = new CopyOnWriteArrayList<>();
    AtomicInteger pings = new AtomicInteger();
    // the first PING is answered "I know it", the second "lost" (as after a restart), later ones again "I know it"
    router.responder = subscriptionServer(subscribes, (cmd, ch) -> ScriptedRouter.reply(ch, cmd,
        bare(pings.incrementAndGet() == 2 ? MsgCode.NAK_S_LOST_SUBSCR : MsgCode.ACK_SUCCESS)));
    GdpClient c = client(builder().subscriptionRefresh(Duration.ofMinutes(10)).subscriptionCheck(Duration.ofMillis(50)));
    List<Long> got = new CopyOnWriteArrayList<>();
    Subscription s = c.openReader(log).subscribe(1, r -> got.add(r.recno()));
    GdpEnvelope ping = router.next(MsgCode.CMD_PING);
    assertThat(ping).isNotNull();
    assertThat(ping.dst()).isEqualTo(log);
    GdpEnvelope again = router.next(MsgCode.CMD_SUBSCRIBE_BY_RECNO);
    assertThat(again).as("re-subscribed after LOST_SUBSCR").isNotNull();
    assertThat(pings.get()).isGreaterThanOrEqualTo(2);
    assertThat(again.rid()).isEqualTo(subscribes.get(0).rid());
    assertThat(again.message().getCmdSubscribeByRecno().getStart()).as("from the record after the last one").isEqualTo(3);
    assertThat(got).containsExactly(1L, 2L);
    s.close();
  }

  @Test
  void referenceModeNeverPings() throws Exception {
    List<GdpEnvelope> subscribes = new CopyOnWriteArrayList<>();
    router.responder = subscriptionServer(subscribes, (cmd, ch) -> { });
    GdpClient c = client(builder().serverMode(ServerMode.REFERENCE).subscriptionCheck(Duration.ofMillis(20)));
    List<Long> got = new CopyOnWriteArrayList<>();
    Subscription s = c.openReader(log).subscribe(1, r -> got.add(r.recno()));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (got.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(10); // polling for the delivery
    }
    assertThat(got).containsExactly(1L, 2L);
    // many check intervals later: no PING went out (gdplogd crashes on PING)
    GdpEnvelope next = router.next(MsgCode.CMD_PING, Duration.ofMillis(500));
    assertThat(next).isNull();
    s.close();
  }

  @Test
  void noRouteForAnOpenLogWaitsForItsServerWithinTheTimeout() throws Exception {
    AtomicInteger opens = new AtomicInteger();
    AtomicInteger reads = new AtomicInteger();
    // the log server "restarts": after the first OPEN, three requests meet NO_ROUTE, then all is well again
    router.responder = (cmd, ch) -> {
      switch (cmd.cmd()) {
        case MsgCode.CMD_OPEN_RO -> {
          if (opens.incrementAndGet() > 1 && opens.get() <= 3) {
            ScriptedRouter.noRoute(ch, cmd);
          } else {
            ScriptedRouter.reply(ch, cmd, openAck(1));
          }
        }
        case MsgCode.CMD_READ_BY_RECNO -> {
          if (reads.incrementAndGet() == 1) {
            ScriptedRouter.noRoute(ch, cmd);
          } else {
            ScriptedRouter.reply(ch, cmd, content(datum(1, "one")));
          }
        }
        default -> { }
      }
    };
    GdpClient c = client(builder());
    LogReader r = c.openReader(log);
    assertThat(new String(r.read(1).dataBytes(), UTF_8)).isEqualTo("one");
    assertThat(reads.get()).as("the read was re-sent after the re-open").isEqualTo(2);
    assertThat(opens.get()).as("re-opened until the route came back").isEqualTo(4);
  }

  @Test
  void noRouteThatLastsFailsAtTheRequestTimeoutWithNoRoute() {
    AtomicInteger opens = new AtomicInteger();
    router.responder = (cmd, ch) -> {
      if (cmd.cmd() == MsgCode.CMD_OPEN_RO && opens.incrementAndGet() == 1) {
        ScriptedRouter.reply(ch, cmd, openAck(1));
      } else {
        ScriptedRouter.noRoute(ch, cmd);
      }
    };
    GdpClient c = client(builder().requestTimeout(Duration.ofMillis(600)));
    LogReader r = c.openReader(log);
    long start = System.nanoTime();
    assertThatThrownBy(() -> r.read(1)).isInstanceOfSatisfying(GdpException.class, e -> {
      assertThat(e.code()).isEqualTo(GdpStatus.Code.NO_ROUTE);
      assertThat(e.getMessage()).contains("did not come back");
    });
    assertThat(System.nanoTime() - start).as("not at once").isGreaterThan(TimeUnit.MILLISECONDS.toNanos(500));
    assertThat(opens.get()).isGreaterThan(2);
  }

  @Test
  void subscriptionsAreRefreshedWithTheSameRidAndStrayDataIsDiscarded() throws Exception {
    AtomicReference<GdpEnvelope> firstSubscribe = new AtomicReference<>();
    List<GdpEnvelope> subscribes = new CopyOnWriteArrayList<>();
    router.responder = (cmd, ch) -> {
      switch (cmd.cmd()) {
        case MsgCode.CMD_OPEN_RO -> ScriptedRouter.reply(ch, cmd, openAck(0));
        case MsgCode.CMD_SUBSCRIBE_BY_RECNO -> {
          subscribes.add(cmd);
          if (firstSubscribe.compareAndSet(null, cmd)) {
            ScriptedRouter.reply(ch, cmd, bare(MsgCode.ACK_SUCCESS));
            // subscription data as the reference delivers it for unsigned appends: no sig at all
            ScriptedRouter.reply(ch, cmd, content(datum(1, "one")));
            ScriptedRouter.reply(ch, cmd, content(datum(2, "two")));
          } else {
            ScriptedRouter.reply(ch, cmd, bare(MsgCode.ACK_SUCCESS));
          }
        }
        default -> { }
      }
    };
    GdpClient c = client(builder().subscriptionRefresh(Duration.ofMillis(100)));
    List<Long> got = new CopyOnWriteArrayList<>();
    CountDownLatch ended = new CountDownLatch(1);
    Subscription s = c.openReader(log).subscribe(1, new RecordListener() {
      @Override
      public void onRecord(LogRecord record) {
        got.add(record.recno());
      }

      @Override
      public void onEnd() {
        ended.countDown();
      }
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (subscribes.size() < 3 && System.nanoTime() < deadline) {
      Thread.sleep(20); // polling for refreshes that the client's timer sends
    }
    assertThat(subscribes.size()).isGreaterThanOrEqualTo(3);
    for (GdpEnvelope e : subscribes.subList(1, subscribes.size())) {
      assertThat(e.rid()).isEqualTo(firstSubscribe.get().rid());
      assertThat(e.message().getCmdSubscribeByRecno().getStart()).isEqualTo(3);
    }
    assertThat(got).containsExactly(1L, 2L);
    s.close();
    assertThat(ended.await(5, TimeUnit.SECONDS)).isTrue();
    GdpEnvelope unsubscribe = router.next(MsgCode.CMD_UNSUBSCRIBE);
    assertThat(unsubscribe.rid()).isEqualTo(firstSubscribe.get().rid());
    // the reference keeps sending after UNSUBSCRIBE (spec 3.5.8): the client discards it
    router.connections.get(0).writeAndFlush(new GdpEnvelope(unsubscribe.src(), log,
        content(datum(3, "three")).toBuilder().setRid(unsubscribe.rid()).build()));
    router.responder = (cmd, ch) -> ScriptedRouter.reply(ch, cmd, openAck(3));
    assertThat(c.openReader(log).nrecs()).isEqualTo(3); // a round trip after the stray record
    assertThat(got).containsExactly(1L, 2L);
  }

  @Test
  void callsBeyondMaxInFlightWaitForASlot() throws Exception {
    List<GdpEnvelope> appends = new CopyOnWriteArrayList<>();
    router.responder = (cmd, ch) -> {
      if (cmd.cmd() == MsgCode.CMD_OPEN_AO) {
        ScriptedRouter.reply(ch, cmd, openAck(0));
      } else if (cmd.cmd() == MsgCode.CMD_APPEND) {
        appends.add(cmd);
      }
    };
    GdpClient c = client(builder().maxInFlight(2));
    LogWriter w = c.openWriter(log, keys);
    CompletableFuture<Long> a1 = w.appendAsync("1".getBytes(UTF_8));
    CompletableFuture<Long> a2 = w.appendAsync("2".getBytes(UTF_8));
    AtomicReference<CompletableFuture<Long>> a3 = new AtomicReference<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (appends.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(5); // polling: the two appends reach the peer asynchronously
    }
    Thread caller = new Thread(() -> a3.set(w.appendAsync("3".getBytes(UTF_8))));
    caller.start();
    while (caller.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(caller.getState()).isEqualTo(Thread.State.TIMED_WAITING); // blocked for a slot
    assertThat(a3.get()).isNull();
    assertThat(appends).hasSize(2);
    router.connections.get(0).writeAndFlush(new GdpEnvelope(appends.get(0).src(), log,
        bare(MsgCode.ACK_SUCCESS).toBuilder().setRid(appends.get(0).rid()).build()));
    caller.join(10_000);
    assertThat(a1.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(a3.get()).isNotNull();
    assertThat(a2).isNotDone();
  }

  @Test
  void withoutARouterCallsFailAsUnavailableAndTheClientKeepsTrying() {
    GdpClient c = client(GdpClient.builder().router(new io.netty.channel.local.LocalAddress("nobody-" + log))
        .callbackExecutor(callbacks).requestTimeout(Duration.ofMillis(300))
        .backoff(Backoff.constant(Duration.ofMillis(20))));
    assertThat(c.isConnected()).isFalse();
    assertThatThrownBy(() -> c.openReader(log)).isInstanceOfSatisfying(GdpException.class,
        e -> assertThat(e.code()).isEqualTo(GdpStatus.Code.UNAVAILABLE));
    assertThatThrownBy(() -> c.createLog(LogSpec.builder().humanName("x").build()))
        .isInstanceOfSatisfying(GdpException.class, e -> assertThat(e.code()).isEqualTo(GdpStatus.Code.UNAVAILABLE));
  }

  @Test
  void aLongRangeWithOneBadRecordFailsWithIntegrity() {
    GdpClient c = client(builder());
    java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
    router.responder = (cmd, ch) -> {
      switch (cmd.cmd()) {
        case MsgCode.CMD_OPEN_RO -> ScriptedRouter.reply(ch, cmd, openAck(200));
        case MsgCode.CMD_READ_BY_RECNO -> {
          boolean forge = reads.getAndIncrement() == 0;
          for (long r = cmd.message().getCmdReadByRecno().getRecno(); r <= 200; r++) {
            GdpDatum d = datum(r, "r" + r);
            if (r == 150 && forge) {
              d = d.toBuilder().setData(ByteString.copyFromUtf8("forged")).build();
            }
            ScriptedRouter.reply(ch, cmd, content(d));
          }
          ScriptedRouter.reply(ch, cmd, bare(MsgCode.ACK_END_OF_RESULTS));
        }
        default -> { }
      }
    };
    LogReader r = c.openReader(log);
    assertThatThrownBy(() -> r.readRange(1, 200)).isInstanceOfSatisfying(GdpException.class,
        e -> assertThat(e.code()).isEqualTo(GdpStatus.Code.INTEGRITY));
    // the same range without the forged record verifies, all 200 in order
    List<LogRecord> ok = r.readRange(1, 200);
    assertThat(ok).hasSize(200).allMatch(LogRecord::verified);
    for (int i = 0; i < 200; i++) {
      assertThat(ok.get(i).recno()).isEqualTo(i + 1L);
    }
  }
}
