package org.gdpstore.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.GdpPipeline;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.WireLimits;
import org.gdpstore.wire.proto.CmdAppend;
import org.gdpstore.wire.proto.CmdOpen;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpDatumList;
import org.gdpstore.wire.proto.GdpMessage;
import org.gdpstore.wire.proto.GdpSignature;
import org.gdpstore.wire.proto.GdpTimestamp;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * GDP v2 PDU encode and decode through the real codec handlers ({@link GdpPipeline#configure}:
 * {@code PduDecoder}, {@code PduEncoder}, {@code GdpMessageCodec}) on an {@link EmbeddedChannel},
 * so no socket or thread hand-off is involved. Run with {@code -prof gc} for bytes allocated per op.
 *
 * <ul>
 *   <li>{@code encode}: build the {@link GdpMessage} (as a client does per request; payload bytes are
 *       wrapped, not copied), serialize it and write the 76-byte header; the resulting buffers are
 *       released.
 *   <li>{@code decode}: feed the PDU's wire bytes and get back a {@link GdpEnvelope} with the parsed
 *       message.
 * </ul>
 *
 * Messages: an OPEN_AO command (small, bodiless), and APPENDs of one signed datum (recno, timestamp,
 * 32-byte prevhash, 64-byte signature) carrying 100 B, 4 KiB or 60 KiB of data.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PduCodecBenchmark {

  /** The message encoded and decoded. */
  public enum Message {
    OPEN(-1), APPEND_100B(100), APPEND_4KiB(4096), APPEND_60KiB(60 * 1024);

    final int dataLength;

    Message(int dataLength) {
      this.dataLength = dataLength;
    }
  }

  @Param({"OPEN", "APPEND_100B", "APPEND_4KiB", "APPEND_60KiB"})
  public Message message;

  private final GdpName logName = GdpName.sha256("bench-log");
  private final GdpName client = GdpName.sha256("bench-client");
  private ByteString data;
  private ByteString prevhash;
  private ByteString signature;
  private EmbeddedChannel channel;
  private ByteBuf wire;
  private int rid;
  private long recno;

  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom random = new SplittableRandom(42);
    data = UnsafeByteOperations.unsafeWrap(bytes(random, Math.max(message.dataLength, 0)));
    prevhash = UnsafeByteOperations.unsafeWrap(bytes(random, 32));
    signature = UnsafeByteOperations.unsafeWrap(bytes(random, 64));
    channel = new EmbeddedChannel();
    GdpPipeline.configure(channel.pipeline(), WireLimits.DEFAULT);
    // the wire bytes decode() feeds: encode one message through the same pipeline
    channel.writeOutbound(new GdpEnvelope(logName, client, build()));
    ByteBuf header = channel.readOutbound();
    wire = Unpooled.directBuffer();
    wire.writeBytes(header);
    header.release();
    ByteBuf payload;
    while ((payload = channel.readOutbound()) != null) {
      wire.writeBytes(payload);
      payload.release();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    wire.release();
    channel.finishAndReleaseAll();
  }

  private static byte[] bytes(SplittableRandom random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  /** The message a client would build for the next request. */
  private GdpMessage build() {
    GdpMessage.Builder m = GdpMessage.newBuilder().setRid(++rid);
    if (message == Message.OPEN) {
      return m.setCmd(MsgCode.CMD_OPEN_AO).setCmdOpen(CmdOpen.getDefaultInstance()).build();
    }
    long now = System.currentTimeMillis();
    GdpDatum datum = GdpDatum.newBuilder()
        .setRecno(++recno)
        .setTs(GdpTimestamp.newBuilder().setSec(now / 1000).setNsec((int) (now % 1000) * 1_000_000))
        .setPrevhash(prevhash)
        .setData(data)
        .setSig(GdpSignature.newBuilder().setSig(signature))
        .build();
    return m.setCmd(MsgCode.CMD_APPEND)
        .setCmdAppend(CmdAppend.newBuilder().setDl(GdpDatumList.newBuilder().addD(datum)))
        .build();
  }

  @Benchmark
  public void encode(Blackhole bh) {
    channel.writeOutbound(new GdpEnvelope(logName, client, build()));
    ByteBuf out;
    while ((out = channel.readOutbound()) != null) {
      bh.consume(out.readableBytes());
      out.release();
    }
  }

  @Benchmark
  public GdpEnvelope decode() {
    channel.writeInbound(wire.retainedDuplicate());
    GdpEnvelope env = channel.readInbound();
    if (env == null) {
      throw new IllegalStateException("the PDU did not decode");
    }
    return env;
  }
}
