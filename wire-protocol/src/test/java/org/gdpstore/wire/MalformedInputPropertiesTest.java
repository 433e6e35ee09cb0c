package org.gdpstore.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.gdpstore.wire.TestChannels.ErrorRecorder;
import org.gdpstore.wire.TestChannels.Splitter;
import org.gdpstore.wire.proto.GdpMessage;
import org.gdpstore.wire.testing.GoldenVectors;
import org.gdpstore.wire.testing.GoldenVectors.GoldenPdu;
import org.gdpstore.wire.testing.Trials;
import org.junit.jupiter.api.Test;

/**
 * Properties over hostile input: random bytes and mutated golden streams only ever give valid
 * PDUs/messages or one clean typed error ({@link GdpCodecException}, which closes the connection;
 * {@link GdpMessageException}, which drops one PDU and keeps it). Never another exception type,
 * never a leak (the auto-detected {@code LeakCheck} extension); what framing delivers before an error
 * is exactly the start of the input. Seeded {@link Trials} keep CI deterministic.
 */
class MalformedInputPropertiesTest {
  private static final List<GoldenPdu> GOLDEN = GoldenVectors.all();
  private static final List<GoldenPdu> REGULAR = GOLDEN.stream().filter(g -> g.typeName().equals("REGULAR")).toList();

  /** Random bytes, often starting like a real header so the decoder gets past the first checks. */
  static byte[] randomStream(Random r) {
    byte[] b = new byte[r.nextInt(3) == 0 ? r.nextInt(80) : r.nextInt(1500)];
    r.nextBytes(b);
    if (b.length >= 12 && r.nextBoolean()) {
      b[0] = 4;
      b[1] = (byte) (r.nextBoolean() ? 0x13 : r.nextInt(64));
      b[2] = (byte) (r.nextInt(8) << 5);
      b[3] = (byte) r.nextInt(64);
      if (r.nextBoolean()) {
        b[10] = 0;
        b[11] = (byte) r.nextInt(256);
      }
    }
    return b;
  }

  /** A run of golden PDUs with a few mutations: bit flips, byte sets, inserts, deletes, truncation. */
  static byte[] mutate(Random r) {
    int from = r.nextInt(GOLDEN.size());
    int to = Math.min(GOLDEN.size(), from + 1 + r.nextInt(6));
    ByteArrayOutputStream s = new ByteArrayOutputStream();
    for (int i = from; i < to; i++) {
      s.writeBytes(GOLDEN.get(i).raw());
    }
    byte[] b = s.toByteArray();
    for (int m = 1 + r.nextInt(4); m > 0 && b.length > 0; m--) {
      int pos = r.nextInt(b.length);
      switch (r.nextInt(6)) {
        case 0 -> b[pos] ^= (byte) (1 << r.nextInt(8));
        case 1 -> b[pos] = (byte) r.nextInt(256);
        case 2 -> {
          byte[] ins = new byte[1 + r.nextInt(8)];
          r.nextBytes(ins);
          byte[] n = new byte[b.length + ins.length];
          System.arraycopy(b, 0, n, 0, pos);
          System.arraycopy(ins, 0, n, pos, ins.length);
          System.arraycopy(b, pos, n, pos + ins.length, b.length - pos);
          b = n;
        }
        case 3 -> {
          int len = Math.min(b.length - pos, 1 + r.nextInt(8));
          byte[] n = new byte[b.length - len];
          System.arraycopy(b, 0, n, 0, pos);
          System.arraycopy(b, pos + len, n, pos, b.length - pos - len);
          b = n;
        }
        case 4 -> b = Arrays.copyOf(b, pos);
        default -> b[pos] = (byte) (b[pos] + (r.nextBoolean() ? 1 : -1)); // off by one, e.g. a length
      }
    }
    return b;
  }

  /** A golden REGULAR PDU whose payload (only) is mutated; its header length field is kept right. */
  static byte[] mutatedPayload(Random r) {
    GoldenPdu g = REGULAR.get(r.nextInt(REGULAR.size()));
    byte[] p = g.payload();
    for (int m = 1 + r.nextInt(3); m > 0 && p.length > 0; m--) {
      int pos = r.nextInt(p.length);
      switch (r.nextInt(3)) {
        case 0 -> p[pos] ^= (byte) (1 << r.nextInt(8));
        case 1 -> p[pos] = (byte) r.nextInt(256);
        default -> p = Arrays.copyOf(p, pos);
      }
    }
    byte[] header = Arrays.copyOf(g.raw(), 76);
    header[10] = (byte) (p.length >>> 8);
    header[11] = (byte) p.length;
    byte[] pdu = Arrays.copyOf(header, 76 + p.length);
    System.arraycopy(p, 0, pdu, 76, p.length);
    return pdu;
  }

  /** Hostile input: a third random streams, two thirds mutated golden streams. */
  static byte[] hostile(Random r) {
    return r.nextInt(3) == 0 ? randomStream(r) : mutate(r);
  }

  @Test
  void framingDeliversAPrefixOfTheInputThenAtMostOneCodecError() {
    Trials.run(1234, 600, (r, trial) ->
        framingDeliversAPrefixOfTheInputThenAtMostOneCodecError(hostile(r), r.nextLong(), Trials.between(r, 1, 400)));
  }

