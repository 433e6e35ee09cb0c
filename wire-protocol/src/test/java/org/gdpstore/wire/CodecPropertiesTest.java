package org.gdpstore.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import org.gdpstore.wire.TestChannels.ErrorRecorder;
import org.gdpstore.wire.TestChannels.Splitter;
import org.gdpstore.wire.proto.GdpMessage;
import org.gdpstore.wire.testing.LeakCheck;

/**
 * Properties: any valid PDU (every type, flags, TTL, sequence fields, header options, payloads up
 * to 65,535 bytes) and any valid GdpMessage round-trip through the pipeline byte for byte, however
 * the stream is cut into reads. Fixed seeds keep CI deterministic.
 */
class CodecPropertiesTest {
  /** A PDU to send: header plus payload octets. */
  record PduSpec(PduHeader header, byte[] payload) {
    byte[] wire() {
      ByteBuf buf = Unpooled.buffer();
      try {
        PduEncoder.writeHeader(buf, header, payload.length);
        buf.writeBytes(payload);
        byte[] a = new byte[buf.readableBytes()];
        buf.readBytes(a);
        return a;
      } finally {
        buf.release();
      }
    }

    @Override
    public String toString() {
      return header + " payload=" + payload.length + "B";
    }
  }

  @AfterContainer
  static void noLeaks() throws InterruptedException {
    LeakCheck.assertNoLeaks(CodecPropertiesTest.class.getSimpleName());
  }

