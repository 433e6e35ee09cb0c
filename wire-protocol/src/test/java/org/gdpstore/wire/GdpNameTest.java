package org.gdpstore.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** 256-bit names: printable form, SHA-256 fallback, value semantics (spec 4). */
class GdpNameTest {
  @Test
  void printableFormRoundTrips() {
    Random r = new Random(42);
    for (int i = 0; i < 200; i++) {
      byte[] b = new byte[32];
      r.nextBytes(b);
      GdpName n = GdpName.of(b);
      String p = n.printable();
      assertThat(p).hasSize(43).matches("[A-Za-z0-9_-]{43}");
      assertThat(p).isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(b));
      assertThat(GdpName.isPrintableName(p)).isTrue();
      assertThat(GdpName.parse(p)).isEqualTo(n);
      assertThat(n.toString()).isEqualTo(p);
      assertThat(n.toBytes()).isEqualTo(b);
    }
  }

  @Test
  void knownNames() {
    // from the golden capture: SHA-256("local.test.gdplogd")
    GdpName logd = GdpName.sha256("local.test.gdplogd");
    assertThat(logd.printable()).isEqualTo("ueJyl4iUbYpq4iB2BUJvTt5OAjaWOzIonZ-9OWdj9lw");
    assertThat(logd.toHex()).startsWith("b9e27297");
    assertThat(GdpName.parseOrHash("local.test.gdplogd")).isEqualTo(logd);
    assertThat(GdpName.parseOrHash(logd.printable())).isEqualTo(logd);
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {
      "",
      "ueJyl4iUbYpq4iB2BUJvTt5OAjaWOzIonZ-9OWdj9l",     // 42 characters
      "ueJyl4iUbYpq4iB2BUJvTt5OAjaWOzIonZ-9OWdj9lww",   // 44 characters
      "ueJyl4iUbYpq4iB2BUJvTt5OAjaWOzIonZ+9OWdj9lw",    // standard, not URL-safe, alphabet
      "ueJyl4iUbYpq4iB2BUJvTt5OAjaWOzIonZ/9OWdj9lw",
      "ueJyl4iUbYpq4iB2BUJvTt5OAjaWOzIonZ-9OWdj9l=",    // padding
      "ueJyl4iUbYpq4iB2BUJvTt5OAjaWOzIonZ-9OWdj9lx",    // non-zero trailing bits: not canonical
      "ueJyl4iUbYpq4iB2BUJvTt5OAjaWOzIonZ-9OWdj9l ",
      "ueJyl4iUbYpq4iB2BUJvTt5OAjaWOzIonZ-9OWdj9lé",
      "local.test.gdplogd",
  })
  void invalidPrintableNamesAreRejected(String s) {
    assertThat(GdpName.isPrintableName(s)).isFalse();
    assertThatThrownBy(() -> GdpName.parse(s)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("43-character");
    // the lenient resolver hashes what is not a printable name
    assertThat(GdpName.parseOrHash(s)).isEqualTo(GdpName.sha256(s));
  }

  @Test
  void nullsAndWrongLengthsAreRejected() {
    assertThatThrownBy(() -> GdpName.parse(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> GdpName.of(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> GdpName.of(new byte[31])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GdpName.of(new byte[33])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GdpName.of(new byte[40], 9)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> GdpName.sha256((String) null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void valueSemantics() {
    byte[] b = new byte[32];
    b[0] = 1;
    GdpName n = GdpName.of(b);
    b[0] = 2; // the name copied its bytes
    assertThat(n.byteAt(0)).isEqualTo((byte) 1);
    n.toBytes()[0] = 3; // and hands out copies
    assertThat(n.byteAt(0)).isEqualTo((byte) 1);
    byte[] wide = new byte[40];
    wide[5] = 1;
    assertThat(GdpName.of(wide, 5)).isEqualTo(n).hasSameHashCodeAs(n);
    assertThat(n).isNotEqualTo(GdpName.ZERO).isNotEqualTo(null).isNotEqualTo(n.printable());
    assertThat(GdpName.ZERO.isZero()).isTrue();
    assertThat(n.isZero()).isFalse();
    byte[] out = new byte[34];
    n.copyTo(out, 2);
    assertThat(Arrays.copyOfRange(out, 2, 34)).isEqualTo(n.toBytes());
    // unsigned ordering
    byte[] high = new byte[32];
    high[0] = (byte) 0x80;
    assertThat(GdpName.of(high)).isGreaterThan(n);
    assertThat(n.compareTo(GdpName.of(n.toBytes()))).isZero();
    assertThat(GdpName.ZERO.toHex()).isEqualTo("0".repeat(64));
  }
}
