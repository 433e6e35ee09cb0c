package org.gdpstore.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Local channels on one event loop read and answer on the writer's stack: a client writes "ask-1"
 * and flushes; inside that flush the server reads it and answers; inside the server's flush the
 * client reads the answer and sends "ask-2" at once. Netty ignores that nested flush of the client
 * (it is still in its write loop), so without {@link Transports#guardNestedFlushes} "ask-2" never
 * reaches the server (the simulator lost reads this way until a client re-sent them).
 */
class NestedFlushTest {

  @Test
  void aFlushIssuedWhileTheChannelIsFlushingIsNotLost() throws Exception {
    assertThat(secondAskArrives(true)).isEqualTo("ask-2");
  }

  @Test
  void withoutTheGuardNettyDropsTheNestedFlush() throws Exception {
    // documents why the guard exists: if Netty ever stops dropping it, this fails and the guard can go
    assertThat(secondAskArrives(false)).isNull();
  }

  private static String secondAskArrives(boolean guarded) throws Exception {
    EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
    LinkedBlockingQueue<String> atServer = new LinkedBlockingQueue<>();
    LocalAddress address = new LocalAddress("nested-flush-" + guarded + "-" + System.nanoTime());
    try {
      Channel server = new ServerBootstrap().group(loop).channel(LocalServerChannel.class)
          .childHandler(pipeline(guarded, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
              atServer.add((String) msg);
              ctx.writeAndFlush("answer-to-" + msg);
            }
          })).bind(address).sync().channel();
      Channel client = new Bootstrap().group(loop).channel(LocalChannel.class)
          .handler(pipeline(guarded, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
              if (msg.equals("answer-to-ask-1")) {
                ctx.channel().writeAndFlush("ask-2"); // the next command, sent from the answer's callback
              }
            }
          })).connect(address).sync().channel();
      client.eventLoop().submit(() -> client.writeAndFlush("ask-1")).sync();
      assertThat(atServer.poll(5, TimeUnit.SECONDS)).isEqualTo("ask-1");
      String second = atServer.poll(guarded ? 5 : 1, TimeUnit.SECONDS);
      client.close().sync();
      server.close().sync();
      return second;
    } finally {
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  /** The guard (or not) first, then {@code handler}. */
  private static ChannelInitializer<Channel> pipeline(boolean guarded, ChannelInboundHandlerAdapter handler) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        if (guarded) {
          Transports.guardNestedFlushes(ch.pipeline());
        }
        ch.pipeline().addLast(handler);
      }
    };
  }
}
