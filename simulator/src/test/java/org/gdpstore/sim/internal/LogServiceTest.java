package org.gdpstore.sim.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.proto.CmdAppend;
import org.gdpstore.wire.proto.CmdCreate;
import org.gdpstore.wire.proto.CmdReadByRecno;
import org.gdpstore.wire.proto.CmdSubscribeByRecno;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpDatumList;
import org.gdpstore.wire.proto.GdpMessage;
import org.gdpstore.wire.proto.GdpMetadata;
import org.gdpstore.wire.proto.GdpTimestamp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The log service's rules, driven directly: envelopes in, {@link Outgoing} answers out, no Netty. */
class LogServiceTest {
  private static final GdpName SERVER = GdpName.sha256("unit.gdplogd");
  private static final GdpName ALIAS = GdpName.sha256("unit.creation");
  private static final GdpName ALICE = GdpName.sha256("alice");
  private static final GdpName BOB = GdpName.sha256("bob");

  /** Client connections as the router would report them: name -> token, and which tokens can take data. */
  private final Map<GdpName, Object> connections = new HashMap<>();
  private final Map<Object, Boolean> ready = new HashMap<>();
  private final ClientLinks links = new ClientLinks() {
    @Override
    public Object connectionOf(GdpName client) {
      return connections.get(client);
    }

    @Override
    public boolean ready(Object connection) {
      return ready.getOrDefault(connection, true);
    }
  };
  private LogService service;
  private final LogMetadata md = LogMetadata.builder().put(LogMetadata.XID, "unit").build();
  private final GdpName log = md.logName();

  @BeforeEach
  void setUp() {
    connections.put(ALICE, new Object());
    connections.put(BOB, new Object());
    service = new LogService(SERVER, ALIAS, null, 65_535, new StorageFaults(), false, Duration.ZERO,
        new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>(), links, 3);
    List<Outgoing> out = call(new GdpEnvelope(SERVER, ALICE, create(md)));
    assertThat(out).hasSize(2);
    assertThat(out.get(0)).isEqualTo(new Outgoing.Advertise(log));
    assertThat(message(out.get(1)).getCmd()).isEqualTo(MsgCode.ACK_CREATED);
  }

  @Test
  void recordNumberRules() {
    assertThat(code(append(1, 1, "a"))).isEqualTo(MsgCode.ACK_SUCCESS);
    assertThat(code(append(2, 1, "a"))).as("identical retry").isEqualTo(MsgCode.ACK_SUCCESS);
    assertThat(code(append(3, 1, "other"))).as("conflict").isEqualTo(MsgCode.NAK_C_CONFLICT);
    assertThat(code(append(4, 3, "gap"))).isEqualTo(MsgCode.NAK_C_FORBIDDEN);
    assertThat(code(append(5, 0, "zero"))).isEqualTo(MsgCode.NAK_C_BADOPT);
    assertThat(service.snapshot()).containsEntry(log, 1L);
    GdpMessage two = appendMessage(6, datum(2, "b"), datum(4, "gap"));
    assertThat(message(call(new GdpEnvelope(log, ALICE, two)).get(0)).getCmd()).as("all or nothing")
        .isEqualTo(MsgCode.NAK_C_FORBIDDEN);
    assertThat(service.snapshot()).containsEntry(log, 1L);
  }

  @Test
  void rangeReadIsStreamedThenEnds() {
    appendMany(100);
    assertThat(call(new GdpEnvelope(log, ALICE, read(7, 1, 0)))).as("nothing before the pump").isEmpty();
    List<Outgoing> out = new ArrayList<>();
    while (service.hasStreams()) {
      service.pump();
      service.drainOutput(out::add);
    }
    assertThat(out).hasSize(101);
    for (int i = 0; i < 100; i++) {
      assertThat(datumOf(out.get(i)).getRecno()).isEqualTo(i + 1);
    }
    GdpMessage end = message(out.get(100));
    assertThat(end.getCmd()).isEqualTo(MsgCode.ACK_END_OF_RESULTS);
    assertThat(end.getAckEndOfResults().getNresults()).isEqualTo(100);
  }

