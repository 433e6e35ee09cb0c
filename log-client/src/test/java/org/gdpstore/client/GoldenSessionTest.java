package org.gdpstore.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.gdpstore.client.GoldenSession.Captured;
import org.gdpstore.client.internal.RecordCodec;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.KeyEntry;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reference session's reads and subscription, answered byte for byte as gdplogd answered them,
 * go through the client's record decoding and verify with the captured ECDSA (P-256) OPK key.
 */
@Timeout(60)
class GoldenSessionTest {
  ScriptedRouter router;
  ExecutorService callbacks;
  GdpClient client;

  @BeforeEach
  void start() {
    router = new ScriptedRouter();
    callbacks = Executors.newFixedThreadPool(2);
    client = GdpClient.builder().router(router.address).callbackExecutor(callbacks)
        .requestTimeout(Duration.ofSeconds(10)).resendInterval(Duration.ofSeconds(5)).build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    client.close();
    router.close();
    callbacks.shutdown();
    assertThat(callbacks.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
  }

  static GdpMessage openAck(List<Captured> session) {
    return session.stream().filter(c -> c.fromRouter() && c.envelope().message().hasAckSuccess()
        && c.envelope().message().getAckSuccess().hasMetadata()).findFirst().orElseThrow().envelope().message();
  }

  static Map<Long, GdpMessage> contentByRecno(List<Captured> session) {
    Map<Long, GdpMessage> out = new ConcurrentHashMap<>();
    for (Captured c : session) {
      if (c.fromRouter() && c.envelope().cmd() == MsgCode.ACK_CONTENT) {
        out.put(c.envelope().message().getAckContent().getDl().getD(0).getRecno(), c.envelope().message());
      }
    }
    return out;
  }

  static GdpName logOf(List<Captured> session) {
    return session.stream().filter(c -> !c.fromRouter() && c.envelope().cmd() == MsgCode.CMD_OPEN_RO)
        .findFirst().orElseThrow().envelope().dst();
  }

  @Test
  void capturedReadsVerifyWithTheCapturedOwnerKey() throws Exception {
    List<Captured> session = GoldenSession.load("stream03-gdp-reader.txt");
    GdpName log = logOf(session);
    GdpMessage open = openAck(session);
    Map<Long, GdpMessage> content = contentByRecno(session);
    assertThat(content).containsOnlyKeys(1L, 2L, 3L);
    LogMetadata md = LogMetadata.parse(open.getAckSuccess().getMetadata().toByteArray());
    assertThat(md.find(LogMetadata.OPK)).isPresent();
    assertThat(md.writerKey().orElseThrow().keyType()).isEqualTo(KeyEntry.KEY_EC);

    router.responder = (cmd, ch) -> {
      switch (cmd.cmd()) {
        case MsgCode.CMD_OPEN_RO, MsgCode.CMD_OPEN_AO -> ScriptedRouter.reply(ch, cmd, open);
        case MsgCode.CMD_READ_BY_RECNO -> {
          long r = cmd.message().getCmdReadByRecno().getRecno();
          GdpMessage m = content.get(r);
          if (r == 2 && tamper.get()) {
            GdpDatum d = m.getAckContent().getDl().getD(0);
            byte[] data = d.getData().toByteArray();
            data[0] ^= 1;
            m = m.toBuilder().setAckContent(m.getAckContent().toBuilder().setDl(m.getAckContent().getDl().toBuilder()
                .setD(0, d.toBuilder().setData(ByteString.copyFrom(data))))).build();
          }
          ScriptedRouter.reply(ch, cmd, m);
        }
        default -> { }
      }
    };
    try (LogReader reader = client.openReader(log)) {
      assertThat(reader.metadata()).isEqualTo(md);
      assertThat(reader.nrecs()).isEqualTo(3);
      for (long r = 1; r <= 3; r++) {
        LogRecord rec = reader.read(r);
        GdpDatum captured = content.get(r).getAckContent().getDl().getD(0);
        assertThat(rec.verified()).as("record %d", r).isTrue();
        assertThat(rec.recno()).isEqualTo(r);
        assertThat(rec.dataBytes()).isEqualTo(captured.getData().toByteArray());
        assertThat(rec.signatureBytes()).isEqualTo(captured.getSig().getSig().toByteArray());
        assertThat(rec.timestamp().getEpochSecond()).isEqualTo(captured.getTs().getSec());
      }
      // one flipped data bit: the client refuses the record, it never hands out the data
      tamper.set(true);
      assertThatThrownBy(() -> reader.read(2)).isInstanceOfSatisfying(GdpException.class,
          e -> assertThat(e.code()).isEqualTo(GdpStatus.Code.INTEGRITY));
    }
    // a reader that opted out of verification gets the (tampered) data, marked unverified
    try (LogReader unverified = client.openReader(log, false)) {
      LogRecord rec = unverified.read(2);
      assertThat(rec.verified()).isFalse();
    }
  }

  private final AtomicReference<Boolean> tamper = new AtomicReference<>(false);

  @Test
  void recordCodecVerifiesEveryCapturedRecordAndRejectsEveryFlippedField() throws Exception {
    List<Captured> session = GoldenSession.load("stream03-gdp-reader.txt");
    session.addAll(GoldenSession.load("stream04-gdp-reader-subscribe.txt"));
    GdpName log = logOf(session);
    LogMetadata md = LogMetadata.parse(openAck(session).getAckSuccess().getMetadata().toByteArray());
    assertThat(md.logName()).isEqualTo(log);
    RecordCodec codec = new RecordCodec(log, md);
    assertThat(codec.canVerify()).isTrue();
    Map<Long, GdpMessage> content = contentByRecno(session);
    assertThat(content).containsOnlyKeys(1L, 2L, 3L, 4L, 5L);
    for (GdpMessage m : content.values()) {
      GdpDatum d = m.getAckContent().getDl().getD(0);
      assertThat(codec.decode(d, true).verified()).isTrue();
      List<GdpDatum> broken = List.of(
          d.toBuilder().setRecno(d.getRecno() + 1).build(),
          d.toBuilder().setTs(d.getTs().toBuilder().setSec(d.getTs().getSec() + 1)).build(),
          d.toBuilder().setData(d.getData().concat(ByteString.copyFrom(new byte[] {0}))).build(),
          d.toBuilder().clearSig().build());
      for (GdpDatum b : broken) {
        assertThatThrownBy(() -> codec.decode(b, true)).isInstanceOfSatisfying(GdpException.class,
            e -> assertThat(e.code()).isEqualTo(GdpStatus.Code.INTEGRITY));
      }
    }
  }

  @Test
  void capturedSubscriptionIsDeliveredVerifiedDespiteTheReferenceEndOfResultsBody() throws Exception {
    List<Captured> session = GoldenSession.load("stream04-gdp-reader-subscribe.txt");
    GdpName log = logOf(session);
    GdpMessage open = openAck(session);
    List<GdpMessage> subscriptionAnswers = session.stream()
        .filter(c -> c.fromRouter() && c.envelope().rid() == 2).map(c -> c.envelope().message()).toList();
    assertThat(subscriptionAnswers).extracting(GdpMessage::getCmd).containsExactly(
        MsgCode.ACK_SUCCESS, MsgCode.ACK_CONTENT, MsgCode.ACK_CONTENT, MsgCode.ACK_END_OF_RESULTS);
    // the reference puts an ack_success body on this END_OF_RESULTS (spec 3.5.7)
    assertThat(subscriptionAnswers.get(3).hasAckSuccess()).isTrue();
    List<GdpEnvelope> subscribes = new CopyOnWriteArrayList<>();
    router.responder = (cmd, ch) -> {
      switch (cmd.cmd()) {
        case MsgCode.CMD_OPEN_RO -> ScriptedRouter.reply(ch, cmd, open);
        case MsgCode.CMD_SUBSCRIBE_BY_RECNO -> {
          subscribes.add(cmd);
          if (subscribes.size() == 1) {
            subscriptionAnswers.forEach(m -> ScriptedRouter.reply(ch, cmd, m));
          } else {
            ScriptedRouter.reply(ch, cmd, GdpMessage.newBuilder().setCmd(MsgCode.ACK_SUCCESS).build());
          }
        }
        default -> { }
      }
    };
    List<LogRecord> got = new CopyOnWriteArrayList<>();
    AtomicReference<GdpException> error = new AtomicReference<>();
    CountDownLatch two = new CountDownLatch(2);
    LogReader reader = client.openReader(log);
    Subscription s = reader.subscribe(4, new RecordListener() {
      @Override
      public void onRecord(LogRecord record) {
        got.add(record);
        two.countDown();
      }

      @Override
      public void onError(GdpException e) {
        error.set(e);
      }
    });
    assertThat(two.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(got).extracting(LogRecord::recno).containsExactly(4L, 5L);
    assertThat(got).allMatch(LogRecord::verified);
    // after the END_OF_RESULTS the client carries on from the next record
    GdpEnvelope resumed = router.next(MsgCode.CMD_SUBSCRIBE_BY_RECNO);
    while (resumed != null && subscribes.size() < 2) {
      resumed = router.next(MsgCode.CMD_SUBSCRIBE_BY_RECNO);
    }
    assertThat(subscribes.size()).isGreaterThanOrEqualTo(2);
    assertThat(subscribes.get(1).message().getCmdSubscribeByRecno().getStart()).isEqualTo(6);
    assertThat(subscribes.get(1).rid()).isEqualTo(subscribes.get(0).rid());
    assertThat(error.get()).isNull();
    assertThat(s.isActive()).isTrue();
    s.close();
    reader.close();
  }
}
