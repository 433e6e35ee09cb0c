package org.gdpstore.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.GdpPipeline;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.Pdu;
import org.gdpstore.wire.WireLimits;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpMessage;
import org.gdpstore.wire.proto.GdpTimestamp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The simulator's own capacity over loopback TCP, driven by a client that runs entirely on its
 * event loop (it tops up its window and flushes once per read batch), so that the client's
 * thread hand-offs do not hide the server's limits. Not part of the normal test run: enable it with
 * {@code -Dgdpstore.perf=true}; figures go to standard output (surefire's output file). Timings
 * are not asserted (only that every answer was right).
 *
 * <pre>
 * mvn -o -q -pl simulator -am verify -Dgdpstore.perf=true -Dtest=SimulatorPerfTest -Dsurefire.failIfNoSpecifiedTests=false
 * cat simulator/target/surefire-reports/org.gdpstore.sim.SimulatorPerfTest-output.txt
 * </pre>
 */
@EnabledIfSystemProperty(named = "gdpstore.perf", matches = "true")
class SimulatorPerfTest {
  static final int WINDOW = Integer.getInteger("gdpstore.perf.window", 256);
  static final long MEASURE_MS = Long.getLong("gdpstore.perf.ms", 3000);
  static final int RANGE = 500;
  static final int RECORDS = 5000;

  @Test
  void appendsAndReads() throws Exception {
    for (boolean pack : new boolean[] {false, true}) {
      try (GdpSimulator sim = GdpSimulator.builder().loopbackTcp(0).packContent(pack).start()) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
          Driver d = new Driver(sim.serverName());
          Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
              .option(ChannelOption.TCP_NODELAY, true)
              .handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel c) {
                  GdpPipeline.configure(c.pipeline(), WireLimits.DEFAULT);
                  c.pipeline().addLast(d);
                }
              }).connect(sim.tcpAddress()).sync().channel();
          d.start(ch).get(10, TimeUnit.SECONDS);
          if (!pack) {
            for (int round = 0; round < 3; round++) {
              double rate = d.measure(ch, Mode.APPEND);
              System.out.printf("append 100 B, window %d, tcp: %,.0f appends/s%n", WINDOW, rate);
            }
          } else {
            d.fill(ch, RECORDS);
          }
          for (int round = 0; round < 3; round++) {
            double rate = d.measure(ch, Mode.READ);
            System.out.printf("readRange %d x 100 B, tcp, packContent=%s: %,.0f records/s%n", RANGE, pack, rate);
          }
          assertThat(d.failure).isNull();
          ch.close().sync();
        } finally {
          group.shutdownGracefully(20, 1000, TimeUnit.MILLISECONDS).sync();
        }
      }
    }
  }

  enum Mode { IDLE, APPEND, READ }

  /** All state is confined to the client's event loop. */
  static final class Driver extends ChannelInboundHandlerAdapter {
    final GdpName me;
    final GdpName server;
    final GdpName log;
    final LogMetadata md;
    final byte[] data = new byte[100];
    volatile GdpMessage failure;
    CompletableFuture<Void> ready;
    CompletableFuture<Double> done;
    Mode mode = Mode.IDLE;
    long recno;
    long acked;
    long outstanding;
    long counted;
    long fillTo;
    long readFrom = 1;
    long startNanos;
    long endNanos;
    int rid = 10;

    Driver(GdpName server) {
      byte[] n = new byte[GdpName.LENGTH];
      new SplittableRandom(3).nextBytes(n);
      this.me = GdpName.of(n);
      this.server = server;
      new SplittableRandom(4).nextBytes(data);
      this.md = LogMetadata.builder().put(LogMetadata.XID, "perf-" + System.nanoTime()).build();
      this.log = md.logName();
    }

    CompletableFuture<Void> start(Channel ch) {
      ready = new CompletableFuture<>();
      ch.eventLoop().execute(() -> {
        ch.write(Pdu.advertise(me, me));
        ch.writeAndFlush(new GdpEnvelope(server, me, Cmds.create(md).toBuilder().setRid(1).build()));
      });
      return ready;
    }

    double measure(Channel ch, Mode m) throws Exception {
      CompletableFuture<Double> f = new CompletableFuture<>();
      ch.eventLoop().execute(() -> {
        done = f;
        mode = m;
        counted = 0;
        startNanos = System.nanoTime();
        endNanos = startNanos + MEASURE_MS * 1_000_000;
        if (m == Mode.APPEND) {
          topUp(ch);
        } else {
          read(ch);
        }
        ch.flush();
      });
      return f.get(60, TimeUnit.SECONDS);
    }

    void fill(Channel ch, long n) throws Exception {
      CompletableFuture<Double> f = new CompletableFuture<>();
      ch.eventLoop().execute(() -> {
        done = f;
        mode = Mode.APPEND;
        fillTo = n;
        endNanos = Long.MAX_VALUE;
        topUp(ch);
        ch.flush();
      });
      f.get(60, TimeUnit.SECONDS);
    }

    private void topUp(Channel ch) {
      while (outstanding < WINDOW && (fillTo == 0 || recno < fillTo)) {
        recno++;
        outstanding++;
        GdpDatum d = GdpDatum.newBuilder().setRecno(recno).setTs(GdpTimestamp.newBuilder().setSec(1_700_000_000L + recno))
            .setData(ByteString.copyFrom(data)).build();
        ch.write(new GdpEnvelope(log, me, Cmds.append((int) recno, d)), ch.voidPromise());
      }
    }

    private void read(Channel ch) {
      if (readFrom + RANGE - 1 > recno) {
        readFrom = 1;
      }
      ch.write(new GdpEnvelope(log, me, Cmds.read(++rid, readFrom, RANGE)), ch.voidPromise());
      readFrom += RANGE;
    }

    private void finish(long now) {
      double rate = counted * 1e9 / (now - startNanos);
      mode = Mode.IDLE;
      done.complete(rate);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (!(msg instanceof GdpEnvelope env)) {
          return;
        }
        GdpMessage m = env.message();
        if (ready != null && !ready.isDone()) {
          if (m.getRid() == 2) {
            ready.complete(null);
          } else if (m.getRid() == 1 && m.getCmd() != MsgCode.ACK_CREATED) {
            ready.completeExceptionally(new IllegalStateException("create: " + m));
          } else if (m.getRid() == 1) {
            ctx.writeAndFlush(new GdpEnvelope(log, me, Cmds.open(MsgCode.CMD_OPEN_AO, 2)));
          }
          return;
        }
        switch (m.getCmd()) {
          case MsgCode.ACK_SUCCESS -> {
            outstanding--;
            acked++;
            counted++;
            if (mode == Mode.APPEND && fillTo > 0 && acked == fillTo) {
              fillTo = 0;
              mode = Mode.IDLE;
              done.complete(0.0);
            } else if (mode == Mode.APPEND && fillTo == 0 && outstanding == 0 && System.nanoTime() >= endNanos) {
              finish(System.nanoTime());
            }
          }
          case MsgCode.ACK_CONTENT -> counted += m.getAckContent().getDl().getDCount();
          case MsgCode.ACK_END_OF_RESULTS -> {
            long now = System.nanoTime();
            if (now >= endNanos) {
              finish(now);
            } else {
              read(ctx.channel());
            }
          }
          default -> {
            failure = m;
            if (done != null) {
              done.completeExceptionally(new IllegalStateException("answer " + m));
            }
          }
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (mode == Mode.APPEND && System.nanoTime() < endNanos) {
        topUp(ctx.channel());
      }
      ctx.flush();
    }
  }
}
