package org.gdpstore.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.gdpstore.wire.GdpCodecException.Reason;
import org.gdpstore.wire.TestChannels.ErrorRecorder;
import org.gdpstore.wire.TestChannels.Splitter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Layer-4 framing: validation, the failure path, options, truncation. */
class PduDecoderTest {
  private static final GdpName A = GdpName.sha256("a");
  private static final GdpName B = GdpName.sha256("b");

  /** Records the size of every buffer the pipeline allocates. */
  static final class CountingAllocator extends AbstractByteBufAllocator {
    int largest;
    int count;

    CountingAllocator() {
      super(false);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
      record(initialCapacity);
      return new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
      record(initialCapacity);
      return new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity);
    }

    @Override
    public boolean isDirectBufferPooled() {
      return false;
    }

    private void record(int n) {
      count++;
      largest = Math.max(largest, n);
    }
  }

  static byte[] pduBytes(PduHeader h, byte[] payload) {
    ByteBuf buf = Unpooled.buffer();
    try {
      PduEncoder.writeHeader(buf, h, payload.length);
      buf.writeBytes(payload);
      byte[] a = new byte[buf.readableBytes()];
      buf.readBytes(a);
      return a;
    } finally {
      buf.release();
    }
  }

  static byte[] goodPdu(int payloadLength) {
    byte[] p = new byte[payloadLength];
    Arrays.fill(p, (byte) 0x5a);
    return pduBytes(PduHeader.of(PduType.REGULAR, A, B), p);
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int off = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, off, p.length);
      off += p.length;
    }
    return out;
  }

  @ParameterizedTest(name = "byte {0} = 0x{1} -> {2}")
  @CsvSource({
      "0, 03, BAD_VERSION",
      "0, 84, BAD_VERSION",
      "0, 00, BAD_VERSION",
      "0, ff, BAD_VERSION",
      "1, 12, BAD_HEADER_LENGTH",
      "1, 00, BAD_HEADER_LENGTH",
      "1, 53, RESERVED_BITS_SET",
      "1, 93, RESERVED_BITS_SET",
      "3, 4f, RESERVED_BITS_SET",
      "3, 8f, RESERVED_BITS_SET",
      "2, 01, BAD_ADDRESS_FORMAT",
      "2, 07, BAD_ADDRESS_FORMAT",
      "2, 44, BAD_ADDRESS_FORMAT",
  })
  void badHeaderFailsDiscardsAndCloses(int offset, String value, Reason reason) {
    byte[] bad = goodPdu(4);
    bad[offset] = (byte) Integer.parseInt(value, 16);
    // a good PDU before the bad one is delivered; the good one after it is discarded with the rest
    byte[] stream = concat(goodPdu(3), bad, goodPdu(5));
    ErrorRecorder errors = new ErrorRecorder();
    EmbeddedChannel ch = TestChannels.framing(WireLimits.DEFAULT, errors);
    ch.writeInbound(Unpooled.wrappedBuffer(stream));

    Pdu first = ch.readInbound();
    assertThat(first.content().readableBytes()).isEqualTo(3);
    first.release();
    assertThat(ch.inboundMessages()).isEmpty();
    assertThat(errors.errors).hasSize(1);
    assertThat(errors.errors.get(0)).isInstanceOfSatisfying(GdpCodecException.class,
        e -> assertThat(e.reason()).isEqualTo(reason));
    assertThat(ch.isOpen()).as("framing errors close the connection").isFalse();
    assertFalse(ch.finish());
    assertThat(errors.errors).as("one error, no storm").hasSize(1);
  }

  @Test
  void answersToGoodPdusBeforeABadOneAreFlushedBeforeTheClose() {
    ErrorRecorder errors = new ErrorRecorder();
    EmbeddedChannel ch = new EmbeddedChannel();
    GdpPipeline.configureFraming(ch.pipeline(), WireLimits.DEFAULT);
    // an echo handler that writes but leaves flushing to channelReadComplete, as servers do
    ch.pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
        ctx.write(msg);
      }

      @Override
      public void channelReadComplete(io.netty.channel.ChannelHandlerContext ctx) {
        ctx.flush();
      }
    });
    ch.pipeline().addLast(errors);
    byte[] bad = goodPdu(1);
    bad[0] = 9;
    ch.writeInbound(Unpooled.wrappedBuffer(concat(goodPdu(7), bad)));
    assertThat(TestChannels.drainOutbound(ch)).isEqualTo(goodPdu(7));
    assertThat(errors.errors).singleElement().isInstanceOf(GdpCodecException.class);
    assertThat(ch.isOpen()).isFalse();
    assertFalse(ch.finish());
  }

  @Test
  void badHeaderIsDetectedFromItsFirst76BytesAlone() {
    byte[] bad = goodPdu(1000);
    bad[0] = 5;
    ErrorRecorder errors = new ErrorRecorder();
    EmbeddedChannel ch = TestChannels.framing(WireLimits.DEFAULT, errors);
    ch.writeInbound(Unpooled.wrappedBuffer(bad, 0, 75));
    assertThat(errors.errors).isEmpty();
    assertThat(ch.isOpen()).isTrue();
    ch.writeInbound(Unpooled.wrappedBuffer(bad, 75, 1));
    assertThat(errors.errors).singleElement().isInstanceOf(GdpCodecException.class);
    assertThat(ch.isOpen()).isFalse();
    assertFalse(ch.finish());
  }

  @Test
  void payloadOverTheLimitFailsAtTheHeaderWithoutBufferingThePayload() {
    CountingAllocator alloc = new CountingAllocator();
    ErrorRecorder errors = new ErrorRecorder();
    EmbeddedChannel ch = TestChannels.framing(WireLimits.DEFAULT.withMaxPayloadLength(1000), errors);
    ch.config().setAllocator(alloc);
    byte[] announced = goodPdu(1001);
    // header arrives in pieces; the error comes as soon as the length field can be checked
    TestChannels.feed(ch, Arrays.copyOf(announced, 76), Splitter.random(7, 10));
    assertThat(errors.errors).singleElement().isInstanceOfSatisfying(GdpCodecException.class,
        e -> assertThat(e.reason()).isEqualTo(Reason.PAYLOAD_TOO_LONG));
    assertThat(alloc.largest).isLessThan(1001);
    assertThat(ch.isOpen()).isFalse();
    assertFalse(ch.finish());
  }

  @Test
  void payloadAtTheLimitIsAccepted() {
    ErrorRecorder errors = new ErrorRecorder();
    EmbeddedChannel ch = TestChannels.framing(WireLimits.DEFAULT.withMaxPayloadLength(1000), errors);
    ch.writeInbound(Unpooled.wrappedBuffer(goodPdu(1000)));
    Pdu p = ch.readInbound();
    assertThat(p.content().readableBytes()).isEqualTo(1000);
    p.release();
    assertThat(errors.errors).isEmpty();
    assertFalse(ch.finish());
  }

  @Test
  void announcedLengthIsNeverPreallocated() {
    CountingAllocator alloc = new CountingAllocator();
    ErrorRecorder errors = new ErrorRecorder();
    EmbeddedChannel ch = TestChannels.framing(WireLimits.DEFAULT, errors);
    ch.config().setAllocator(alloc);
    byte[] big = goodPdu(65535);
    // the header and a little payload: the decoder waits, holding only what arrived
    TestChannels.feed(ch, Arrays.copyOf(big, 200), Splitter.random(3, 30));
    assertThat(ch.inboundMessages()).isEmpty();
    assertThat(alloc.largest).isLessThan(1000);
    // the rest arrives: one PDU of 65,535 bytes
    ch.writeInbound(Unpooled.wrappedBuffer(big, 200, big.length - 200));
    Pdu p = ch.readInbound();
    assertThat(p.content().readableBytes()).isEqualTo(65535);
    p.release();
    assertThat(errors.errors).isEmpty();
    assertFalse(ch.finish());
  }

  @Test
  void headerLongerThanTheLimitFails() {
    ByteBuffer options = ByteBuffer.wrap(new byte[] {1, 2, 3, 4});
    byte[] withOptions = pduBytes(new PduHeader(PduType.REGULAR, 0, 15, 0, 0, A, B, options), new byte[2]);
    ErrorRecorder errors = new ErrorRecorder();
    EmbeddedChannel ch = TestChannels.framing(new WireLimits(65535, 76), errors);
    ch.writeInbound(Unpooled.wrappedBuffer(withOptions));
    assertThat(errors.errors).singleElement().isInstanceOfSatisfying(GdpCodecException.class,
        e -> assertThat(e.reason()).isEqualTo(Reason.HEADER_TOO_LONG));
    assertThat(ch.isOpen()).isFalse();
    assertFalse(ch.finish());
  }

  @Test
  void headerOptionsAndIgnoredFieldsAreKeptAndReencoded() {
    byte[] opt = new byte[172]; // 76 + 172 = 248, plus a payload
    for (int i = 0; i < opt.length; i++) {
      opt[i] = (byte) (i * 7);
    }
    PduHeader h = new PduHeader(PduType.REGULAR, 0x18, 63, 0xdeadbeef, 0xfffe, A, B, ByteBuffer.wrap(opt));
    byte[] bytes = pduBytes(h, new byte[] {9, 8, 7});
    assertThat(bytes[1]).isEqualTo((byte) 62); // 248 / 4
    ErrorRecorder errors = new ErrorRecorder();
    EmbeddedChannel ch = TestChannels.framing(WireLimits.DEFAULT, errors);
    TestChannels.feed(ch, concat(bytes, bytes), Splitter.bytewise());
    List<Object> in = TestChannels.drainInbound(ch);
    assertThat(in).hasSize(2);
    for (Object o : in) {
      Pdu p = (Pdu) o;
      assertThat(p.header()).isEqualTo(h);
      assertThat(p.header().options()).isEqualTo(ByteBuffer.wrap(opt));
      assertThat(p.header().headerLength()).isEqualTo(248);
      ch.writeOutbound(p);
      assertThat(TestChannels.drainOutbound(ch)).isEqualTo(bytes);
    }
    assertThat(errors.errors).isEmpty();
    assertFalse(ch.finish());
  }

  @Test
  void theMessageCodecSkipsHeaderOptionsOfRegularPdus() {
    PduHeader h = new PduHeader(PduType.REGULAR, 0, 3, 7, 0, A, B, ByteBuffer.wrap(new byte[8]));
    byte[] bytes = pduBytes(h, TestChannels.hex("08 46"));
    ErrorRecorder errors = new ErrorRecorder();
    EmbeddedChannel ch = TestChannels.full(WireLimits.DEFAULT, errors);
    ch.writeInbound(Unpooled.wrappedBuffer(bytes));
    GdpEnvelope env = ch.readInbound();
    assertThat(env.cmd()).isEqualTo(MsgCode.CMD_CLOSE);
    assertThat(env.dst()).isEqualTo(A);
    assertThat(env.src()).isEqualTo(B);
    // an envelope is written with the reference sender's header (spec 1.5)
    ch.writeOutbound(env);
    assertThat(TestChannels.drainOutbound(ch))
        .isEqualTo(pduBytes(PduHeader.of(PduType.REGULAR, A, B), TestChannels.hex("08 46")));
    assertThat(errors.errors).isEmpty();
    assertFalse(ch.finish());
  }

  @Test
  void truncatedPduAtCloseIsReported() {
    for (int cut : new int[] {1, 40, 75, 76, 80}) {
      ErrorRecorder errors = new ErrorRecorder();
      EmbeddedChannel ch = TestChannels.framing(WireLimits.DEFAULT, errors);
      byte[] stream = concat(goodPdu(10), Arrays.copyOf(goodPdu(10), cut));
      ch.writeInbound(Unpooled.wrappedBuffer(stream));
      Pdu whole = ch.readInbound();
      whole.release();
      assertFalse(ch.finish());
      assertThat(errors.errors).as("cut at %d", cut).singleElement()
          .isInstanceOfSatisfying(GdpCodecException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED));
    }
  }

  @Test
  void cleanCloseBetweenPdusIsNotAnError() {
    ErrorRecorder errors = new ErrorRecorder();
    EmbeddedChannel ch = TestChannels.framing(WireLimits.DEFAULT, errors);
    ch.writeInbound(Unpooled.wrappedBuffer(goodPdu(0)));
    Pdu p = ch.readInbound();
    p.release();
    assertFalse(ch.finish());
    assertThat(errors.errors).isEmpty();
  }

  @Test
  void everyPduTypePassesFramingAndControlTypesPassTheMessageCodec() {
    for (PduType t : PduType.values()) {
      byte[] bytes = pduBytes(PduHeader.of(t, A, B), t == PduType.REGULAR ? TestChannels.hex("08 46") : new byte[3]);
      ErrorRecorder errors = new ErrorRecorder();
      EmbeddedChannel ch = TestChannels.full(WireLimits.DEFAULT, errors);
      ch.writeInbound(Unpooled.wrappedBuffer(bytes));
      Object o = ch.readInbound();
      if (t == PduType.REGULAR) {
        assertThat(o).isInstanceOf(GdpEnvelope.class);
      } else {
        assertThat(o).isInstanceOfSatisfying(Pdu.class, p -> {
          assertThat(p.type()).isEqualTo(t);
          assertThat(p.content().readableBytes()).isEqualTo(3);
        });
        ch.writeOutbound(o);
        assertThat(TestChannels.drainOutbound(ch)).isEqualTo(bytes);
      }
      assertThat(errors.errors).isEmpty();
      assertFalse(ch.finish());
    }
  }

  @Test
  void headerValidation() {
    assertThat(PduType.fromByte2(0x40)).isEqualTo(PduType.ADVERTISE);
    assertThat(PduType.fromByte2(0xff)).isEqualTo(PduType.ACK_PACKET);
    assertThatThrownBy(() -> new PduHeader(PduType.REGULAR, 0x01, 15, 0, 0, A, B, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PduHeader(PduType.REGULAR, 0, 64, 0, 0, A, B, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PduHeader(PduType.REGULAR, 0, 15, 0, 65536, A, B, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PduHeader(PduType.REGULAR, 0, 15, 0, 0, A, B, ByteBuffer.allocate(3)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PduHeader(PduType.REGULAR, 0, 15, 0, 0, A, B, ByteBuffer.allocate(180)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new PduHeader(PduType.REGULAR, 0, 15, 0, 0, A, B, ByteBuffer.allocate(176)).headerLength())
        .isEqualTo(252);
    assertThatThrownBy(() -> new WireLimits(65536, 252)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new WireLimits(10, 72)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new WireLimits(10, 78)).isInstanceOf(IllegalArgumentException.class);
    // a header is a value: options are copied in and handed out as views
    byte[] opt = {1, 2, 3, 4};
    PduHeader h = new PduHeader(PduType.REGULAR, 0, 15, 0, 0, A, B, ByteBuffer.wrap(opt));
    opt[0] = 9;
    h.options().get();
    assertThat(h.options().get(0)).isEqualTo((byte) 1);
    assertThat(h.headerLength()).isEqualTo(80);
    assertThat(h.withTtl(3).ttl()).isEqualTo(3);
  }

  @Test
  void oversizedPayloadIsRefusedWithoutTakingOwnership() {
    ByteBuf big = Unpooled.buffer(65536).writeZero(65536);
    assertThatThrownBy(() -> Pdu.regular(A, B, big)).isInstanceOf(IllegalArgumentException.class);
    assertThat(big.refCnt()).isEqualTo(1);
    big.release();
  }

  @Test
  void pduEqualityIncludesTheHeader() {
    Pdu a = Pdu.advertise(A, B);
    Pdu w = Pdu.withdraw(A, B);
    assertThat(a).isNotEqualTo(w).isEqualTo(Pdu.advertise(A, B));
    assertThat(a.hashCode()).isEqualTo(Pdu.advertise(A, B).hashCode());
    ReferenceCountUtil.release(a);
    ReferenceCountUtil.release(w);
  }
}
