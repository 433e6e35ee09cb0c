package org.gdpstore.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Seeded random trials over the backoff's parameters. */
class BackoffTest {
  @Test
  void delaysStayWithinTheJitteredExponentialEnvelope() {
    SplittableRandom rnd = new SplittableRandom(20261122);
    for (int trial = 0; trial < 2000; trial++) {
      int attempt = 1 + rnd.nextInt(80);
      double jitter = rnd.nextDouble();
      long seed = rnd.nextLong();
      Duration min = Duration.ofMillis(1 + rnd.nextInt(1000));
      Duration max = Duration.ofSeconds(5).plus(min);
      Backoff b = Backoff.exponential(min, max).withJitter(jitter, seed);
      long base = min.toNanos();
      for (int i = 1; i < attempt; i++) {
        base = Math.min(max.toNanos(), base * 2);
      }
      long d = b.delay(attempt).toNanos();
      assertThat(d).as("trial %d", trial).isLessThanOrEqualTo(base)
          .isGreaterThanOrEqualTo((long) (base * (1 - jitter)) - 1);
    }
  }

  @Test
  void theSameSeedGivesTheSameDelays() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int trial = 0; trial < 100; trial++) {
      long seed = rnd.nextLong();
      Backoff a = Backoff.exponential(Duration.ofMillis(10), Duration.ofSeconds(1)).withJitter(0.5, seed);
      Backoff b = Backoff.exponential(Duration.ofMillis(10), Duration.ofSeconds(1)).withJitter(0.5, seed);
      for (int i = 1; i < 10; i++) {
        assertThat(a.delay(i)).isEqualTo(b.delay(i));
      }
    }
  }

  @Test
  void badArgumentsAreRefused() {
    Backoff b = Backoff.constant(Duration.ofMillis(5));
    assertThat(b.delay(3)).isEqualTo(Duration.ofMillis(5));
    assertThatThrownBy(() -> b.delay(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.withJitter(1.5, 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
