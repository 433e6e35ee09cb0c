package org.gdpstore.cli;

import java.util.Locale;

/** Human-readable byte counts (binary units: 1 KiB = 1024 B). */
final class Sizes {
  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

  private Sizes() {}

  /** {@code 0 B}, {@code 1023 B}, {@code 1.0 KiB}, {@code 12.3 MiB}, ... */
  static String human(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("negative size " + bytes);
    }
    if (bytes < 1024) {
      return bytes + " B";
    }
    int unit = 0;
    double value = bytes;
    while (value >= 1024 && unit < UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    // 1023.96 KiB would print as "1024.0 KiB": move to the next unit instead
    if (value >= 1023.95 && unit < UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
  }

  /** A rate such as {@code 12.3 MiB/s}; {@code -} if no time has passed. */
  static String rate(long bytes, long nanos) {
    if (nanos <= 0) {
      return "-";
    }
    return human((long) (bytes * 1e9 / nanos)) + "/s";
  }
}
