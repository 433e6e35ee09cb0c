package org.gdpstore.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.gdpstore.client.Backoff;
import org.gdpstore.client.GdpStatus;
import org.gdpstore.client.ServerMode;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.proto.GdpMessage;
import org.junit.jupiter.api.Test;

/**
 * The request table's timing rules (deadlines, resends paced by how quiet the destination is),
 * driven by a manual scheduler: no test here waits for real time.
 */
class RequestTableTest {
  final GdpName me = GdpName.sha256("me");
  final GdpName log = GdpName.sha256("log");
  final ClientConfig config = new ClientConfig(new InetSocketAddress("127.0.0.1", 1), Duration.ofSeconds(10),
      Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofSeconds(2), 4, Backoff.constant(Duration.ofMillis(10)),
      Runnable::run, me, me, ServerMode.GDPSTORE, Clock.systemUTC(), new SecureRandom());
  final ManualScheduler time = new ManualScheduler();
  final FakeWire wire = new FakeWire();
  final RequestTable table = new RequestTable(config, time, wire, "[test]");

  /** Records what was written; "connected" as the test says. */
  static final class FakeWire implements Wire {
    boolean connected = true;
    final List<GdpEnvelope> written = new ArrayList<>();

    @Override
    public boolean isConnected() {
      return connected;
    }

    @Override
    public void write(GdpEnvelope envelope) {
      written.add(envelope);
    }

    @Override
    public void flush() {}
  }

  /** A request that records its outcome. */
  class Probe extends Request {
    GdpStatus failure;
    GdpEnvelope answer;

    Probe() {
      this(log);
    }

    Probe(GdpName dst) {
      super(null, dst);
    }

    @Override
    GdpMessage message(int rid) {
      return GdpMessage.newBuilder().setCmd(MsgCode.CMD_READ_BY_RECNO).setRid(rid).build();
    }

    @Override
    void onResponse(GdpEnvelope env) {
      answer = env;
      table.finish(this);
    }

    @Override
    void onFailure(GdpStatus status) {
      failure = status;
    }

    @Override
    boolean waitsForRoute() {
      return false;
    }

    @Override
    void onNoRoute() {
      table.fail(this, GdpStatus.fromNak(MsgCode.NAK_R_NOROUTE, "no route"));
    }
  }

  GdpEnvelope answerFor(GdpEnvelope sent, int cmd) {
    return new GdpEnvelope(me, log, GdpMessage.newBuilder().setCmd(cmd).setRid(sent.rid()).build());
  }

  @Test
  void anUnansweredRequestIsResentThenTimesOut() {
    Probe p = new Probe();
    table.submit(p);
    assertThat(wire.written).hasSize(1);
    assertThat(p.rid).isNotZero();
    time.advanceMillis(1_999);
    assertThat(wire.written).hasSize(1);
    time.advanceMillis(1);
    assertThat(wire.written).as("re-sent after one resend interval").hasSize(2);
    assertThat(wire.written.get(1).rid()).isEqualTo(p.rid);
    time.advanceMillis(4_000);
    assertThat(wire.written).as("the next resend waits twice as long").hasSize(3);
    time.advanceMillis(3_999);
    assertThat(p.failure).isNull();
    assertThat(table.size()).isEqualTo(1);
    time.advanceMillis(1); // 10 s since the submit
    assertThat(p.failure.code()).isEqualTo(GdpStatus.Code.DEADLINE_EXCEEDED);
    assertThat(table.size()).isZero();
  }

  @Test
  void aBusyDestinationIsNotFloodedWithCopies() {
    Probe slow = new Probe();
    Probe other = new Probe();
    table.submit(slow);
    table.submit(other);
    // the log keeps answering the other request's stream for 3 s: no copy of the slow one meanwhile
    for (int i = 0; i < 30; i++) {
      time.advanceMillis(100);
      table.onResponse(answerFor(wire.written.get(1), MsgCode.ACK_CONTENT));
    }
    assertThat(wire.written).hasSize(2);
    time.advanceMillis(2_000);
    assertThat(wire.written).as("re-sent once the log fell quiet").hasSize(3);
    assertThat(wire.written.get(2).rid()).isEqualTo(slow.rid);
  }

  @Test
  void theDeadlineMeasuresSilenceNotQueueingBehindABusyLog() {
    // a writer's pipeline behind a slow disk: the log answers the requests queued before this one
    // steadily, one a second, for longer than the 10 s timeout; this one must not expire meanwhile
    Probe queued = new Probe();
    Probe ahead = new Probe();
    table.submit(queued);
    table.submit(ahead);
    for (int i = 0; i < 25; i++) {
      time.advanceMillis(1_000);
      table.onResponse(answerFor(wire.written.get(1), MsgCode.ACK_CONTENT));
    }
    assertThat(queued.failure).as("the log kept answering: 25 s are not a timeout").isNull();
    table.onResponse(answerFor(wire.written.get(0), MsgCode.ACK_SUCCESS));
    assertThat(queued.answer).isNotNull();
  }