  private static void framingDeliversAPrefixOfTheInputThenAtMostOneCodecError(byte[] input, long splitSeed, int maxPiece) {
    ErrorRecorder errors = new ErrorRecorder();
    EmbeddedChannel ch = TestChannels.framing(WireLimits.DEFAULT, errors);
    TestChannels.feed(ch, input, Splitter.random(splitSeed, maxPiece));
    boolean openBeforeFinish = ch.isOpen();
    List<Object> in = TestChannels.drainInbound(ch);
    ch.finish();
    in.addAll(TestChannels.drainInbound(ch));
    try {
      // every delivered PDU re-encodes to the next slice of the input
      int offset = 0;
      for (Object o : in) {
        assertThat(o).isInstanceOf(Pdu.class);
        ByteBuf wire = PduEncoder.encode(Unpooled.buffer().alloc(), (Pdu) o);
        try {
          byte[] w = new byte[wire.readableBytes()];
          wire.readBytes(w);
          assertThat(Arrays.copyOfRange(input, offset, Math.min(input.length, offset + w.length))).isEqualTo(w);
          offset += w.length;
        } finally {
          wire.release();
        }
      }
      assertThat(errors.errors).hasSizeLessThanOrEqualTo(1);
      assertThat(errors.errors).allSatisfy(e -> assertThat(e).isInstanceOf(GdpCodecException.class));
      if (errors.errors.isEmpty()) {
        assertThat(offset).as("no error: the whole input was delivered").isEqualTo(input.length);
      } else {
        GdpCodecException e = (GdpCodecException) errors.errors.get(0);
        assertThat(offset).isLessThan(input.length);
        if (e.reason() != GdpCodecException.Reason.TRUNCATED) {
          assertThat(openBeforeFinish).as("a bad frame closes the connection").isFalse();
        }
      }
    } finally {
      in.forEach(ReferenceCountUtil::release);
    }
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void fullPipelineYieldsOnlyValidObjectsOrTypedErrors() {
    Trials.run(5678, 600, (r, trial) ->
        fullPipelineYieldsOnlyValidObjectsOrTypedErrors(hostile(r), r.nextLong(), Trials.between(r, 1, 400)));
  }

  private static void fullPipelineYieldsOnlyValidObjectsOrTypedErrors(byte[] input, long splitSeed, int maxPiece) {
    ErrorRecorder errors = new ErrorRecorder();
    EmbeddedChannel ch = TestChannels.full(WireLimits.DEFAULT, errors);
    TestChannels.feed(ch, input, Splitter.random(splitSeed, maxPiece));
    List<Object> in = new ArrayList<>(TestChannels.drainInbound(ch));
    ch.finish();
    in.addAll(TestChannels.drainInbound(ch));
    try {
      for (Object o : in) {
        if (o instanceof Pdu p) {
          assertThat(p.type()).isNotEqualTo(PduType.REGULAR);
        } else {
          assertThat(o).isInstanceOf(GdpEnvelope.class);
          assertThat(((GdpEnvelope) o).message().isInitialized()).isTrue();
        }
      }
      assertThat(errors.errors).allSatisfy(e -> assertThat(e).isInstanceOfAny(GdpCodecException.class, GdpMessageException.class));
      assertThat(errors.errors.stream().filter(e -> e instanceof GdpCodecException).count()).isLessThanOrEqualTo(1);
      // nothing follows a framing error
      int codecError = -1;
      for (int i = 0; i < errors.errors.size(); i++) {
        if (errors.errors.get(i) instanceof GdpCodecException) {
          codecError = i;
        }
      }
      assertThat(codecError == -1 || codecError == errors.errors.size() - 1).isTrue();
    } finally {
      in.forEach(ReferenceCountUtil::release);
    }
  }

  @Test
  void mutatedMessagesAreDroppedWithAMessageErrorAndTheConnectionStays() {
    Trials.run(8765, 500, (r, trial) -> mutatedMessagesAreDroppedWithAMessageErrorAndTheConnectionStays(mutatedPayload(r)));
  }

  private static void mutatedMessagesAreDroppedWithAMessageErrorAndTheConnectionStays(byte[] pdu) {
    ErrorRecorder errors = new ErrorRecorder();
    EmbeddedChannel ch = TestChannels.full(WireLimits.DEFAULT, errors);
    byte[] close = PduDecoderTest.pduBytes(PduHeader.of(PduType.REGULAR, GdpName.ZERO, GdpName.ZERO), new byte[] {8, 0x46});
    ch.writeInbound(Unpooled.wrappedBuffer(pdu, close));
    List<Object> in = TestChannels.drainInbound(ch);
    if (errors.errors.isEmpty()) {
      assertThat(in).hasSize(2);
      // what parses is a valid message that survives re-serialization (the bytes need not be the
      // same: a mutation can leave a non-canonical varint or a repeated field, which protobuf normalizes)
      GdpMessage m = ((GdpEnvelope) in.get(0)).message();
      try {
        assertThat(GdpMessages.parse(m.toByteArray())).isEqualTo(m);
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
    } else {
      assertThat(errors.errors).singleElement().isInstanceOf(GdpMessageException.class);
      assertThat(in).as("the bad PDU is dropped").hasSize(1);
    }
    assertThat(((GdpEnvelope) in.get(in.size() - 1)).cmd()).isEqualTo(MsgCode.CMD_CLOSE);
    assertThat(ch.isOpen()).isTrue();
    assertThat(ch.finish()).isFalse();
  }
}
