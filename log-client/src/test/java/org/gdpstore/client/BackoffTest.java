package org.gdpstore.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class BackoffTest {
  @Property
  void delaysStayWithinTheJitteredExponentialEnvelope(@ForAll @IntRange(min = 1, max = 80) int attempt,
      @ForAll @DoubleRange(min = 0, max = 1) double jitter, @ForAll long seed,
      @ForAll @LongRange(min = 1, max = 1000) long minMillis) {
    Duration min = Duration.ofMillis(minMillis);
    Duration max = Duration.ofSeconds(5).plus(min);
    Backoff b = Backoff.exponential(min, max).withJitter(jitter, seed);
    long base = min.toNanos();
    for (int i = 1; i < attempt; i++) {
      base = Math.min(max.toNanos(), base * 2);
    }
    long d = b.delay(attempt).toNanos();
    assertThat(d).isLessThanOrEqualTo(base).isGreaterThanOrEqualTo((long) (base * (1 - jitter)) - 1);
  }

  @Property
  void theSameSeedGivesTheSameDelays(@ForAll long seed) {
    Backoff a = Backoff.exponential(Duration.ofMillis(10), Duration.ofSeconds(1)).withJitter(0.5, seed);
    Backoff b = Backoff.exponential(Duration.ofMillis(10), Duration.ofSeconds(1)).withJitter(0.5, seed);
    for (int i = 1; i < 10; i++) {
      assertThat(a.delay(i)).isEqualTo(b.delay(i));
    }
  }

  @Property(tries = 20)
  void badArgumentsAreRefused(@ForAll @IntRange(max = 0) int attempt) {
    Backoff b = Backoff.constant(Duration.ofMillis(5));
    assertThatThrownBy(() -> b.delay(attempt)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.withJitter(1.5, 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
