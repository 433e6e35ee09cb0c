package org.gdpstore.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.gdpstore.client.internal.RecordCodec;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.proto.AckContent;
import org.gdpstore.wire.proto.AckSuccess;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpDatumList;
import org.gdpstore.wire.proto.GdpMessage;
import org.gdpstore.wire.proto.GdpTimestamp;
import org.gdpstore.wire.proto.NakGeneric;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A lying log server and a verifying reader of a chained log (issue 15): records 1..9 written as
 * APPENDs of three (signed: 3, 6, 9), served with one tamper at a time. Every read that starts or
 * ends mid-batch (by number, by time, by hash) and every subscription gets INTEGRITY, never data
 * it did not write. The simulator's refusal of the same tampers is {@code ChainedAppendTest}.
 */
@Timeout(120)
class ChainedReadTamperTest {
  static final Ed25519Keys KEYS = Ed25519Keys.fromSeed(new byte[32]);
  static final LogMetadata MD = md("tamper-chain");
  static final LogMetadata OTHER = md("tamper-other");

  ScriptedRouter router;
  ExecutorService callbacks;
  GdpClient client;
  /** What the scripted server holds and serves, in order. */
  volatile List<GdpDatum> served;
  final List<GdpEnvelope> appends = new CopyOnWriteArrayList<>();

  static LogMetadata md(String xid) {
    return LogMetadata.builder().put(LogMetadata.XID, xid).put(LogMetadata.WPK, KEYS.keyEntry())
        .put(LogMetadata.CHN, new byte[] {LogMetadata.CHAIN_V1}).build();
  }

  static List<GdpDatum> log(LogMetadata md) {
    RecordCodec codec = new RecordCodec(md.logName(), md);
    List<GdpDatum> out = new ArrayList<>();
    byte[] prev = new byte[0];
    byte[][] h = new byte[1][];
    for (long r = 1; r <= 9; r++) {
      out.add(codec.buildChained(r, Instant.ofEpochSecond(1000 + r), ByteString.copyFromUtf8("r" + r), prev,
          r % 3 == 0 ? KEYS : null, h));
      prev = h[0];
    }
    return out;
  }

  static final List<GdpDatum> GOOD = log(MD);
  static final RecordCodec CODEC = new RecordCodec(MD.logName(), MD);

