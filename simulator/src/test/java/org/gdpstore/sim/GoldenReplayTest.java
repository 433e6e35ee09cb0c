package org.gdpstore.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gdpstore.wire.GdpMessages;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.PduType;
import org.gdpstore.wire.proto.AckSuccess;
import org.gdpstore.wire.proto.GdpMessage;
import org.junit.jupiter.api.Test;

/**
 * Replays the client side of the reference session (gdp-create, a signed writer, a reader, a
 * subscriber and a live writer; golden/reference-session-all-pdus.txt) against the simulator,
 * PDU for PDU, and compares every answer with the reference's: PDU type, names, code, rid, body
 * kind, record numbers, metadata, timestamps, and returned records byte for byte.
 *
 * <p>Intended differences (docs/simulator.md): APPEND acks also carry the record number; the 191
 * that ends a subscription carries {@code ack_end_of_results{ep_stat, nresults}} instead of an
 * empty {@code ack_success}.
 */
class GoldenReplayTest {
  record GoldenPdu(int number, int stream, boolean toRouter, byte[] raw) {}

  static List<GoldenPdu> load() throws IOException {
    List<GoldenPdu> out = new ArrayList<>();
    Pattern head = Pattern.compile("^=== PDU #(\\d+) .*tcp\\.stream (\\d+) .*\\) +(to-router|from-router)");
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        GoldenReplayTest.class.getResourceAsStream("/golden/reference-session-all-pdus.txt"), StandardCharsets.UTF_8))) {
      String line;
      int number = -1;
      int stream = -1;
      boolean to = false;
      StringBuilder hex = null;
      while ((line = r.readLine()) != null) {
        Matcher m = head.matcher(line);
        if (m.find()) {
          number = Integer.parseInt(m.group(1));
          stream = Integer.parseInt(m.group(2));
          to = m.group(3).equals("to-router");
          continue;
        }
        if (line.startsWith("raw (")) {
          hex = new StringBuilder();
          continue;
        }
        if (hex != null) {
          if (line.matches("^([0-9a-f]{2} ?)+$")) {
            hex.append(line.replace(" ", ""));
          } else {
            out.add(new GoldenPdu(number, stream, to, HexFormat.of().parseHex(hex)));
            hex = null;
          }
        }
      }
      if (hex != null) {
        out.add(new GoldenPdu(number, stream, to, HexFormat.of().parseHex(hex)));
      }
    }
    return out;
  }

  @Test
  void referenceSessionGetsReferenceShapedAnswers() throws Exception {
    List<GoldenPdu> pdus = load();
    assertThat(pdus).hasSize(99);
    Map<Integer, TestClient> clients = new HashMap<>();
    int compared = 0;
    try (GdpSimulator sim = GdpSimulator.builder().inProcess().serverName("local.test.gdplogd").start()) {
      assertThat(sim.serverName().printable()).isEqualTo("ueJyl4iUbYpq4iB2BUJvTt5OAjaWOzIonZ-9OWdj9lw");
      for (GoldenPdu g : pdus) {
        if (g.stream() == 0) {
          continue; // the reference gdplogd's side: the simulator plays it
        }
        TestClient c = clients.computeIfAbsent(g.stream(), s -> TestClient.raw(sim));
        if (g.toRouter()) {
          c.sendBytes(g.raw());
        } else {
          compare(g, c.next());
          compared++;
        }
      }
      for (TestClient c : clients.values()) {
        assertThat(c.quiet(100)).as("no extra answers").isTrue();
      }
    } finally {
      clients.values().forEach(TestClient::close);
    }
    assertThat(compared).isEqualTo(23);
  }

  private static void compare(GoldenPdu expected, TestClient.Received actual) throws Exception {
    byte[] raw = expected.raw();
    PduType type = PduType.fromByte2(raw[2] & 0xff);
    GdpName dst = GdpName.of(raw, 12);
    GdpName src = GdpName.of(raw, 44);
    String where = "PDU #" + expected.number();
    assertThat(actual.type()).as(where + " type").isEqualTo(type);
    assertThat(actual.dst()).as(where + " dst").isEqualTo(dst);
    assertThat(actual.src()).as(where + " src").isEqualTo(src);
    if (type != PduType.REGULAR) {
      return;
    }
    int hlen = (raw[1] & 0x3f) * 4;
    GdpMessage ref = GdpMessages.parse(Unpooled.wrappedBuffer(raw, hlen, raw.length - hlen));
    GdpMessage ours = actual.envelope().message();
    assertThat(ours.getCmd()).as(where + " code").isEqualTo(ref.getCmd());
    assertThat(ours.getRid()).as(where + " rid").isEqualTo(ref.getRid());
    assertThat(ours.hasRid()).as(where + " rid present").isEqualTo(ref.hasRid());
    if (ref.getCmd() == MsgCode.ACK_END_OF_RESULTS) {
      // intended: a real end-of-results body; the reference sends an empty ack_success here
      assertThat(ours.getAckEndOfResults().getEpStat()).isEqualTo(0x840C0507);
      assertThat(ours.getAckEndOfResults().getNresults()).isEqualTo(2);
      return;
    }
    assertThat(ours.getBodyCase()).as(where + " body").isEqualTo(ref.getBodyCase());
    if (ref.getCmd() == MsgCode.ACK_CONTENT) {
      assertThat(ours).as(where + " content").isEqualTo(ref);
      assertThat(ours.toByteArray()).as(where + " content bytes").isEqualTo(ref.toByteArray());
    }
    if (ref.hasAckSuccess()) {
      AckSuccess r = ref.getAckSuccess();
      AckSuccess o = ours.getAckSuccess();
      assertThat(o.hasRecno()).as(where + " recno present").isEqualTo(r.hasRecno() || o.hasTs());
      if (r.hasRecno()) {
        assertThat(o.getRecno()).as(where + " recno").isEqualTo(r.getRecno());
      }
      assertThat(o.hasTs()).isEqualTo(r.hasTs());
      assertThat(o.getTs()).as(where + " ts").isEqualTo(r.getTs());
      assertThat(o.getMetadata()).as(where + " metadata").isEqualTo(r.getMetadata());
      assertThat(o.hasHash()).isEqualTo(r.hasHash());
    }
  }
}
