package org.gdpstore.wire;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.SocketAddress;

/**
 * The one rule for reaching a GDP peer: a {@link LocalAddress} means Netty local channels inside
 * this JVM (which need a local I/O handler in Netty 4.2), anything else means NIO TCP.
 */
public final class Transports {
  private Transports() {}

  /** True if {@code address} is reached in-process (a Netty {@link LocalAddress}). */
  public static boolean inProcess(SocketAddress address) {
    return address instanceof LocalAddress;
  }

  /** The I/O handler an event loop needs to drive channels to {@code address}. */
  public static IoHandlerFactory ioHandlerFactory(SocketAddress address) {
    return inProcess(address) ? LocalIoHandler.newFactory() : NioIoHandler.newFactory();
  }

  /** The client channel type that connects to {@code address}. */
  public static Class<? extends Channel> clientChannel(SocketAddress address) {
    return inProcess(address) ? LocalChannel.class : NioSocketChannel.class;
  }

  /**
   * Installs, first in {@code pipeline}, the guard that keeps a flush issued while the channel is
   * already flushing from being lost (see {@code ReentrantFlushGuard}): every pipeline of a local
   * channel needs it, since local peers on one event loop read and answer on the writer's stack.
   * Harmless on TCP channels.
   */
  public static void guardNestedFlushes(ChannelPipeline pipeline) {
    pipeline.addFirst("gdp-flush-guard", new ReentrantFlushGuard());
  }
}