  @BeforeEach
  void start() {
    router = new ScriptedRouter();
    callbacks = Executors.newFixedThreadPool(2);
    router.responder = this::answer;
    client = GdpClient.builder().router(router.address).callbackExecutor(callbacks)
        .requestTimeout(Duration.ofSeconds(10)).resendInterval(Duration.ofSeconds(5))
        .subscriptionCheck(Duration.ofMinutes(10)).build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    client.close();
    router.close();
    callbacks.shutdown();
    assertThat(callbacks.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
  }

  /** Answers like the simulator, from {@link #served}: reads from the first datum at or after the asked position. */
  void answer(GdpEnvelope cmd, io.netty.channel.Channel ch) {
    List<GdpDatum> log = served;
    GdpMessage m = cmd.message();
    switch (cmd.cmd()) {
      case MsgCode.CMD_APPEND -> {
        appends.add(cmd);
        ScriptedRouter.reply(ch, cmd, GdpMessage.newBuilder().setCmd(MsgCode.ACK_SUCCESS).build());
      }
      case MsgCode.CMD_OPEN_RO, MsgCode.CMD_OPEN_AO -> ScriptedRouter.reply(ch, cmd, GdpMessage.newBuilder().setCmd(MsgCode.ACK_SUCCESS)
          .setAckSuccess(AckSuccess.newBuilder().setRecno(9).setMetadata(ByteString.copyFrom(MD.toBytes()))).build());
      case MsgCode.CMD_READ_BY_RECNO -> {
        long start = m.getCmdReadByRecno().getRecno();
        serve(ch, cmd, log, indexOf(log, d -> d.getRecno() >= start), m.getCmdReadByRecno().getNrecs());
      }
      case MsgCode.CMD_READ_BY_TS -> {
        GdpTimestamp t = m.getCmdReadByTs().getTimestamp();
        serve(ch, cmd, log, indexOf(log, d -> d.getTs().getSec() >= t.getSec()), m.getCmdReadByTs().getNrecs());
      }
      case MsgCode.CMD_READ_BY_HASH -> {
        // a lying server answers with whatever it holds where the asked record was
        byte[] h = m.getCmdReadByHash().getHash().toByteArray();
        int at = indexOf(GOOD, d -> Arrays.equals(CODEC.recordHash(d), h));
        serve(ch, cmd, log, at < 0 || at >= log.size() ? -1 : at, 1);
      }
      case MsgCode.CMD_SUBSCRIBE_BY_RECNO -> {
        ScriptedRouter.reply(ch, cmd, GdpMessage.newBuilder().setCmd(MsgCode.ACK_SUCCESS).build());
        long start = m.getCmdSubscribeByRecno().getStart();
        int i = indexOf(log, d -> d.getRecno() >= start);
        for (; i >= 0 && i < log.size(); i++) {
          ScriptedRouter.reply(ch, cmd, content(log.get(i)));
        }
      }
      default -> { }
    }
  }

  static int indexOf(List<GdpDatum> log, java.util.function.Predicate<GdpDatum> p) {
    for (int i = 0; i < log.size(); i++) {
      if (p.test(log.get(i))) {
        return i;
      }
    }
    return -1;
  }

  static void serve(io.netty.channel.Channel ch, GdpEnvelope cmd, List<GdpDatum> log, int from, int n) {
    if (from < 0) {
      ScriptedRouter.reply(ch, cmd, GdpMessage.newBuilder().setCmd(MsgCode.NAK_C_NOTFOUND)
          .setNak(NakGeneric.newBuilder().setDescription("no such record")).build());
      return;
    }
    int to = n < 0 ? log.size() : Math.min(log.size(), from + n);
    for (int i = from; i < to; i++) {
      ScriptedRouter.reply(ch, cmd, content(log.get(i)));
    }
    ScriptedRouter.reply(ch, cmd, GdpMessage.newBuilder().setCmd(MsgCode.ACK_END_OF_RESULTS).build());
  }

  static GdpMessage content(GdpDatum d) {
    return GdpMessage.newBuilder().setCmd(MsgCode.ACK_CONTENT)
        .setAckContent(AckContent.newBuilder().setDl(GdpDatumList.newBuilder().addD(d))).build();
  }

  static GdpDatum flip(GdpDatum d) {
    byte[] b = d.getData().toByteArray();
    b[0] ^= 1;
    return d.toBuilder().setData(ByteString.copyFrom(b)).build();
  }

  /** Each tamper of the batch 4..6 (or of the tail 7..9), applied to the log as served. */
  static Map<String, Function<List<GdpDatum>, List<GdpDatum>>> tampers() {
    Map<String, Function<List<GdpDatum>, List<GdpDatum>>> t = new LinkedHashMap<>();
    t.put("flipped byte mid-batch", l -> set(l, 4, flip(l.get(4))));
    t.put("flipped byte in the signed record", l -> set(l, 5, flip(l.get(5))));
    t.put("removed record", l -> {
      List<GdpDatum> out = new ArrayList<>(l);
      out.remove(4);
      return out;
    });
    // (reads by number sort answers by record number: a duplicate or a swap on the wire is harmless,
    // so these serve one record's content under another's number)
    t.put("duplicated record", l -> set(l, 4, l.get(3).toBuilder().setRecno(5).build()));
    t.put("reordered records", l -> set(set(l, 3, l.get(4).toBuilder().setRecno(4).build()), 4,
        l.get(3).toBuilder().setRecno(5).build()));
    t.put("forged prevhash", l -> set(l, 4, l.get(4).toBuilder().setPrevhash(ByteString.copyFrom(new byte[32])).build()));
    t.put("missing prevhash", l -> set(l, 4, l.get(4).toBuilder().clearPrevhash().build()));
    t.put("batch spliced from another log with the same key", l -> {
      List<GdpDatum> other = log(OTHER);
      List<GdpDatum> out = new ArrayList<>(l);
      for (int i = 3; i < 6; i++) {
        out.set(i, other.get(i));
      }
      return out;
    });
    t.put("record spliced from another log with the same key", l -> set(l, 4, log(OTHER).get(4)));
    t.put("signature moved to another batch", l -> set(set(l, 5, l.get(5).toBuilder().setSig(l.get(8).getSig()).build()),
        8, l.get(8).toBuilder().setSig(l.get(5).getSig()).build()));
    t.put("unsigned tail", l -> set(l, 8, l.get(8).toBuilder().clearSig().build()));
    return t;
  }

  static List<GdpDatum> set(List<GdpDatum> l, int i, GdpDatum d) {
    List<GdpDatum> out = new ArrayList<>(l);
    out.set(i, d);
    return out;
  }

  /** Fails unless the call is refused with INTEGRITY (NOT_FOUND allowed only where the lie hides the record). */
  static void refused(String what, ThrowingCall call) {
    Object result;
    try {
      result = call.run();
    } catch (GdpException e) {
      assertThat(e.code()).as(what + ": " + e.getMessage()).isEqualTo(GdpStatus.Code.INTEGRITY);
      return;
    }
    throw new AssertionError(what + ": returned " + result + " instead of failing with INTEGRITY");
  }

  interface ThrowingCall {
    Object run();
  }

  @Test
  void untamperedReadsStartingAndEndingMidBatchVerify() {
    served = GOOD;
    LogReader r = client.openReader(MD.logName());
    assertThat(r.readRange(5, 1)).extracting(LogRecord::recno).containsExactly(5L);
    assertThat(r.readRange(2, 4)).extracting(LogRecord::recno).containsExactly(2L, 3L, 4L, 5L);
    assertThat(r.read(8).verified()).isTrue();
    assertThat(r.readByTimestamp(Instant.ofEpochSecond(1005), 2)).extracting(LogRecord::recno).containsExactly(5L, 6L);
    assertThat(r.readByHash(CODEC.recordHash(GOOD.get(4))).recno()).isEqualTo(5L);
    assertThat(r.readRange(1, 9)).allMatch(LogRecord::verified);
  }

  @Test
  void aWriterContinuesOnlyFromASignedTail() {
    served = GOOD;
    LogWriter w = client.openWriter(MD.logName(), KEYS);
    assertThat(w.append("r10".getBytes(java.nio.charset.StandardCharsets.UTF_8))).isEqualTo(10);
    GdpDatum sent = appends.get(0).message().getCmdAppend().getDl().getD(0);
    assertThat(sent.getPrevhash().toByteArray()).isEqualTo(CODEC.recordHash(GOOD.get(8)));

    // a server whose last record is unsigned (or signed by someone else): nothing is appended
    for (var tamper : List.<Function<GdpDatum, GdpDatum>>of(d -> d.toBuilder().clearSig().build(),
        d -> d.toBuilder().setSig(GOOD.get(5).getSig()).build())) {
      served = set(GOOD, 8, tamper.apply(GOOD.get(8)));
      appends.clear();
      GdpClient c = GdpClient.builder().router(router.address).callbackExecutor(callbacks)
          .requestTimeout(Duration.ofSeconds(10)).build();
      try {
        LogWriter bad = c.openWriter(MD.logName(), KEYS);
        refused("append after an unverified tail", () -> bad.append(new byte[] {1}));
        assertThat(appends).isEmpty();
      } finally {
        c.close();
      }
    }
  }

  @Test
  void everyTamperIsIntegrityForReadsThatStartOrEndMidBatch() {
    for (var t : tampers().entrySet()) {
      served = t.getValue().apply(GOOD);
      boolean tail = t.getKey().equals("unsigned tail");
      long mid = tail ? 8 : 5;
      GdpClient c = GdpClient.builder().router(router.address).callbackExecutor(callbacks)
          .requestTimeout(Duration.ofSeconds(10)).build();
      try {
        LogReader r = c.openReader(MD.logName());
        String k = t.getKey();
        refused(k + ": read(mid)", () -> r.read(mid));
        refused(k + ": range starting and ending mid-batch", () -> r.readRange(mid, 1));
        refused(k + ": range ending mid-batch", () -> r.readRange(mid - 1, 2));
        refused(k + ": range from mid-batch across batches", () -> r.readRange(mid - 3, 4));
        if (!k.equals("removed record") && !k.equals("duplicated record")) {
          // (without record 5's time in the log, the first record at or after it is the authentic
          // record 6: a by-time answer can leave records out, the chain cannot show that)
          refused(k + ": by time, mid-batch", () -> r.readByTimestamp(Instant.ofEpochSecond(1000 + mid), 1));
        }
        refused(k + ": by hash, mid-batch", () -> r.readByHash(CODEC.recordHash(GOOD.get((int) mid - 1))));
      } finally {
        c.close();
      }
    }
  }

  @Test
  void subscriptionsNeverDeliverTamperedRecords() throws Exception {
    for (var t : tampers().entrySet()) {
      served = t.getValue().apply(GOOD);
      String k = t.getKey();
      boolean tail = k.equals("unsigned tail");
      // a removed record is a gap to a subscription: it asks again and delivers nothing past it,
      // but need not fail; an unsigned tail is held back forever; every other tamper must fail
      boolean mustFail = !k.equals("removed record") && !tail;
      for (long from : new long[] {2, 5}) {
        GdpClient c = GdpClient.builder().router(router.address).callbackExecutor(callbacks)
            .requestTimeout(Duration.ofSeconds(10)).subscriptionCheck(Duration.ofMinutes(10)).build();
        try {
          List<LogRecord> got = new CopyOnWriteArrayList<>();
          AtomicReference<Throwable> error = new AtomicReference<>();
          c.openReader(MD.logName()).subscribe(from, new RecordListener() {
            @Override
            public void onRecord(LogRecord rec) {
              got.add(rec);
            }

            @Override
            public void onError(GdpException e) {
              error.set(e);
            }
          });
          long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(mustFail ? 10 : 1);
          while (error.get() == null && System.nanoTime() < end) {
            Thread.sleep(20);
          }
          for (LogRecord rec : got) {
            GdpDatum truth = GOOD.get((int) rec.recno() - 1);
            assertThat(rec.dataBytes()).as("%s, from %d: record %d", k, from, rec.recno())
                .isEqualTo(truth.getData().toByteArray());
            assertThat(rec.recordHashBytes()).isEqualTo(CODEC.recordHash(truth));
          }
          long lastGood = tail ? 6 : 3;
          assertThat(got).as("%s, from %d", k, from).allMatch(rec -> rec.recno() <= lastGood);
          if (mustFail) {
            assertThat(error.get()).as("%s, from %d", k, from).isInstanceOfSatisfying(GdpException.class,
                e -> assertThat(e.code()).isEqualTo(GdpStatus.Code.INTEGRITY));
          }
        } finally {
          c.close();
        }
      }
    }
  }
}
