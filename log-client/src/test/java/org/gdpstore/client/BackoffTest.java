package org.gdpstore.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.gdpstore.wire.testing.Trials;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void delaysStayWithinTheJitteredExponentialEnvelope() {
    Trials.run(4242, 1000, (random, i) -> {
      int attempt = 1 + random.nextInt(80);
      double jitter = random.nextInt(8) == 0 ? random.nextInt(2) : random.nextDouble();
      long seed = random.nextLong();
      long minMillis = 1 + random.nextInt(1000);
      Duration min = Duration.ofMillis(minMillis);
      Duration max = Duration.ofSeconds(5).plus(min);
      Backoff b = Backoff.exponential(min, max).withJitter(jitter, seed);
      long base = min.toNanos();
      for (int k = 1; k < attempt; k++) {
        base = Math.min(max.toNanos(), base * 2);
      }
      long d = b.delay(attempt).toNanos();
      assertThat(d).isLessThanOrEqualTo(base).isGreaterThanOrEqualTo((long) (base * (1 - jitter)) - 1);
    });
  }

  @Test
  void theSameSeedGivesTheSameDelays() {
    Trials.run(77, 200, (random, i) -> {
      long seed = random.nextLong();
      Backoff a = Backoff.exponential(Duration.ofMillis(10), Duration.ofSeconds(1)).withJitter(0.5, seed);
      Backoff b = Backoff.exponential(Duration.ofMillis(10), Duration.ofSeconds(1)).withJitter(0.5, seed);
      for (int k = 1; k < 10; k++) {
        assertThat(a.delay(k)).isEqualTo(b.delay(k));
      }
    });
  }

  @Test
  void badArgumentsAreRefused() {
    Trials.run(5, 20, (random, i) -> {
      int attempt = i == 0 ? 0 : -random.nextInt(Integer.MAX_VALUE);
      Backoff b = Backoff.constant(Duration.ofMillis(5));
      assertThatThrownBy(() -> b.delay(attempt)).isInstanceOf(IllegalArgumentException.class);
    });
    assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Backoff.constant(Duration.ofMillis(5)).withJitter(1.5, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