  @Test
  void answersWaitForABusyClientWhileOthersAreServed() {
    appendMany(10);
    ready.put(connections.get(ALICE), false);
    call(new GdpEnvelope(log, ALICE, read(1, 1, 0)));
    call(new GdpEnvelope(log, BOB, read(2, 1, 0)));
    List<Outgoing> out = new ArrayList<>();
    service.pump();
    service.drainOutput(out::add);
    assertThat(out).hasSize(11).allMatch(o -> to(o).equals(BOB));
    assertThat(service.streamCount()).isEqualTo(1);
    assertThat(service.pump()).as("everything left waits").isTrue();
    ready.put(connections.get(ALICE), true);
    service.pump();
    service.drainOutput(out::add);
    assertThat(out).hasSize(22);
    assertThat(service.hasStreams()).isFalse();
  }

  @Test
  void answersAndReplaysOfAClosedConnectionAreDropped() {
    appendMany(10);
    ready.put(connections.get(ALICE), false);
    call(new GdpEnvelope(log, ALICE, read(1, 1, 0)));
    call(new GdpEnvelope(log, ALICE, subscribe(2, 1)));
    assertThat(service.streamCount()).isEqualTo(2);
    connections.put(ALICE, new Object()); // reconnected: the old connection's answers are nobody's
    service.pump();
    List<Outgoing> out = new ArrayList<>();
    service.drainOutput(out::add);
    assertThat(out).isEmpty();
    assertThat(service.hasStreams()).isFalse();
    // the subscription whose replay was dropped is gone too (PING to the log says so)
    GdpMessage ping = GdpMessage.newBuilder().setCmd(MsgCode.CMD_PING).setRid(3).build();
    assertThat(message(call(new GdpEnvelope(log, ALICE, ping)).get(0)).getCmd()).isEqualTo(MsgCode.NAK_S_LOST_SUBSCR);
  }

  @Test
  void answersInProgressPerClientAreCapped() {
    appendMany(3);
    ready.put(connections.get(ALICE), false);
    for (int rid = 1; rid <= 3; rid++) {
      assertThat(call(new GdpEnvelope(log, ALICE, read(rid, 1, 0)))).isEmpty();
    }
    GdpMessage refused = message(call(new GdpEnvelope(log, ALICE, read(4, 1, 0))).get(0));
    assertThat(refused.getCmd()).isEqualTo(MsgCode.NAK_S_SVCUNAVAIL);
    assertThat(refused.getRid()).isEqualTo(4);
    assertThat(refused.getNak().getDescription()).contains("at most 3");
    assertThat(call(new GdpEnvelope(log, BOB, read(5, 1, 0)))).as("others are not limited by it").isEmpty();
    assertThat(service.streamCount()).isEqualTo(4);
  }

  @Test
  void largeRecordsMakeShortTurns() {
    String big = "x".repeat(60_000);
    for (int i = 1; i <= 40; i++) {
      assertThat(code(append(200 + i, i, big))).isEqualTo(MsgCode.ACK_SUCCESS);
    }
    call(new GdpEnvelope(log, ALICE, read(1, 1, 0)));
    service.pump();
    List<Outgoing> out = new ArrayList<>();
    service.drainOutput(out::add);
    assertThat(out).as("about 1 MiB per turn, not 40 x 60 KB").hasSize(18);
    int turns = 1;
    while (service.hasStreams()) {
      service.pump();
      service.drainOutput(out::add);
      turns++;
    }
    assertThat(out).hasSize(41);
    assertThat(turns).isEqualTo(3);
  }

