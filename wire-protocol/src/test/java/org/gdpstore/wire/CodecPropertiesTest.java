package org.gdpstore.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.gdpstore.wire.TestChannels.ErrorRecorder;
import org.gdpstore.wire.TestChannels.Splitter;
import org.gdpstore.wire.proto.GdpMessage;
import org.gdpstore.wire.testing.Trials;
import org.junit.jupiter.api.Test;

/**
 * Properties: any valid PDU (every type, flags, TTL, sequence fields, header options, payloads up
 * to 65,535 bytes) and any valid GdpMessage round-trip through the pipeline byte for byte, however
 * the stream is cut into reads. Seeded {@link Trials} keep CI deterministic; the auto-detected
 * {@code LeakCheck} extension fails the class on a buffer leak.
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

  static GdpName name(Random r) {
    return r.nextInt(9) == 0 ? GdpName.ZERO : GdpName.of(Trials.bytes(r, 32));
  }

  /** Mostly no options; else 1..44 words of random option bytes. */
  static ByteBuffer options(Random r) {
    return r.nextInt(4) != 0 ? ByteBuffer.allocate(0) : ByteBuffer.wrap(Trials.bytes(r, 4 * Trials.between(r, 1, 44)));
  }

  static PduHeader header(Random r) {
    PduType[] types = PduType.values();
    return new PduHeader(types[r.nextInt(types.length)], new int[] {0, 0x08, 0x10, 0x18}[r.nextInt(4)],
        Trials.between(r, 0, 63), Trials.anyInt(r), Trials.between(r, 0, 0xffff), name(r), name(r), options(r));
  }

  /** Mostly small payloads, sometimes a few KiB, now and then close to the 65,535-byte maximum. */
  static byte[] payload(Random r) {
    int pick = r.nextInt(15);
    int size = pick < 12 ? Trials.between(r, 0, 300)
        : pick < 14 ? Trials.between(r, 0, 5000)
        : Trials.between(r, 65_000, PduHeader.MAX_PAYLOAD_LENGTH);
    return Trials.bytes(r, size);
  }

  static List<PduSpec> pdus(Random r) {
    List<PduSpec> pdus = new ArrayList<>();
    for (int n = Trials.between(r, 1, 6); n > 0; n--) {
      pdus.add(new PduSpec(header(r), payload(r)));
    }
    return pdus;
  }

  static List<GdpMessage> messages(Random r) {
    List<GdpMessage> messages = new ArrayList<>();
    for (int n = Trials.between(r, 1, 5); n > 0; n--) {
      messages.add(RandomMessages.message(r));
    }
    return messages;
  }

  @Test
  void randomPdusRoundTripThroughFraming() {
    Trials.run(20261122, 200, (r, trial) -> randomPdusRoundTripThroughFraming(pdus(r), r.nextLong(), Trials.between(r, 1, 3000)));
  }

  private static void randomPdusRoundTripThroughFraming(List<PduSpec> pdus, long splitSeed, int maxPiece) {
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

  @Test
  void randomMessagesRoundTripThroughTheFullPipeline() {
    Trials.run(4711, 250, (r, trial) -> randomMessagesRoundTripThroughTheFullPipeline(
        messages(r), name(r), name(r), r.nextLong(), Trials.between(r, 1, 800)));
  }

  private static void randomMessagesRoundTripThroughTheFullPipeline(List<GdpMessage> messages, GdpName dst,
      GdpName src, long splitSeed, int maxPiece) throws Exception {
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

  @Test
  void payloadLimitIsEnforcedExactly() {
    Trials.run(99, 200, (r, trial) -> {
      int limit = Trials.between(r, 0, 2000);
      // a third of the lengths sit right at the limit, where an off-by-one would show
      int length = r.nextInt(3) == 0 ? Math.max(0, limit + r.nextInt(3) - 1) : Trials.between(r, 0, 2000);
      payloadLimitIsEnforcedExactly(limit, length);
    });
  }

  private static void payloadLimitIsEnforcedExactly(int limit, int length) {
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

  @Test
  void metadataIsByteStable() {
    Trials.run(7, 100, (r, trial) -> metadataIsByteStable(Trials.between(r, 1, 12), r));
  }

  private static void metadataIsByteStable(int entries, Random r) {
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
