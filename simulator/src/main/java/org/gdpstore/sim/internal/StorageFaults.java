package org.gdpstore.sim.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Injected storage failures (a full disk): while {@link #failWrites} is positive, each write to a
 * log file stores part of its bytes and then throws, like a write that hits ENOSPC. Thread-safe.
 */
public final class StorageFaults {
  private final AtomicInteger failWrites = new AtomicInteger();

  /** The next {@code n} writes fail. */
  public void failNextWrites(int n) {
    failWrites.set(n);
  }

  void beforeWrite() throws IOException {
    if (failWrites.get() > 0 && failWrites.getAndDecrement() > 0) {
      throw new IOException("No space left on device (injected)");
    }
  }

  void duringWrite(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    if (failWrites.get() > 0 && failWrites.getAndDecrement() > 0) {
      // a short write first, so the caller must really undo a half-written frame
      ByteBuffer half = buf.duplicate();
      half.limit(half.position() + Math.max(1, half.remaining() / 2));
      ch.write(half, pos);
      throw new IOException("No space left on device (injected)");
    }
  }
}
