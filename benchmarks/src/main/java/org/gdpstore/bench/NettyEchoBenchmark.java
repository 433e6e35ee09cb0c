package org.gdpstore.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Reference point: a Netty loopback TCP echo round trip of a 100-byte frame (4-byte length prefix),
 * one in flight, issued by the benchmark thread and awaited on a semaphore: the floor under any
 * request/response over loopback on this machine. Server and client each run one NIO event loop
 * in this JVM, TCP_NODELAY on. The server echoes each frame and flushes once per read batch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class NettyEchoBenchmark {
  private EventLoopGroup serverGroup;
  private EventLoopGroup clientGroup;
  private Channel server;
  private Channel client;
  private ByteBuf request;
  private final Semaphore responses = new Semaphore(0);

  @Setup
  public void setUp() throws InterruptedException {
    serverGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    clientGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    server = new ServerBootstrap().group(serverGroup).channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(framed(() -> new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
          }

          @Override
          public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
          }
        }))
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    client = new Bootstrap().group(clientGroup).channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(framed(() -> new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            responses.release();
          }
        }))
        .connect(server.localAddress()).sync().channel();
    request = Unpooled.directBuffer(104).writeInt(100).writeZero(100);
  }

  /** A pipeline that splits the stream into length-prefixed frames, then hands them to a fresh {@code handler}. */
  private static ChannelInitializer<SocketChannel> framed(Supplier<ChannelHandler> handler) {
    return new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(1 << 16, 0, 4, 0, 0), handler.get());
      }
    };
  }

  @TearDown
  public void tearDown() throws InterruptedException {
    client.close().sync();
    server.close().sync();
    clientGroup.shutdownGracefully(20, 1000, TimeUnit.MILLISECONDS).sync();
    serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    request.release();
  }

  /** One 100-byte request and its echo. */
  @Benchmark
  public void roundTrip100B() throws InterruptedException {
    client.writeAndFlush(request.retainedDuplicate());
    responses.acquire();
  }
}
