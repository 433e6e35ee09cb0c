package org.gdpstore.wire.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The trial runner runs every trial, reproducibly, and names the seed and trial of a failure. */
class TrialsTest {
  // These call run(seed, only, ...) directly, so -Dgdpstore.seed/-Dgdpstore.trial do not change them.

  @Test
  void runsEveryTrialWithAGeneratorThatDependsOnlyOnSeedAndIndex() {
    List<Long> first = new ArrayList<>();
    List<Integer> indexes = new ArrayList<>();
    Trials.run(42, null, 50, (r, i) -> {
      first.add(r.nextLong());
      indexes.add(i);
    });
    assertThat(indexes).hasSize(50).isSorted().startsWith(0).endsWith(49);
    assertThat(new HashSet<>(first)).as("distinct trial generators").hasSize(50);

    List<Long> again = new ArrayList<>();
    Trials.run(42, null, 50, (r, i) -> again.add(r.nextLong()));
    assertThat(again).isEqualTo(first);

    List<Long> other = new ArrayList<>();
    Trials.run(43, null, 50, (r, i) -> other.add(r.nextLong()));
    assertThat(other).doesNotContainAnyElementsOf(first);
  }

  @Test
  void aFailureNamesSeedAndTrialAndKeepsTheCause() {
    List<Integer> ran = new ArrayList<>();
    IllegalStateException boom = new IllegalStateException("boom");
    assertThatThrownBy(() -> Trials.run(7, null, 100, (r, i) -> {
      ran.add(i);
      if (i == 3) {
        throw boom;
      }
    }))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("trial 3 of 100")
        .hasMessageContaining("-Dgdpstore.seed=7 -Dgdpstore.trial=3")
        .hasMessageContaining("boom")
        .hasCause(boom);
    assertThat(ran).as("stops at the first failure").containsExactly(0, 1, 2, 3);
  }

  @Test
  void oneTrialCanBeReplayedAlone() {
    List<Long> all = new ArrayList<>();
    Trials.run(99, null, 20, (r, i) -> all.add(r.nextLong()));
    List<Integer> ran = new ArrayList<>();
    List<Long> alone = new ArrayList<>();
    Trials.run(99, 17, 20, (r, i) -> {
      ran.add(i);
      alone.add(r.nextLong());
    });
    assertThat(ran).containsExactly(17);
    assertThat(alone).containsExactly(all.get(17));
  }

  @Test
  void generatorsStayInRangeAndReachTheEdges() {
    Random r = new Random(1);
    boolean sawMin = false;
    boolean sawMax = false;
    for (int i = 0; i < 1000; i++) {
      int v = Trials.between(r, -3, 3000);
      assertThat(v).isBetween(-3, 3000);
      sawMin |= v == -3;
      sawMax |= v == 3000;
      assertThat(Trials.bytesUpTo(r, 5).length).isBetween(0, 5);
    }
    assertThat(sawMin && sawMax).isTrue();
    assertThat(Trials.bytes(r, 32)).hasSize(32);
  }
}