  @Test
  void subscriptionReplaysThenGoesLiveThenEndsWithItsBudget() {
    appendMany(2);
    List<Outgoing> ack = call(new GdpEnvelope(log, BOB, subscribe(9, 3)));
    assertThat(message(ack.get(0)).getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
    service.pump();
    List<Outgoing> out = new ArrayList<>();
    service.drainOutput(out::add);
    assertThat(out).extracting(o -> datumOf(o).getRecno()).containsExactly(1L, 2L);
    List<Outgoing> live = call(new GdpEnvelope(log, ALICE, appendMessage(10, datum(3, "c"))));
    assertThat(live).hasSize(3); // ack to alice, record 3 to bob, 191 to bob
    assertThat(to(live.get(1))).isEqualTo(BOB);
    assertThat(datumOf(live.get(1)).getRecno()).isEqualTo(3);
    assertThat(message(live.get(2)).getAckEndOfResults().getNresults()).isEqualTo(3);
    assertThat(code(append(11, 4, "d"))).isEqualTo(MsgCode.ACK_SUCCESS); // no one is told
  }

  @Test
  void commandsToTheServerAndUnknownLogs() {
    GdpMessage ping = GdpMessage.newBuilder().setCmd(MsgCode.CMD_PING).setRid(1).build();
    assertThat(message(call(new GdpEnvelope(SERVER, ALICE, ping)).get(0)).getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
    GdpName unknown = GdpName.sha256("nope");
    assertThat(message(call(new GdpEnvelope(unknown, ALICE, read(2, 1, 1))).get(0)).getCmd())
        .isEqualTo(MsgCode.NAK_C_NOTFOUND);
    GdpMessage noBody = GdpMessage.newBuilder().setCmd(MsgCode.CMD_APPEND).setRid(3).build();
    assertThat(message(call(new GdpEnvelope(log, ALICE, noBody)).get(0)).getCmd()).isEqualTo(MsgCode.NAK_C_BADREQ);
  }

  // ---------------------------------------------------------------- helpers

  private List<Outgoing> call(GdpEnvelope env) {
    service.handle(env);
    List<Outgoing> out = new ArrayList<>();
    service.drainOutput(out::add);
    return out;
  }

  private int code(List<Outgoing> out) {
    assertThat(out).isNotEmpty();
    return message(out.get(0)).getCmd();
  }

  private List<Outgoing> append(int rid, long recno, String data) {
    return call(new GdpEnvelope(log, ALICE, appendMessage(rid, datum(recno, data))));
  }

  private void appendMany(int n) {
    for (int i = 1; i <= n; i++) {
      assertThat(code(append(100 + i, service.snapshot().get(log) + 1, "r" + i))).isEqualTo(MsgCode.ACK_SUCCESS);
    }
  }

  private static GdpName to(Outgoing o) {
    return o instanceof Outgoing.Content c ? c.to() : ((Outgoing.Message) o).envelope().dst();
  }

  private static GdpMessage message(Outgoing o) {
    assertThat(o).isInstanceOf(Outgoing.Message.class);
    return ((Outgoing.Message) o).envelope().message();
  }

  private static GdpDatum datumOf(Outgoing o) {
    assertThat(o).isInstanceOf(Outgoing.Content.class);
    try {
      return GdpDatum.parseFrom(((Outgoing.Content) o).datum());
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private static GdpMessage create(LogMetadata md) {
    return GdpMessage.newBuilder().setCmd(MsgCode.CMD_CREATE).setRid(1).setCmdCreate(CmdCreate.newBuilder()
        .setMetadata(GdpMetadata.newBuilder().setData(ByteString.copyFrom(md.toBytes())))
        .setLogname(ByteString.copyFrom(md.logName().toBytes()))).build();
  }

  private static GdpDatum datum(long recno, String data) {
    return GdpDatum.newBuilder().setRecno(recno).setTs(GdpTimestamp.newBuilder().setSec(1_700_000_000L + recno))
        .setData(ByteString.copyFrom(data, StandardCharsets.UTF_8)).build();
  }

  private static GdpMessage appendMessage(int rid, GdpDatum... ds) {
    GdpDatumList.Builder dl = GdpDatumList.newBuilder();
    for (GdpDatum d : ds) {
      dl.addD(d);
    }
    return GdpMessage.newBuilder().setCmd(MsgCode.CMD_APPEND).setRid(rid)
        .setCmdAppend(CmdAppend.newBuilder().setDl(dl)).build();
  }

  private static GdpMessage read(int rid, long recno, int nrecs) {
    CmdReadByRecno.Builder r = CmdReadByRecno.newBuilder().setRecno(recno);
    if (nrecs != 0) {
      r.setNrecs(nrecs);
    }
    return GdpMessage.newBuilder().setCmd(MsgCode.CMD_READ_BY_RECNO).setRid(rid).setCmdReadByRecno(r).build();
  }

  private static GdpMessage subscribe(int rid, int nrecs) {
    return GdpMessage.newBuilder().setCmd(MsgCode.CMD_SUBSCRIBE_BY_RECNO).setRid(rid)
        .setCmdSubscribeByRecno(CmdSubscribeByRecno.newBuilder().setStart(1).setNrecs(nrecs)).build();
  }
}
