package org.gdpstore.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.gdpstore.sim.FaultPlan;
import org.gdpstore.sim.FaultPlan.Direction;
import org.gdpstore.sim.GdpSimulator;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.proto.AckEndOfResults;
import org.gdpstore.wire.proto.AckSuccess;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpMessage;
import org.gdpstore.wire.proto.NakGeneric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Range reads whose answer PDUs are lost (issue 15): the client asks again for what is missing, so
 * a read returns the consecutive records asked for, chained or not; a record the server does not
 * have is NOT_FOUND, never INTEGRITY and never left out.
 */
@Timeout(180)
class ReadRepairTest {
  static final Ed25519Keys KEYS = Ed25519Keys.fromSeed(new byte[32]);
  static final int N = 300;

  @ParameterizedTest(name = "chained={0} packContent={1}")
  @CsvSource({"true,true", "true,false", "false,true", "false,false"})
  void rangeReadsAndSubscriptionsGetEveryRecordWhenAnswersAreDropped(boolean chained, boolean pack) throws Exception {
    try (GdpSimulator sim = GdpSimulator.builder().inProcess().loopbackTcp(0).packContent(pack).start();
         GdpClient c = client(sim)) {
      LogSpec.Builder spec = LogSpec.builder().humanName("repair").writerKey(KEYS);
      LogInfo info = c.createLog(chained ? spec.chained().build() : spec.build());
      try (LogWriter w = c.openWriter(info.name(), KEYS)) {
        for (int i = 0; i < N; i += 50) {
          List<byte[]> batch = new ArrayList<>();
          for (int j = i; j < i + 50; j++) {
            batch.add(("r" + (j + 1)).getBytes(UTF_8));
          }
          w.appendBatch(batch); // chained: one signature per 50 records
        }
      }
      // one answer PDU in twenty is lost, END_OF_RESULTS included
      FaultPlan.Rule drop = FaultPlan.on(Direction.TO_CLIENT).log(info.name()).probability(0.05).drop();
      sim.faults().add(drop);
      SplittableRandom rnd = new SplittableRandom(7);
      try (LogReader r = c.openReader(info.name())) {
        assertConsecutive(r.readRange(1, N), 1, N);
        for (int i = 0; i < 12; i++) {
          long from = 1 + rnd.nextInt(N);
          int count = 1 + rnd.nextInt(150);
          assertConsecutive(r.readRange(from, count), from, (int) Math.min(count, N - from + 1));
        }
        BlockingQueue<LogRecord> got = new LinkedBlockingQueue<>();
        Subscription s = r.subscribe(3, got::add);
        for (long want = 3; want <= N; want++) {
          LogRecord rec = got.poll(30, TimeUnit.SECONDS);
          assertThat(rec).as("subscription record %d", want).isNotNull();
          assertThat(rec.recno()).isEqualTo(want);
          assertThat(rec.verified()).isTrue();
        }
        s.close();
      }
      assertThat(sim.faults().firedCount(drop)).as("answers dropped").isGreaterThan(pack ? 0 : 5);
    }
  }

  private static void assertConsecutive(List<LogRecord> got, long from, int count) {
    assertThat(got).extracting(LogRecord::recno).as("read from %d, %d records", from, count)
        .containsExactlyElementsOf(java.util.stream.LongStream.range(from, from + count).boxed().toList());
    for (LogRecord rec : got) {
      assertThat(new String(rec.dataBytes(), UTF_8)).isEqualTo("r" + rec.recno());
      assertThat(rec.verified()).isTrue();
    }
  }

  private static GdpClient client(GdpSimulator sim) {
    return GdpClient.builder().router(sim.tcpAddress()).creationService(sim.serverName())
        .requestTimeout(Duration.ofSeconds(20)).resendInterval(Duration.ofMillis(200))
        .subscriptionRefresh(Duration.ofSeconds(1)).build();
  }

  // ------------------------------------------------------------------ a server without the record

