package org.gdpstore.wire.testing;

import java.util.Random;

/**
 * A tiny property-testing harness on plain JUnit 5: runs a check {@code count} times, each time with
 * its own {@link Random} derived from a fixed seed and the trial index, and turns a failure into an
 * {@link AssertionError} that names the seed and the trial, so it can be replayed alone:
 * <pre>{@code
 *   Trials.run(20261122, 200, (random, i) -> {
 *     byte[] input = randomInput(random);
 *     assertThat(parse(input)) ...;
 *   });
 * }</pre>
 * System properties (for exploration; CI uses the fixed seeds in the code):
 * <ul>
 *   <li>{@code -Dgdpstore.seed=N} replaces every default seed with N;</li>
 *   <li>{@code -Dgdpstore.trial=I} runs only trial I (with the same seed, it sees the same input as
 *       in the full run, because each trial's generator depends only on the seed and I).</li>
 * </ul>
 * There is no shrinking: generators should keep inputs small enough to read in a failure message.
 * Runs on the calling thread; holds no state.
 */
public final class Trials {
  /** System property that replaces the default seed of every {@link #run} call. */
  public static final String SEED_PROPERTY = "gdpstore.seed";
  /** System property that restricts every {@link #run} call to one trial index. */
  public static final String TRIAL_PROPERTY = "gdpstore.trial";

  private Trials() {}

  /** One trial: check a property on inputs drawn from {@code random}. */
  @FunctionalInterface
  public interface Trial {
    void run(Random random, int index) throws Exception;
  }

  /**
   * Runs {@code trial} for indexes 0..count-1 and stops at the first failure.
   *
   * @param defaultSeed the seed used unless {@value #SEED_PROPERTY} is set
   * @throws AssertionError naming the seed, the trial and how to replay it, caused by the failure
   */
  public static void run(long defaultSeed, int count, Trial trial) {
    run(Long.getLong(SEED_PROPERTY, defaultSeed), Integer.getInteger(TRIAL_PROPERTY), count, trial);
  }

  /** {@link #run(long, int, Trial)} without the system properties: {@code only} null runs all. */
  static void run(long seed, Integer only, int count, Trial trial) {
    for (int i = 0; i < count; i++) {
      if (only != null && only != i) {
        continue;
      }
      try {
        trial.run(new Random(trialSeed(seed, i)), i);
      } catch (VirtualMachineError e) {
        throw e;
      } catch (Throwable t) {
        throw new AssertionError("trial " + i + " of " + count + " failed with seed " + seed
            + " (replay it alone: -D" + SEED_PROPERTY + "=" + seed + " -D" + TRIAL_PROPERTY + "=" + i + "): " + t, t);
      }
    }
  }

  /**
   * The seed of one trial's generator. Mixed (SplitMix64 finalizer) so that neighbouring trials do
   * not start from nearly equal {@link Random} states, whose first outputs are correlated.
   */
  private static long trialSeed(long seed, int index) {
    long z = seed + (index + 1L) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  // Small generators shared by the property tests. Random values alone rarely hit the boundaries,
  // so these pick an edge value now and then, as property-testing libraries do.

  /** An int in [min, max], one time in eight exactly min or max. */
  public static int between(Random r, int min, int max) {
    if (r.nextInt(8) == 0) {
      return r.nextBoolean() ? min : max;
    }
    return min + (int) (Math.floorMod(r.nextLong(), (long) max - min + 1));
  }

  /** Any int, one time in eight one of 0, 1, -1, MIN_VALUE, MAX_VALUE. */
  public static int anyInt(Random r) {
    if (r.nextInt(8) == 0) {
      return new int[] {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE}[r.nextInt(5)];
    }
    return r.nextInt();
  }

  /** Any long, one time in eight one of 0, 1, -1, MIN_VALUE, MAX_VALUE. */
  public static long anyLong(Random r) {
    if (r.nextInt(8) == 0) {
      return new long[] {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE}[r.nextInt(5)];
    }
    return r.nextLong();
  }

  /** {@code n} random bytes. */
  public static byte[] bytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  /** 0..maxSize random bytes (the size via {@link #between}, so empty and full arrays are common). */
  public static byte[] bytesUpTo(Random r, int maxSize) {
    return bytes(r, between(r, 0, maxSize));
  }
}
