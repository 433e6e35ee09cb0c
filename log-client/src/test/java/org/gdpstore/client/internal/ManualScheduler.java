package org.gdpstore.client.internal;

import java.util.PriorityQueue;

/** A scheduler whose time moves only when a test says so; due tasks run on the test's thread. */
final class ManualScheduler implements Scheduler {
  private record Task(long due, long seq, Runnable run, boolean[] cancelled) {}

  private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) -> a.due != b.due
      ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
  private long now = 1_000_000_000L;
  private long seq;

  @Override
  public long nanoTime() {
    return now;
  }

  @Override
  public Cancellable schedule(Runnable task, long delayNanos) {
    boolean[] cancelled = {false};
    tasks.add(new Task(now + delayNanos, seq++, task, cancelled));
    return () -> cancelled[0] = true;
  }

  /** Moves time forward, running every task that falls due on the way, in order. */
  void advanceNanos(long nanos) {
    long end = now + nanos;
    while (!tasks.isEmpty() && tasks.peek().due <= end) {
      Task t = tasks.poll();
      now = Math.max(now, t.due);
      if (!t.cancelled[0]) {
        t.run.run();
      }
    }
    now = end;
  }

  void advanceMillis(long millis) {
    advanceNanos(millis * 1_000_000L);
  }
}
