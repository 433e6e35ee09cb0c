package org.gdpstore.sim;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.GdpPipeline;
import org.gdpstore.wire.Pdu;
import org.gdpstore.wire.PduHeader;
import org.gdpstore.wire.PduType;
import org.gdpstore.wire.WireLimits;
import org.gdpstore.wire.proto.GdpMessage;

/**
 * A minimal GDP principal for tests: connects to the simulator (in-process or TCP), advertises its
 * name, sends envelopes and queues what it receives. Received control PDUs are recorded as
 * {@link Received} entries (their buffers are released at once).
 */
final class TestClient implements AutoCloseable {
  /** What arrived: an envelope, or a control PDU (type + src + dst). */
  record Received(GdpEnvelope envelope, PduType type, GdpName src, GdpName dst, PduHeader header, byte[] payload) {
    Received(GdpEnvelope envelope, PduType type, GdpName src, GdpName dst) {
      this(envelope, type, src, dst, null, null);
    }

    boolean isNoRoute() {
      return type == PduType.NAK_NOROUTE;
    }
  }

  final GdpName name;
  final Channel channel;
  private final EventLoopGroup group;
  private final LinkedBlockingQueue<Received> sharedInbox;

  private TestClient(GdpName name, EventLoopGroup group, Channel channel, LinkedBlockingQueue<Received> inbox) {
    this.name = name;
    this.group = group;
    this.channel = channel;
    this.sharedInbox = inbox;
  }

  static TestClient local(GdpSimulator sim, String humanName) {
    return connect(sim.inProcessAddress(), humanName, true);
  }

  static TestClient tcp(GdpSimulator sim, String humanName) {
    return connect(sim.tcpAddress(), humanName, false);
  }

  static TestClient connect(SocketAddress address, String humanName, boolean local) {
    return connect(address, GdpName.sha256(humanName), local, true);
  }

  /** A client that does not advertise itself (it sends raw PDUs, advertisements included). */
  static TestClient raw(GdpSimulator sim) {
    return connect(sim.inProcessAddress(), GdpName.ZERO, true, false);
  }

  static TestClient connect(SocketAddress address, GdpName name, boolean local, boolean advertise) {
    return connect(address, name, local, advertise, false);
  }

  /**
   * A client whose pipeline stops at Layer 4: everything arrives as a {@link Received} with the
   * header and a copy of the payload.
   */
  static TestClient framingOnly(GdpSimulator sim, String humanName) {
    return connect(sim.inProcessAddress(), GdpName.sha256(humanName), true, true, true);
  }

  static TestClient connect(SocketAddress address, GdpName name, boolean local, boolean advertise, boolean l4) {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
        local ? LocalIoHandler.newFactory() : NioIoHandler.newFactory());
    LinkedBlockingQueue<Received> inbox = new LinkedBlockingQueue<>();
    Bootstrap b = new Bootstrap().group(group)
        .channel(local ? LocalChannel.class : NioSocketChannel.class)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            if (l4) {
              GdpPipeline.configureFraming(ch.pipeline(), WireLimits.DEFAULT);
            } else {
              GdpPipeline.configure(ch.pipeline(), WireLimits.DEFAULT);
            }
            ch.pipeline().addLast(new SimpleChannelInboundHandler<Object>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof GdpEnvelope env) {
                  inbox.add(new Received(env, PduType.REGULAR, env.src(), env.dst()));
                } else if (msg instanceof Pdu pdu) {
                  byte[] payload = new byte[pdu.content().readableBytes()];
                  pdu.content().getBytes(pdu.content().readerIndex(), payload);
                  inbox.add(new Received(null, pdu.type(), pdu.src(), pdu.dst(), pdu.header(), payload));
                }
              }

              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
              }
            });
          }
        });
    if (!local) {
      b.option(ChannelOption.TCP_NODELAY, true);
    }
    Channel ch;
    try {
      ch = b.connect(address).syncUninterruptibly().channel();
    } catch (RuntimeException e) {
      group.shutdownGracefully(20, 1000, TimeUnit.MILLISECONDS).syncUninterruptibly();
      throw e;
    }
    TestClient c = new TestClient(name, group, ch, inbox);
    if (advertise) {
      ch.writeAndFlush(Pdu.advertise(name, name)).syncUninterruptibly();
    }
    return c;
  }

  /** Sends a message to {@code dst}. */
  void send(GdpName dst, GdpMessage msg) {
    channel.writeAndFlush(new GdpEnvelope(dst, name, msg)).syncUninterruptibly();
  }

  /** Sends messages to {@code dst} with one flush, so that they travel (and are read) together. */
  void sendAll(GdpName dst, List<GdpMessage> msgs) {
    for (GdpMessage m : msgs) {
      channel.write(new GdpEnvelope(dst, name, m));
    }
    channel.flush();
  }

  /** Sends bytes as they are. */
  void sendBytes(byte[] bytes) {
    channel.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(bytes)).syncUninterruptibly();
  }

  /** Sends a raw PDU. */
  void sendPdu(Pdu pdu) {
    channel.writeAndFlush(pdu).syncUninterruptibly();
  }

  /** The next thing received, waiting up to 10 s; fails if nothing arrives. */
  Received next() {
    try {
      Received r = sharedInbox.poll(10, TimeUnit.SECONDS);
      if (r == null) {
        throw new AssertionError(name + ": nothing received within 10 s");
      }
      return r;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The next envelope (fails on a control PDU). */
  GdpEnvelope nextEnvelope() {
    Received r = next();
    if (r.envelope() == null) {
      throw new AssertionError(name + ": expected a message, got a " + r.type() + " PDU from " + r.src());
    }
    return r.envelope();
  }

  /** Sends and waits for the next message. */
  GdpMessage call(GdpName dst, GdpMessage msg) {
    send(dst, msg);
    return nextEnvelope().message();
  }

  /** The next thing received within {@code millis}, or null. */
  Received poll(long millis) {
    try {
      return sharedInbox.poll(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Whatever arrives within {@code millis}. */
  List<Received> drain(long millis) {
    List<Received> out = new ArrayList<>();
    try {
      Received r = sharedInbox.poll(millis, TimeUnit.MILLISECONDS);
      while (r != null) {
        out.add(r);
        r = sharedInbox.poll(millis, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return out;
  }

  /** True if nothing arrives within {@code millis}. */
  boolean quiet(long millis) {
    try {
      return sharedInbox.poll(millis, TimeUnit.MILLISECONDS) == null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  boolean isActive() {
    return channel.isActive();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(20, 1000, TimeUnit.MILLISECONDS).syncUninterruptibly();
  }
}
