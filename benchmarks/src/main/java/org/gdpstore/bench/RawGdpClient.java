package org.gdpstore.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.gdpstore.wire.Transports;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.GdpPipeline;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.Pdu;
import org.gdpstore.wire.WireLimits;
import org.gdpstore.wire.proto.CmdAppend;
import org.gdpstore.wire.proto.CmdCreate;
import org.gdpstore.wire.proto.CmdOpen;
import org.gdpstore.wire.proto.CmdReadByRecno;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpDatumList;
import org.gdpstore.wire.proto.GdpMessage;
import org.gdpstore.wire.proto.GdpMetadata;
import org.gdpstore.wire.proto.GdpTimestamp;

/**
 * A bare GDP client for measuring the simulator itself, without the log-client's bookkeeping:
 * one Netty channel with the wire codec, ADVERTISE, CREATE/OPEN by rid, then raw APPEND and
 * READ_BY_RECNO messages whose answers go to a caller-supplied handler on the event loop. Only for
 * benchmarks; not thread-safe except for {@link #send} (and the methods that call it).
 */
final class RawGdpClient implements AutoCloseable {
  private final EventLoopGroup group;
  private final GdpName name;
  private final GdpName server;
  private final Channel channel;
  private final Map<Integer, CompletableFuture<GdpMessage>> control = new ConcurrentHashMap<>();
  private final Queue<GdpEnvelope> outbox = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private volatile Consumer<GdpMessage> handler = m -> { };
  private int rid = 1 << 20;

  RawGdpClient(SocketAddress router, GdpName server) throws InterruptedException {
    byte[] n = new byte[GdpName.LENGTH];
    new SecureRandom().nextBytes(n);
    this.name = GdpName.of(n);
    this.server = server;
    this.group = new MultiThreadIoEventLoopGroup(1, Transports.ioHandlerFactory(router));
    Bootstrap b = new Bootstrap().group(group)
        .channel(Transports.clientChannel(router))
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            Transports.guardNestedFlushes(ch.pipeline());
            GdpPipeline.configure(ch.pipeline(), WireLimits.DEFAULT);
            ch.pipeline().addLast(new SimpleChannelInboundHandler<Object>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof GdpEnvelope env) {
                  CompletableFuture<GdpMessage> f = control.remove(env.rid());
                  if (f != null) {
                    f.complete(env.message());
                  } else {
                    handler.accept(env.message());
                  }
                }
                // other PDUs (no-route ...) are released by SimpleChannelInboundHandler
              }
            });
          }
        });
    if (!Transports.inProcess(router)) {
      b.option(ChannelOption.TCP_NODELAY, true);
    }
    try {
      channel = b.connect(router).sync().channel();
      channel.writeAndFlush(Pdu.advertise(name, name)).sync();
    } catch (InterruptedException | RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** Where answers that are not to CREATE/OPEN go (called on the event loop). */
  void onMessage(Consumer<GdpMessage> h) {
    this.handler = h;
  }

  private GdpMessage call(GdpName dst, GdpMessage.Builder m) throws Exception {
    int id = ++rid;
    CompletableFuture<GdpMessage> f = new CompletableFuture<>();
    control.put(id, f);
    channel.writeAndFlush(new GdpEnvelope(dst, name, m.setRid(id).build()));
    GdpMessage reply = f.get(30, TimeUnit.SECONDS);
    if (!MsgCode.isAck(reply.getCmd())) {
      throw new IllegalStateException("request " + m.getCmd() + " answered with " + reply);
    }
    return reply;
  }

  /** Creates an unsigned log on the simulator's log server and opens it for appending. */
  GdpName createLog(String humanName) throws Exception {
    LogMetadata md = LogMetadata.builder().put(LogMetadata.XID, humanName)
        .put(LogMetadata.NON, Long.toString(System.nanoTime())).build();
    GdpName log = md.logName();
    call(server, GdpMessage.newBuilder().setCmd(MsgCode.CMD_CREATE).setCmdCreate(CmdCreate.newBuilder()
        .setMetadata(GdpMetadata.newBuilder().setData(ByteString.copyFrom(md.toBytes())))
        .setLogname(ByteString.copyFrom(log.toBytes()))));
    call(log, GdpMessage.newBuilder().setCmd(MsgCode.CMD_OPEN_AO).setCmdOpen(CmdOpen.getDefaultInstance()));
    return log;
  }

  /** Sends one unsigned APPEND of record {@code recno} (no flush when {@code flush} is false). */
  void append(GdpName log, long recno, byte[] data, boolean flush) {
    long now = System.currentTimeMillis();
    GdpDatum d = GdpDatum.newBuilder().setRecno(recno)
        .setTs(GdpTimestamp.newBuilder().setSec(now / 1000).setNsec((int) (now % 1000) * 1_000_000))
        .setData(UnsafeByteOperations.unsafeWrap(data)).build();
    GdpMessage m = GdpMessage.newBuilder().setCmd(MsgCode.CMD_APPEND).setRid((int) recno)
        .setCmdAppend(CmdAppend.newBuilder().setDl(GdpDatumList.newBuilder().addD(d))).build();
    send(log, m, flush);
  }

  /** Sends READ_BY_RECNO for {@code count} records from {@code from}. */
  void readRange(GdpName log, long from, int count) {
    send(log, GdpMessage.newBuilder().setCmd(MsgCode.CMD_READ_BY_RECNO).setRid(++rid)
        .setCmdReadByRecno(CmdReadByRecno.newBuilder().setRecno(from).setNrecs(count)).build(), true);
  }

  /**
   * Queues {@code m} for {@code dst}. Callers off the event loop do not write to the channel
   * themselves (that costs one event-loop task, one wake-up and, with a flush, one syscall per
   * message): messages go to a queue that one event-loop task drains, writing everything queued
   * and flushing once. {@code flush=false} only defers the drain until a later flushing send.
   */
  void send(GdpName dst, GdpMessage m, boolean flush) {
    outbox.add(new GdpEnvelope(dst, name, m));
    if (flush && drainScheduled.compareAndSet(false, true)) {
      channel.eventLoop().execute(this::drain);
    }
  }

  private void drain() {
    drainScheduled.set(false);
    // reset before draining: a message queued after the poll below schedules another drain
    GdpEnvelope env;
    while ((env = outbox.poll()) != null) {
      channel.write(env, channel.voidPromise());
    }
    channel.flush();
  }

  @Override
  public void close() throws InterruptedException {
    channel.close().sync();
    // quiet period: the simulator's side of an in-process channel posts a last task to our loop
    group.shutdownGracefully(20, 1000, TimeUnit.MILLISECONDS).sync();
  }
}