  /**
   * A server that answers a range with a hole (record 5 left out, END_OF_RESULTS counting all
   * nine) and then says it has no record 5: the read fails with NOT_FOUND naming the record, for a
   * chained log and for an unchained one.
   */
  @Test
  void aHoleTheServerCannotFillIsNotFound() throws Exception {
    for (LogMetadata md : List.of(ChainedReadTamperTest.MD, unchained())) {
      List<GdpDatum> log = md.chained() ? ChainedReadTamperTest.GOOD : unchainedLog(md);
      ExecutorService callbacks = Executors.newFixedThreadPool(2);
      try (ScriptedRouter router = new ScriptedRouter()) {
        router.responder = (cmd, ch) -> answerWithHole(md, log, cmd, ch);
        GdpClient c = GdpClient.builder().router(router.address).callbackExecutor(callbacks)
            .requestTimeout(Duration.ofSeconds(10)).resendInterval(Duration.ofSeconds(5)).build();
        try {
          LogReader r = c.openReader(md.logName());
          for (long[] ask : new long[][] {{1, 9}, {4, 3}, {5, 2}}) {
            assertThatThrownBy(() -> r.readRange(ask[0], (int) ask[1])).as("chained=%s %s", md.chained(), ask[0])
                .isInstanceOfSatisfying(GdpException.class, e -> {
                  assertThat(e.code()).isEqualTo(GdpStatus.Code.NOT_FOUND);
                  assertThat(e.getMessage()).contains("record 5");
                });
          }
          assertThat(r.readRange(6, 4)).extracting(LogRecord::recno).containsExactly(6L, 7L, 8L, 9L);
        } finally {
          c.close();
          callbacks.shutdown();
        }
      }
    }
  }

  private static LogMetadata unchained() {
    return LogMetadata.builder().put(LogMetadata.XID, "repair-unchained").put(LogMetadata.WPK, KEYS.keyEntry()).build();
  }

  private static List<GdpDatum> unchainedLog(LogMetadata md) {
    org.gdpstore.client.internal.RecordCodec codec = new org.gdpstore.client.internal.RecordCodec(md.logName(), md);
    List<GdpDatum> out = new ArrayList<>();
    for (long r = 1; r <= 9; r++) {
      out.add(codec.buildChained(r, java.time.Instant.ofEpochSecond(1000 + r), ByteString.copyFromUtf8("r" + r),
          new byte[0], KEYS, new byte[1][]));
    }
    return out;
  }

  /** Holds records 1..9 but answers as if record 5 were lost on the way, and NAKs a read of it. */
  private static void answerWithHole(LogMetadata md, List<GdpDatum> log, GdpEnvelope cmd, io.netty.channel.Channel ch) {
    GdpMessage m = cmd.message();
    switch (cmd.cmd()) {
      case MsgCode.CMD_OPEN_RO -> ScriptedRouter.reply(ch, cmd, GdpMessage.newBuilder().setCmd(MsgCode.ACK_SUCCESS)
          .setAckSuccess(AckSuccess.newBuilder().setRecno(9).setMetadata(ByteString.copyFrom(md.toBytes()))).build());
      case MsgCode.CMD_READ_BY_RECNO -> {
        long start = m.getCmdReadByRecno().getRecno();
        int n = m.getCmdReadByRecno().getNrecs();
        long end = n <= 0 ? start : Math.min(9, start + n - 1);
        if (start == 5) {
          ScriptedRouter.reply(ch, cmd, GdpMessage.newBuilder().setCmd(MsgCode.NAK_C_NOTFOUND)
              .setNak(NakGeneric.newBuilder().setDescription("no record 5")).build());
          return;
        }
        for (long r = start; r <= end; r++) {
          if (r != 5) {
            ScriptedRouter.reply(ch, cmd, ChainedReadTamperTest.content(log.get((int) r - 1)));
          }
        }
        if (n > 0) {
          ScriptedRouter.reply(ch, cmd, GdpMessage.newBuilder().setCmd(MsgCode.ACK_END_OF_RESULTS)
              .setAckEndOfResults(AckEndOfResults.newBuilder().setNresults(end - start + 1)).build());
        }
      }
      default -> { }
    }
  }
}
