package org.gdpstore.client;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.GdpPipeline;
import org.gdpstore.wire.Pdu;
import org.gdpstore.wire.PduType;
import org.gdpstore.wire.WireLimits;
import org.gdpstore.wire.proto.GdpMessage;

/**
 * A scripted peer standing in for router + log server on an in-process address: it records what
 * the client sends and answers through a test-supplied responder, so tests can play the
 * reference's exact (and quirky) answers.
 */
final class ScriptedRouter implements AutoCloseable {
  /** Answers one command; may write any number of PDUs to the channel. */
  interface Responder extends BiConsumer<GdpEnvelope, Channel> {}

  final LocalAddress address = new LocalAddress("scripted-" + UUID.randomUUID());
  final BlockingQueue<GdpEnvelope> commands = new LinkedBlockingQueue<>();
  final List<Pdu> controlHeaders = new CopyOnWriteArrayList<>();
  final List<Channel> connections = new CopyOnWriteArrayList<>();
  private final MultiThreadIoEventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
  private final Channel server;
  volatile Responder responder = (env, ch) -> {};

  ScriptedRouter() {
    server = new ServerBootstrap().group(group).channel(LocalServerChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            connections.add(ch);
            GdpPipeline.configure(ch.pipeline(), WireLimits.DEFAULT);
            ch.pipeline().addLast(new SimpleChannelInboundHandler<Object>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof GdpEnvelope env) {
                  commands.add(env);
                  responder.accept(env, ctx.channel());
                } else if (msg instanceof Pdu pdu) {
                  // keep the header only; the payload (empty for control PDUs) is released by the handler
                  controlHeaders.add(new Pdu(pdu.header(), io.netty.buffer.Unpooled.EMPTY_BUFFER));
                }
              }
            });
          }
        }).bind(address).syncUninterruptibly().channel();
  }

  /** The next command the client sent (skipping none), or null after the timeout. */
  GdpEnvelope next(int cmd) throws InterruptedException {
    return next(cmd, java.time.Duration.ofSeconds(20));
  }

  /** The next command {@code cmd} the client sent within {@code wait}, or null. */
  GdpEnvelope next(int cmd, java.time.Duration wait) throws InterruptedException {
    long end = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < end) {
      GdpEnvelope e = commands.poll(100, TimeUnit.MILLISECONDS);
      if (e != null && e.cmd() == cmd) {
        return e;
      }
    }
    return null;
  }

  /** Sends a reply to {@code cmd}: src/dst swapped, the message's rid replaced by the command's. */
  static void reply(Channel ch, GdpEnvelope cmd, GdpMessage response) {
    ch.writeAndFlush(new GdpEnvelope(cmd.src(), cmd.dst(), response.toBuilder().setRid(cmd.rid()).build()));
  }

  static void noRoute(Channel ch, GdpEnvelope cmd) {
    ch.writeAndFlush(Pdu.noRoute(cmd.src(), cmd.dst()));
  }

  /** Advertisements received so far (dst of each ADVERTISE header). */
  List<GdpName> advertised() {
    return controlHeaders.stream().filter(p -> p.type() == PduType.ADVERTISE).map(Pdu::dst).toList();
  }

  void dropConnections() {
    for (Channel c : connections) {
      c.close().syncUninterruptibly();
    }
    connections.clear();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    dropConnections();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    controlHeaders.forEach(ReferenceCountUtil::release);
  }
}
