package org.gdpstore.cli;

/**
 * Text from the store (file names, keys, values) made safe to print: a name with ESC, BEL or a
 * newline must not recolour the reader's terminal or pose as two entries. The one escaper of the
 * CLI: {@code ls}, {@code stat}, {@code log}, {@code put}, {@code get}, {@code kv scan} and error
 * messages all print through it.
 */
final class Names {
  private Names() {}

  /**
   * {@code s} with backslash and control characters escaped: {@code \n \t \r \\}, other C0
   * characters and DEL as {@code \xNN}, C1 characters as {@code \}{@code uNNNN}. Printable text,
   * including non-ASCII letters, is unchanged.
   */
  static String escape(String s) {
    if (!needsEscape(s)) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format("\\x%02x", (int) c));
          } else if (c >= 0x80 && c <= 0x9f) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.toString();
  }

  /** {@link #escape} of {@code o.toString()} (paths, names). */
  static String escape(Object o) {
    return escape(String.valueOf(o));
  }

  private static boolean needsEscape(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == '\\' || (c >= 0x7f && c <= 0x9f)) {
        return true;
      }
    }
    return false;
  }
}
