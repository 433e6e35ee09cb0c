package org.gdpstore.fs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Keys order as their namespace and then {@link String#compareTo} say, whatever the packed prefix decides. */
class EntryKeyTest {
  private static final String ALPHABET = "\u0000\u0001/-09aAz~\u00e9\u00fe\u00ff\u0100\u6f22\ud83d\ude00";

  private static String randomName(Random rnd) {
    StringBuilder b = new StringBuilder();
    int n = rnd.nextInt(12);
    for (int i = 0; i < n; i++) {
      b.append(ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
    }
    return b.toString();
  }

  @Test
  void compareToAgreesWithStringOrderAndEquals() {
    Random rnd = new Random(11);
    List<String> names = new ArrayList<>(List.of("", "a", "a\u0000", "a\u0001", "abcdefgh", "abcdefghi", "abcdefgg\uffff",
        "\u00ff", "\u0100", "\u00fe\u00ff", "t12-3456", "t12-34567", "t12-3457"));
    for (int i = 0; i < 3000; i++) {
      names.add(randomName(rnd));
    }
    for (String a : names) {
      for (int j = 0; j < 40; j++) {
        String b = rnd.nextInt(4) == 0 ? a.substring(0, rnd.nextInt(a.length() + 1)) : names.get(rnd.nextInt(names.size()));
        for (boolean kvA : new boolean[] {false, true}) {
          EntryKey x = new EntryKey(kvA, a);
          EntryKey y = new EntryKey(kvA, b);
          assertThat(Integer.signum(x.compareTo(y))).as("%s vs %s", x, y).isEqualTo(Integer.signum(a.compareTo(b)));
          assertThat(x.equals(y)).isEqualTo(a.equals(b));
          assertThat(Integer.signum(new EntryKey(!kvA, a).compareTo(y))).isEqualTo(kvA ? -1 : 1);
        }
      }
    }
    assertThat(EntryKey.path("/a")).isEqualTo(EntryKey.path("/a")).hasSameHashCodeAs(EntryKey.path("/a"));
  }
}
