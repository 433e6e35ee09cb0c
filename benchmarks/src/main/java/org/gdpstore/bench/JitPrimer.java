package org.gdpstore.bench;

/**
 * Runs a benchmark's own operation for a while before JMH's warm-up, outside any measurement.
 *
 * <p>Why: an append pipeline keeps four threads busy (JMH, client loop, simulator loops) on a
 * 2-core machine, so the JIT compiler competes with the benchmark for CPU and the rate keeps
 * climbing for ~5-8 s; the quick run's single 1 s warm-up iteration would report a half-compiled
 * pipeline. Priming in the trial setup costs a few seconds per parameter combination instead of
 * longer warm-ups for every benchmark in the suite.
 */
final class JitPrimer {
  /** A step that may throw. */
  interface Step {
    void run() throws Exception;
  }

  private JitPrimer() {
  }

  /** Calls {@code setUp}, then {@code op} repeatedly for {@code millis}, then {@code tearDown}. */
  static void prime(long millis, Step setUp, Step op, Step tearDown) throws Exception {
    setUp.run();
    try {
      long end = System.nanoTime() + millis * 1_000_000;
      while (System.nanoTime() < end) {
        for (int i = 0; i < 64; i++) {
          op.run();
        }
      }
    } finally {
      tearDown.run();
    }
  }
}