  @Test
  void aRequestBehindABusyLogTimesOutOnceTheLogFallsSilentOrAtTheBound() {
    Probe silent = new Probe();
    Probe ahead = new Probe();
    table.submit(silent);
    table.submit(ahead);
    for (int i = 0; i < 15; i++) {
      time.advanceMillis(1_000);
      table.onResponse(answerFor(wire.written.get(1), MsgCode.ACK_CONTENT));
    }
    time.advanceMillis(9_999); // the log's last answer was 9.999 s ago
    assertThat(silent.failure).isNull();
    time.advanceMillis(1);
    assertThat(silent.failure.code()).isEqualTo(GdpStatus.Code.DEADLINE_EXCEEDED);

    Probe starved = new Probe();
    table.submit(starved);
    int sentBefore = wire.written.size();
    Probe busy = new Probe();
    table.submit(busy);
    GdpEnvelope busySent = wire.written.get(sentBefore);
    for (int i = 0; i < 59; i++) {
      time.advanceMillis(1_000);
      table.onResponse(answerFor(busySent, MsgCode.ACK_CONTENT));
    }
    assertThat(starved.failure).isNull();
    time.advanceMillis(1_000);
    assertThat(starved.failure.code()).as("at most %d timeouts in all", RequestTable.MAX_DEADLINE_STRETCH)
        .isEqualTo(GdpStatus.Code.DEADLINE_EXCEEDED);
    assertThat(starved.failure.description()).contains("while it answered other requests");
  }

  @Test
  void anAnswerFinishesTheRequestAndStopsItsTimers() {
    Probe p = new Probe();
    table.submit(p);
    table.onResponse(answerFor(wire.written.get(0), MsgCode.ACK_SUCCESS));
    assertThat(p.answer).isNotNull();
    time.advanceMillis(60_000);
    assertThat(wire.written).hasSize(1);
    assertThat(p.failure).isNull();
  }

  @Test
  void withoutAConnectionTheRequestFailsUnavailableAtItsDeadline() {
    wire.connected = false;
    Probe p = new Probe();
    table.submit(p);
    time.advanceMillis(10_000);
    assertThat(wire.written).isEmpty();
    assertThat(p.failure.code()).isEqualTo(GdpStatus.Code.UNAVAILABLE);
  }

  @Test
  void afterAReconnectRequestsAreResentAWindowAtATimeInOrder() {
    List<Probe> probes = new ArrayList<>();
    wire.connected = false;
    for (int i = 0; i < RequestTable.RECONNECT_WINDOW + 4; i++) {
      Probe p = new Probe();
      probes.add(p);
      table.submit(p);
    }
    wire.connected = true;
    table.onConnected(table.requests());
    assertThat(wire.written).hasSize(RequestTable.RECONNECT_WINDOW);
    table.onResponse(answerFor(wire.written.get(0), MsgCode.ACK_SUCCESS));
    assertThat(wire.written).as("one more per answer").hasSize(RequestTable.RECONNECT_WINDOW + 1);
    assertThat(wire.written).extracting(GdpEnvelope::rid)
        .containsExactlyElementsOf(probes.subList(0, RequestTable.RECONNECT_WINDOW + 1).stream().map(p -> p.rid).toList());
  }
  @Test
  void theReconnectQueueDrainsWhenItsRequestsGetNoAnswer() {
    wire.connected = false;
    for (int i = 0; i < RequestTable.RECONNECT_WINDOW + 4; i++) {
      table.submit(new Probe());
    }
    wire.connected = true;
    table.onConnected(table.requests());
    // every answer is lost: the window is re-sent and then times out, no answer ever pumps the queue
    time.advanceMillis(10_000);
    assertThat(table.size()).isZero();
    Probe late = new Probe();
    table.submit(late);
    assertThat(wire.written).extracting(GdpEnvelope::rid).as("a new request is not stuck behind dead ones")
        .contains(late.rid);
  }

  @Test
  void noRouteForTheWholeWindowLetsTheRestOfTheQueueOut() {
    GdpName other = GdpName.sha256("other");
    wire.connected = false;
    List<Probe> toLog = new ArrayList<>();
    for (int i = 0; i < RequestTable.RECONNECT_WINDOW; i++) {
      Probe p = new Probe();
      toLog.add(p);
      table.submit(p);
    }
    Probe elsewhere = new Probe(other);
    table.submit(elsewhere);
    wire.connected = true;
    table.onConnected(table.requests());
    assertThat(wire.written).hasSize(RequestTable.RECONNECT_WINDOW);
    table.onNoRoute(log); // the router answers the whole window with NOROUTE, not with answers
    assertThat(toLog).allSatisfy(p -> assertThat(p.failure.code()).isEqualTo(GdpStatus.Code.NO_ROUTE));
    assertThat(wire.written).extracting(GdpEnvelope::rid).contains(elsewhere.rid);
  }
}
