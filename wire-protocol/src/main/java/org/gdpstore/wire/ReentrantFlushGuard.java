package org.gdpstore.wire;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;

/**
 * Makes a flush that arrives while the same channel is still flushing take effect. Netty drops such
 * a flush (a channel does not re-enter its own write loop) and the messages written meanwhile wait,
 * marked flushed, until some later flush. With local channels on one event loop this happens: the
 * write loop hands the messages to the peer, which reads and answers on the same stack, and a
 * handler that reacts by writing to the first channel again (the simulator's router forwarding a
 * command that the answer un-parked, a client's callback sending the next read) loses its flush,
 * so the command sits unsent until the client re-sends it. Installed first in the pipeline, so
 * every flush passes it last: a nested flush is remembered and repeated once the outer one returned.
 */
final class ReentrantFlushGuard extends ChannelOutboundHandlerAdapter {
  private boolean flushing;
  private boolean again;

  @Override
  public void flush(ChannelHandlerContext ctx) {
    if (flushing) {
      again = true; // the outer flush is still in the channel's write loop: repeat it afterwards
      return;
    }
    flushing = true;
    try {
      do {
        again = false;
        ctx.flush();
      } while (again);
    } finally {
      flushing = false;
    }
  }
}
