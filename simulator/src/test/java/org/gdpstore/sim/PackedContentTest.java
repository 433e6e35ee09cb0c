package org.gdpstore.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.PduHeader;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpMessage;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code packContent(true)}: range reads and replays carry many records per ACK_CONTENT, each PDU within limits. */
class PackedContentTest {
  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void rangeReadsAndReplaysArePacked(boolean durable) {
    GdpSimulator.Builder b = GdpSimulator.builder().inProcess().packContent(true);
    if (durable) {
      b.dataDir(dir);
    }
    try (GdpSimulator sim = b.start(); TestClient c = TestClient.local(sim, "packed")) {
      var md = Cmds.metadata("packed-" + durable);
      GdpName log = md.logName();
      c.call(sim.serverName(), Cmds.create(md));
      int n = 0;
      for (int batch = 0; batch < 20; batch++) {
        GdpDatum[] ds = new GdpDatum[100];
        for (int i = 0; i < ds.length; i++) {
          n++;
          ds[i] = Cmds.datum(n, "x".repeat(100) + n);
        }
        assertThat(c.call(log, Cmds.append(0, ds)).getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
      }
      // two records of almost a whole PDU each: one per ACK_CONTENT
      for (int i = 0; i < 2; i++) {
        n++;
        GdpDatum big = Cmds.datum(n, "").toBuilder().setData(ByteString.copyFrom(new byte[65_000])).build();
        assertThat(c.call(log, Cmds.append(0, big)).getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
      }

      c.send(log, Cmds.read(5, 1, null));
      long expect = 1;
      int pdus = 0;
      GdpMessage m;
      while ((m = c.nextEnvelope().message()).getCmd() == MsgCode.ACK_CONTENT) {
        pdus++;
        assertThat(m.getRid()).isEqualTo(5);
        assertThat(m.getSerializedSize()).isLessThanOrEqualTo(PduHeader.MAX_PAYLOAD_LENGTH);
        for (GdpDatum d : m.getAckContent().getDl().getDList()) {
          assertThat(d.getRecno()).isEqualTo(expect++);
        }
      }
      assertThat(expect - 1).isEqualTo(n);
      assertThat(m.getCmd()).isEqualTo(MsgCode.ACK_END_OF_RESULTS);
      assertThat(m.getAckEndOfResults().getNresults()).isEqualTo(n);
      assertThat(pdus).isLessThan(20);

      // a replay with a budget ends exactly at the budget, packed
      c.send(log, Cmds.subscribe(6, 1L, 1500));
      assertThat(c.nextEnvelope().cmd()).isEqualTo(MsgCode.ACK_SUCCESS);
      expect = 1;
      while ((m = c.nextEnvelope().message()).getCmd() == MsgCode.ACK_CONTENT) {
        for (GdpDatum d : m.getAckContent().getDl().getDList()) {
          assertThat(d.getRecno()).isEqualTo(expect++);
        }
      }
      assertThat(expect - 1).isEqualTo(1500);
      assertThat(m.getCmd()).isEqualTo(MsgCode.ACK_END_OF_RESULTS);
      assertThat(m.getAckEndOfResults().getNresults()).isEqualTo(1500);

      // an unlimited replay turns live: the next append arrives on its own
      c.send(log, Cmds.subscribe(7, -2L, null));
      assertThat(c.nextEnvelope().cmd()).isEqualTo(MsgCode.ACK_SUCCESS);
      int replayed = 0;
      while (replayed < 2) {
        replayed += c.nextEnvelope().message().getAckContent().getDl().getDCount();
      }
      c.send(log, Cmds.append(8, Cmds.datum(n + 1, "live")));
      GdpMessage a = c.nextEnvelope().message();
      GdpMessage b2 = c.nextEnvelope().message();
      GdpMessage live = a.getCmd() == MsgCode.ACK_CONTENT ? a : b2;
      assertThat(live.getRid()).isEqualTo(7);
      assertThat(live.getAckContent().getDl().getDCount()).isEqualTo(1);
      assertThat(Cmds.data(live)).isEqualTo("live");
    }
  }
}