  @Provide
  Arbitrary<GdpName> names() {
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(GdpName.ZERO)),
        Tuple.of(8, Arbitraries.bytes().array(byte[].class).ofSize(32).map(GdpName::of)));
  }

  @Provide
  Arbitrary<ByteBuffer> options() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.just(ByteBuffer.allocate(0))),
        Tuple.of(1, Arbitraries.integers().between(1, 44)
            .flatMap(words -> Arbitraries.bytes().array(byte[].class).ofSize(words * 4)).map(ByteBuffer::wrap)));
  }

  @Provide
  Arbitrary<PduHeader> headers() {
    return Combinators.combine(
        Arbitraries.of(PduType.class),
        Arbitraries.of(0, 0x08, 0x10, 0x18),
        Arbitraries.integers().between(0, 63),
        Arbitraries.integers(),
        Arbitraries.integers().between(0, 0xffff),
        names(),
        names(),
        options()).as(PduHeader::new);
  }

  @Provide
  Arbitrary<byte[]> payloads() {
    Arbitrary<Integer> sizes = Arbitraries.frequencyOf(
        Tuple.of(12, Arbitraries.integers().between(0, 300)),
        Tuple.of(2, Arbitraries.integers().between(0, 5000)),
        Tuple.of(1, Arbitraries.integers().between(65_000, PduHeader.MAX_PAYLOAD_LENGTH)));
    return sizes.flatMap(n -> Arbitraries.randomValue(r -> {
      byte[] b = new byte[n];
      r.nextBytes(b);
      return b;
    }));
  }

  @Provide
  Arbitrary<PduSpec> pdus() {
    return Combinators.combine(headers(), payloads()).as(PduSpec::new);
  }

  @Provide
  Arbitrary<List<PduSpec>> pduLists() {
    return pdus().list().ofMinSize(1).ofMaxSize(6);
  }

  @Provide
  Arbitrary<List<GdpMessage>> messageLists() {
    return Arbitraries.randomValue(RandomMessages::message).list().ofMinSize(1).ofMaxSize(5);
  }

  @Property(tries = 200, seed = "20261122")
  void randomPdusRoundTripThroughFraming(@ForAll("pduLists") List<PduSpec> pdus,
      @ForAll long splitSeed, @ForAll @IntRange(min = 1, max = 3000) int maxPiece) {
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    pdus.forEach(p -> stream.writeBytes(p.wire()));
    byte[] bytes = stream.toByteArray();

    ErrorRecorder errors = new ErrorRecorder();
    EmbeddedChannel ch = TestChannels.framing(WireLimits.DEFAULT, errors);
    // at most ~500 reads per stream: byte-sized reads of 64 KiB payloads would only cost time
    TestChannels.feed(ch, bytes, Splitter.random(splitSeed, Math.max(1, bytes.length / 500), maxPiece));
    List<Object> in = TestChannels.drainInbound(ch);
    try {
      assertThat(in).hasSize(pdus.size());
      for (int i = 0; i < in.size(); i++) {
        Pdu p = (Pdu) in.get(i);
        assertThat(p.header()).isEqualTo(pdus.get(i).header());
        byte[] payload = new byte[p.content().readableBytes()];
        p.content().getBytes(p.content().readerIndex(), payload);
        assertThat(payload).isEqualTo(pdus.get(i).payload());
      }
      for (Object o : in) {
        ch.write(ReferenceCountUtil.retain(o));
      }
      ch.flush();
      assertThat(TestChannels.drainOutbound(ch)).isEqualTo(bytes);
    } finally {
      in.forEach(ReferenceCountUtil::release);
    }
    assertThat(errors.errors).isEmpty();
    assertThat(ch.finish()).isFalse();
  }

  @Property(tries = 250, seed = "4711")
  void randomMessagesRoundTripThroughTheFullPipeline(@ForAll("messageLists") List<GdpMessage> messages,
      @ForAll("names") GdpName dst, @ForAll("names") GdpName src, @ForAll long splitSeed,
      @ForAll @IntRange(min = 1, max = 800) int maxPiece) throws Exception {
    ErrorRecorder errors = new ErrorRecorder();
    EmbeddedChannel ch = TestChannels.full(WireLimits.DEFAULT, errors);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    for (GdpMessage m : messages) {
      assertThat(GdpMessages.parse(m.toByteArray())).isEqualTo(m);
      expected.writeBytes(new PduSpec(PduHeader.of(PduType.REGULAR, dst, src), m.toByteArray()).wire());
      ch.writeOutbound(new GdpEnvelope(dst, src, m));
    }
    byte[] wire = TestChannels.drainOutbound(ch);
    assertThat(wire).isEqualTo(expected.toByteArray());

    TestChannels.feed(ch, wire, Splitter.random(splitSeed, maxPiece));
    List<Object> in = TestChannels.drainInbound(ch);
    assertThat(in).hasSize(messages.size());
    for (int i = 0; i < in.size(); i++) {
      GdpEnvelope env = (GdpEnvelope) in.get(i);
      assertThat(env).isEqualTo(new GdpEnvelope(dst, src, messages.get(i)));
      // byte-exact, including float bit patterns and field presence
      assertThat(env.message().toByteArray()).isEqualTo(messages.get(i).toByteArray());
    }
    assertThat(errors.errors).isEmpty();
    assertThat(ch.finish()).isFalse();
  }

  @Property(tries = 200, seed = "99")
  void payloadLimitIsEnforcedExactly(@ForAll @IntRange(min = 0, max = 2000) int limit,
      @ForAll @IntRange(min = 0, max = 2000) int length) {
    ErrorRecorder errors = new ErrorRecorder();
    EmbeddedChannel ch = TestChannels.framing(WireLimits.DEFAULT.withMaxPayloadLength(limit), errors);
    byte[] bytes = new PduSpec(PduHeader.of(PduType.REGULAR, GdpName.ZERO, GdpName.ZERO), new byte[length]).wire();
    ch.writeInbound(Unpooled.wrappedBuffer(bytes));
    Object o = ch.readInbound();
    if (length <= limit) {
      assertThat(o).isInstanceOf(Pdu.class);
      ReferenceCountUtil.release(o);
      assertThat(errors.errors).isEmpty();
      assertThat(ch.isOpen()).isTrue();
    } else {
      assertThat(o).isNull();
      assertThat(errors.errors).singleElement().isInstanceOfSatisfying(GdpCodecException.class,
          e -> assertThat(e.reason()).isEqualTo(GdpCodecException.Reason.PAYLOAD_TOO_LONG));
      assertThat(ch.isOpen()).isFalse();
    }
    assertThat(ch.finish()).isFalse();
  }

  @Property(tries = 100, seed = "7")
  void metadataIsByteStable(@ForAll @IntRange(min = 1, max = 12) int entries, @ForAll long seed) {
    Random r = new Random(seed);
    LogMetadata.Builder b = LogMetadata.builder();
    for (int i = 0; i < entries; i++) {
      int id = r.nextInt(4) == 0 ? LogMetadata.XID + i : 1 + r.nextInt(Integer.MAX_VALUE);
      byte[] v = new byte[r.nextInt(5) == 0 ? 0 : r.nextInt(200)];
      r.nextBytes(v);
      b.put(id, v);
    }
    LogMetadata md = b.build();
    byte[] bytes = md.toBytes();
    LogMetadata parsed = LogMetadata.parse(bytes);
    assertThat(parsed.toBytes()).isEqualTo(bytes);
    assertThat(parsed.entries()).isEqualTo(md.entries());
    assertThat(parsed.logName()).isEqualTo(GdpName.sha256(bytes));
  }
}
