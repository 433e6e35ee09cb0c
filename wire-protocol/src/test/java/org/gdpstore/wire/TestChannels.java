package org.gdpstore.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Embedded channels with the GDP pipeline, an error recorder at the tail, and byte helpers. */
final class TestChannels {
  private TestChannels() {}

  /** Records every exception that reaches the end of the pipeline instead of letting it escape. */
  static final class ErrorRecorder extends ChannelInboundHandlerAdapter {
    final List<Throwable> errors = new ArrayList<>();

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      errors.add(cause);
    }
  }

  /** Layer 4 only ({@link GdpPipeline#configureFraming}). */
  static EmbeddedChannel framing(WireLimits limits, ErrorRecorder errors) {
    EmbeddedChannel ch = new EmbeddedChannel();
    GdpPipeline.configureFraming(ch.pipeline(), limits);
    ch.pipeline().addLast(errors);
    return ch;
  }

  /** Layers 4 and 5 ({@link GdpPipeline#configure}). */
  static EmbeddedChannel full(WireLimits limits, ErrorRecorder errors) {
    EmbeddedChannel ch = new EmbeddedChannel();
    GdpPipeline.configure(ch.pipeline(), limits);
    ch.pipeline().addLast(errors);
    return ch;
  }

  /** Feeds {@code bytes} in pieces whose sizes come from {@code splitter}. */
  static void feed(EmbeddedChannel ch, byte[] bytes, Splitter splitter) {
    int off = 0;
    while (off < bytes.length && ch.isOpen()) {
      int n = Math.min(bytes.length - off, Math.max(1, splitter.next()));
      ByteBuf buf = Unpooled.buffer(n);
      buf.writeBytes(bytes, off, n);
      ch.writeInbound(buf);
      off += n;
    }
  }

  /** How input is cut into reads. */
  interface Splitter {
    int next();

    static Splitter whole() {
      return () -> Integer.MAX_VALUE;
    }

    static Splitter bytewise() {
      return () -> 1;
    }

    /** Random cut sizes 1..maxPiece from a seeded generator. */
    static Splitter random(long seed, int maxPiece) {
      return random(seed, 1, maxPiece);
    }

    /** Random cut sizes minPiece..max(minPiece, maxPiece) from a seeded generator. */
    static Splitter random(long seed, int minPiece, int maxPiece) {
      Random r = new Random(seed);
      int span = Math.max(1, maxPiece - minPiece + 1);
      return () -> minPiece + r.nextInt(span);
    }
  }

  /** Concatenates and releases every outbound buffer. */
  static byte[] drainOutbound(EmbeddedChannel ch) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object o; (o = ch.readOutbound()) != null; ) {
      ByteBuf b = (ByteBuf) o;
      try {
        byte[] a = new byte[b.readableBytes()];
        b.readBytes(a);
        out.writeBytes(a);
      } finally {
        b.release();
      }
    }
    return out.toByteArray();
  }

  /** All inbound messages (the caller releases them). */
  static List<Object> drainInbound(EmbeddedChannel ch) {
    List<Object> in = new ArrayList<>();
    for (Object o; (o = ch.readInbound()) != null; ) {
      in.add(o);
    }
    return in;
  }

  static byte[] hex(String s) {
    return java.util.HexFormat.of().parseHex(s.replaceAll("\\s", ""));
  }
}
