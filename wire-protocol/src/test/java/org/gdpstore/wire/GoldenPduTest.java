package org.gdpstore.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.gdpstore.wire.TestChannels.ErrorRecorder;
import org.gdpstore.wire.TestChannels.Splitter;
import org.gdpstore.wire.proto.GdpMessage;
import org.gdpstore.wire.testing.GoldenVectors;
import org.gdpstore.wire.testing.GoldenVectors.GoldenPdu;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every PDU captured from the reference implementation decodes to what the capture says and
 * re-encodes to the same octets, through both pipelines, however the stream is cut into reads.
 */
class GoldenPduTest {
  private static final List<GoldenPdu> GOLDEN = GoldenVectors.all();

  static Stream<Arguments> feeds() {
    List<Arguments> a = new ArrayList<>();
    a.add(Arguments.of("whole", Splitter.whole()));
    a.add(Arguments.of("one byte at a time", Splitter.bytewise()));
    for (long seed = 1; seed <= 6; seed++) {
      a.add(Arguments.of("random splits, seed " + seed, Splitter.random(seed, seed % 2 == 0 ? 16 : 400)));
    }
    return a.stream();
  }

  @Test
  void captureHas99PdusWhoseTextAgreesWithTheirOctets() {
    assertThat(GOLDEN).hasSize(GoldenVectors.COUNT);
    for (int i = 0; i < GOLDEN.size(); i++) {
      GoldenPdu g = GOLDEN.get(i);
      assertThat(g.number()).isEqualTo(i + 1);
      assertThat(g.raw()).hasSize(g.headerLength() + g.payloadLength());
    }
    assertThat(GOLDEN.stream().map(GoldenPdu::typeName).distinct())
        .containsExactlyInAnyOrder("REGULAR", "ADVERTISE", "NAK_NOROUTE");
  }

  @ParameterizedTest(name = "framing only, {0}")
  @MethodSource("feeds")
  void framingDecodesAndReencodesEveryPdu(String label, Splitter splitter) {
    ErrorRecorder errors = new ErrorRecorder();
    EmbeddedChannel ch = TestChannels.framing(WireLimits.DEFAULT, errors);
    TestChannels.feed(ch, GoldenVectors.concatenated(), splitter);

    List<Object> in = TestChannels.drainInbound(ch);
    try {
      assertThat(in).hasSize(GOLDEN.size());
      for (int i = 0; i < in.size(); i++) {
        assertThat(in.get(i)).isInstanceOf(Pdu.class);
        assertPduMatches((Pdu) in.get(i), GOLDEN.get(i));
      }
      // re-encode one by one: each PDU gives its own octets back
      for (int i = 0; i < in.size(); i++) {
        ch.writeOutbound(((Pdu) in.get(i)).retain());
        assertThat(TestChannels.drainOutbound(ch)).as("PDU #%d re-encoded", i + 1).isEqualTo(GOLDEN.get(i).raw());
      }
    } finally {
      in.forEach(ReferenceCountUtil::release);
    }
    assertThat(errors.errors).isEmpty();
    assertFalse(ch.finish());
    assertThat(errors.errors).isEmpty();
  }

  @ParameterizedTest(name = "framing + L5, {0}")
  @MethodSource("feeds")
  void messageCodecDecodesAndReencodesEveryPdu(String label, Splitter splitter) throws Exception {
    ErrorRecorder errors = new ErrorRecorder();
    EmbeddedChannel ch = TestChannels.full(WireLimits.DEFAULT, errors);
    TestChannels.feed(ch, GoldenVectors.concatenated(), splitter);

    List<Object> in = TestChannels.drainInbound(ch);
    assertThat(in).hasSize(GOLDEN.size());
    for (int i = 0; i < in.size(); i++) {
      GoldenPdu g = GOLDEN.get(i);
      Object o = in.get(i);
      if (g.typeName().equals("REGULAR")) {
        assertThat(o).as("PDU #%d", g.number()).isInstanceOf(GdpEnvelope.class);
        assertEnvelopeMatches((GdpEnvelope) o, g);
      } else {
        assertThat(o).as("PDU #%d", g.number()).isInstanceOf(Pdu.class);
        assertPduMatches((Pdu) o, g);
      }
    }
    // write everything back in one go: the outbound stream is the captured stream
    for (Object o : in) {
      ch.write(o);
    }
    ch.flush();
    assertThat(TestChannels.drainOutbound(ch)).isEqualTo(GoldenVectors.concatenated());
    assertThat(errors.errors).isEmpty();
    assertFalse(ch.finish());
  }

  @Test
  void everyRegularPayloadParsesAndReserializesByteForByte() throws Exception {
    for (GoldenPdu g : GOLDEN) {
      if (!g.typeName().equals("REGULAR")) {
        assertThat(g.payloadLength()).isZero();
        continue;
      }
      GdpMessage m = GdpMessages.parse(g.payload());
      assertThat(m.toByteArray()).as("PDU #%d", g.number()).isEqualTo(g.payload());
      assertThat(m.getUnknownFields().asMap()).as("PDU #%d has no unknown fields", g.number()).isEmpty();
    }
  }

  private static void assertPduMatches(Pdu pdu, GoldenPdu g) {
    PduHeader h = pdu.header();
    assertThat(PduHeader.VERSION).isEqualTo(g.version());
    assertThat(h.headerLength()).isEqualTo(g.headerLength());
    assertThat(h.type().bits() | h.flags()).isEqualTo(g.byte2());
    assertThat(h.type().name()).isEqualTo(g.typeName());
    assertThat(h.ttl()).isEqualTo(g.ttl());
    assertThat(h.seqField()).isEqualTo(g.seqField());
    assertThat(h.fragmentLength()).isEqualTo(g.fragmentLength());
    assertThat(pdu.content().readableBytes()).isEqualTo(g.payloadLength());
    assertThat(pdu.dst()).isEqualTo(GdpName.parse(g.dst()));
    assertThat(pdu.src()).isEqualTo(GdpName.parse(g.src()));
    assertThat(pdu.wireLength()).isEqualTo(g.raw().length);
    if (h.type() == PduType.ADVERTISE) {
      assertThat(g.annotation()).contains("name=" + g.dst());
    }
    ByteBuf payload = pdu.content();
    byte[] p = new byte[payload.readableBytes()];
    payload.getBytes(payload.readerIndex(), p);
    assertThat(p).isEqualTo(g.payload());
  }

  private static void assertEnvelopeMatches(GdpEnvelope env, GoldenPdu g) {
    assertThat(env.dst()).isEqualTo(GdpName.parse(g.dst()));
    assertThat(env.src()).isEqualTo(GdpName.parse(g.src()));
    assertThat(MsgCode.name(env.cmd())).isEqualTo(g.cmdName());
    assertThat(g.annotation()).startsWith("REGULAR " + g.cmdName());
    assertThat(env.rid()).isEqualTo(g.rid().orElse(0));
    assertThat(env.message().hasRid()).isEqualTo(g.rid().isPresent());
    String body = g.bodyName();
    assertThat(env.message().getBodyCase().name().toLowerCase(Locale.ROOT))
        .isEqualTo(body == null ? "body_not_set" : body);
    assertThat(env.message().toByteArray()).isEqualTo(g.payload());
    assertThat(env.message().getSerializedSize()).isEqualTo(g.payloadLength());
  }
}
