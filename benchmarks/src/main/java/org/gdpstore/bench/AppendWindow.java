package org.gdpstore.bench;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.gdpstore.client.LogWriter;

/**
 * Keeps at most {@code size} appends outstanding on a writer (a semaphore permit per append, given
 * back when it completes) and remembers the first failure. Thread-safe: completions run on the
 * client's network thread.
 */
final class AppendWindow {
  private final int size;
  private final Semaphore permits;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  AppendWindow(int size) {
    this.size = size;
    this.permits = new Semaphore(size);
  }

  /** Waits for a free slot, then starts appending {@code data}. */
  void append(LogWriter writer, byte[] data) throws InterruptedException {
    permits.acquire();
    writer.appendAsync(data).whenComplete((recno, err) -> {
      if (err != null) {
        failure.compareAndSet(null, err);
      }
      permits.release();
    });
  }

  /** Throws if an append has failed so far. */
  void check() {
    Throwable t = failure.get();
    if (t != null) {
      throw new IllegalStateException("an append failed", t);
    }
  }

  /** Waits (up to 60 s) until no append is in flight, then {@link #check()}s. */
  void drain() throws InterruptedException {
    if (!permits.tryAcquire(size, 60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("appends still in flight after 60 s");
    }
    check();
  }
}
