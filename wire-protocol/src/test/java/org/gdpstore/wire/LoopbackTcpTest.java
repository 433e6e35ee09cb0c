package org.gdpstore.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.gdpstore.wire.testing.GoldenVectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pipeline on a real loopback TCP connection (NIO transport, pooled direct buffers): a server
 * that writes every decoded object straight back must return the captured session byte for byte.
 */
class LoopbackTcpTest {
  private EventLoopGroup group;
  private Channel server;
  private final List<Throwable> serverErrors = new CopyOnWriteArrayList<>();
  private final List<Object> kinds = new CopyOnWriteArrayList<>();
  private final CountDownLatch closed = new CountDownLatch(1);

  @BeforeEach
  void start() throws InterruptedException {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            GdpPipeline.configure(ch.pipeline(), WireLimits.DEFAULT);
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                kinds.add(msg.getClass());
                ctx.write(msg); // ownership passes to the write
              }

              @Override
              public void channelReadComplete(ChannelHandlerContext ctx) {
                ctx.flush();
              }

              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                serverErrors.add(cause);
              }

              @Override
              public void channelInactive(ChannelHandlerContext ctx) {
                closed.countDown();
              }
            });
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
  }

  @AfterEach
  void stop() throws InterruptedException {
    server.close().sync();
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
  }

  @Test
  void echoOfTheCapturedSessionIsByteIdentical() throws Exception {
    byte[] session = GoldenVectors.concatenated();
    byte[] echoed = new byte[session.length];
    try (Socket s = new Socket()) {
      s.connect(server.localAddress());
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      // odd-sized writes so PDUs straddle TCP segments
      for (int off = 0; off < session.length; off += 333) {
        out.write(session, off, Math.min(333, session.length - off));
      }
      out.flush();
      new DataInputStream(s.getInputStream()).readFully(echoed);
    }
    assertThat(echoed).isEqualTo(session);
    assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(serverErrors).isEmpty();
    assertThat(kinds).hasSize(GoldenVectors.COUNT).contains(GdpEnvelope.class, Pdu.class);
  }

  @Test
  void aBadFrameClosesTheConnectionWithOneTypedError() throws Exception {
    byte[] good = GoldenVectors.all().get(10).raw();
    byte[] bad = good.clone();
    bad[0] = 5;
    try (Socket s = new Socket()) {
      s.connect(server.localAddress());
      s.setSoTimeout(20_000);
      s.getOutputStream().write(good);
      s.getOutputStream().write(bad);
      s.getOutputStream().write(good);
      s.getOutputStream().flush();
      byte[] echoed = new DataInputStream(s.getInputStream()).readAllBytes(); // returns at the server's close
      assertThat(echoed).isEqualTo(good);
    }
    assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(serverErrors).singleElement().isInstanceOfSatisfying(GdpCodecException.class,
        e -> assertThat(e.reason()).isEqualTo(GdpCodecException.Reason.BAD_VERSION));
  }
}
