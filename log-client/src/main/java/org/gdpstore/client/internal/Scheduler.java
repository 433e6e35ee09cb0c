package org.gdpstore.client.internal;

import io.netty.channel.EventLoop;
import java.util.concurrent.TimeUnit;

/**
 * Time as the client's network-thread components see it: a ticker and delayed tasks. The client
 * uses its event loop; tests inject a manual one and move time forward without waiting. Tasks run
 * on the network thread (or the test's thread for a manual scheduler).
 */
interface Scheduler {
  /** A monotonic clock in nanoseconds (as {@link System#nanoTime()}). */
  long nanoTime();

  /** Runs {@code task} once after {@code delayNanos}. */
  Cancellable schedule(Runnable task, long delayNanos);

  /** Runs {@code task} every {@code periodNanos}, the first time after one period. */
  default Cancellable every(Runnable task, long periodNanos) {
    Repeating r = new Repeating(this, task, periodNanos);
    r.arm();
    return r;
  }

  /** A scheduled task that can still be called off. */
  interface Cancellable {
    void cancel();
  }

  /** The scheduler of a Netty event loop. */
  static Scheduler of(EventLoop loop) {
    return new Scheduler() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public Cancellable schedule(Runnable task, long delayNanos) {
        var f = loop.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
      }

      @Override
      public Cancellable every(Runnable task, long periodNanos) {
        var f = loop.scheduleAtFixedRate(task, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
      }
    };
  }

  /** {@link #every} for schedulers that only run one-shot tasks. */
  final class Repeating implements Cancellable {
    private final Scheduler scheduler;
    private final Runnable task;
    private final long period;
    private volatile boolean cancelled;
    private volatile Cancellable next;

    Repeating(Scheduler scheduler, Runnable task, long period) {
      this.scheduler = scheduler;
      this.task = task;
      this.period = period;
    }

    void arm() {
      next = scheduler.schedule(() -> {
        if (!cancelled) {
          task.run();
          arm();
        }
      }, period);
    }

    @Override
    public void cancel() {
      cancelled = true;
      Cancellable n = next;
      if (n != null) {
        n.cancel();
      }
    }
  }
}
