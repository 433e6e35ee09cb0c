package org.gdpstore.client;

import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Reconnect delays: exponential growth from a minimum to a maximum, optionally with seeded jitter
 * so that many clients do not reconnect in lock-step. Immutable configuration; {@link #delay(int)}
 * is thread-safe (the jitter source is synchronized).
 */
public final class Backoff {
  private final Duration min;
  private final Duration max;
  private final double jitter;
  private final long seed;
  private final SplittableRandom random;

  private Backoff(Duration min, Duration max, double jitter, long seed) {
    this.min = min;
    this.max = max;
    this.jitter = jitter;
    this.seed = seed;
    this.random = new SplittableRandom(seed);
  }

  /** Delays min, 2*min, 4*min, ... capped at max; no jitter. */
  public static Backoff exponential(Duration min, Duration max) {
    Objects.requireNonNull(min, "min");
    Objects.requireNonNull(max, "max");
    if (min.isNegative() || max.compareTo(min) < 0) {
      throw new IllegalArgumentException("need 0 <= min <= max, got " + min + ", " + max);
    }
    return new Backoff(min, max, 0, 0);
  }

  /** The same delay every time. */
  public static Backoff constant(Duration delay) {
    return exponential(delay, delay);
  }

  /** The default: 50 ms doubling up to 5 s, with half of each delay randomized. */
  public static Backoff defaults() {
    return exponential(Duration.ofMillis(50), Duration.ofSeconds(5)).withJitter(0.5, System.nanoTime());
  }

  /**
   * The same growth with jitter: a {@code fraction} (0..1) of each delay is replaced by a uniformly
   * random amount in [0, fraction * delay] drawn from a generator seeded with {@code seed}
   * (0.5 gives "equal jitter").
   */
  public Backoff withJitter(double fraction, long seed) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException("jitter fraction must be in [0, 1], got " + fraction);
    }
    return new Backoff(min, max, fraction, seed);
  }

  /** The delay before reconnect attempt {@code attempt} (1 = the first retry). */
  public Duration delay(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt starts at 1, got " + attempt);
    }
    long minNanos = min.toNanos();
    long maxNanos = max.toNanos();
    long base = minNanos;
    for (int i = 1; i < attempt && base < maxNanos; i++) {
      base = base > maxNanos / 2 ? maxNanos : base * 2;
    }
    base = Math.min(Math.max(base, minNanos), maxNanos);
    if (jitter == 0 || base == 0) {
      return Duration.ofNanos(base);
    }
    long fixed = (long) (base * (1 - jitter));
    long span = base - fixed;
    long r;
    synchronized (random) {
      r = span == 0 ? 0 : random.nextLong(span + 1);
    }
    return Duration.ofNanos(fixed + r);
  }

  @Override
  public String toString() {
    return "Backoff[" + min + ".." + max + ", jitter=" + jitter + ", seed=" + seed + "]";
  }
}
