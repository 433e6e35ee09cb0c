package org.gdpstore.sim.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * Read batches of up to N messages on a {@code LocalChannel} that carries objects rather than
 * bytes. Netty's default handles stop a read after one message when no bytes were counted, which
 * would give every PDU its own {@code channelReadComplete} (and, in the log server, its own fsync).
 */
public final class MessageBatches implements RecvByteBufAllocator {
  private final int max;

  public MessageBatches(int maxMessagesPerRead) {
    this.max = maxMessagesPerRead;
  }

  @Override
  @SuppressWarnings("deprecation") // the interface still returns the deprecated Handle type
  public Handle newHandle() {
    return new ExtendedHandle() {
      private int count;
      private int lastBytes;
      private int attempted;

      @Override
      public ByteBuf allocate(ByteBufAllocator alloc) {
        return alloc.ioBuffer(guess());
      }

      @Override
      public int guess() {
        return 1024;
      }

      @Override
      public void reset(ChannelConfig config) {
        count = 0;
      }

      @Override
      public void incMessagesRead(int numMessages) {
        count += numMessages;
      }

      @Override
      public void lastBytesRead(int bytes) {
        lastBytes = bytes;
      }

      @Override
      public int lastBytesRead() {
        return lastBytes;
      }

      @Override
      public void attemptedBytesRead(int bytes) {
        attempted = bytes;
      }

      @Override
      public int attemptedBytesRead() {
        return attempted;
      }

      @Override
      public boolean continueReading() {
        return count < max;
      }

      @Override
      public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
        return count < max;
      }

      @Override
      public void readComplete() {
        // nothing adapts
      }
    };
  }
}
