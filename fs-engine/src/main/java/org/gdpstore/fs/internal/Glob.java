package org.gdpstore.fs.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * TensorFlow's GetMatchingPaths grammar, matched per path component: {@code *} (any run of
 * characters), {@code ?} (one character), {@code [abc]}, {@code [a-z]}, {@code [^...]} or
 * {@code [!...]} (one character in / not in the class), and {@code \} escaping the next character.
 * None of them ever matches {@code /}. The whole component must match. Stateless.
 */
public final class Glob {
  private Glob() {}

  /** Whether {@code s} contains an unescaped wildcard. */
  public static boolean hasWildcard(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '*' || c == '?' || c == '[') {
        return true;
      }
    }
    return false;
  }

  /** {@code s} with escapes removed (for a component without wildcards). */
  public static String unescape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        c = s.charAt(++i);
      }
      sb.append(c);
    }
    return sb.toString();
  }

  /**
   * Splits a pattern into components at unescaped '/' (empty components dropped).
   */
  public static List<String> components(String pattern) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    int depth = 0;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\' && i + 1 < pattern.length()) {
        cur.append(c).append(pattern.charAt(++i));
        continue;
      }
      if (c == '[') {
        depth = 1;
      } else if (c == ']') {
        depth = 0;
      }
      if (c == '/' && depth == 0) {
        if (cur.length() > 0) {
          out.add(cur.toString());
        }
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    if (cur.length() > 0) {
      out.add(cur.toString());
    }
    return out;
  }

  /** Checks the syntax of a component pattern; throws IllegalArgumentException with the reason. */
  public static void validate(String p) {
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c == '\\') {
        if (i + 1 >= p.length()) {
          throw new IllegalArgumentException("pattern ends with a lone '\\'");
        }
        i++;
      } else if (c == '[') {
        int end = classEnd(p, i);
        if (end < 0) {
          throw new IllegalArgumentException("unterminated '[' in pattern '" + p + "'");
        }
        i = end;
      }
    }
  }

  /** Whether the whole {@code name} (one component) matches the component pattern {@code p}. */
  public static boolean matches(String p, String name) {
    return match(p, 0, name, 0);
  }

  private static boolean match(String p, int pi, String s, int si) {
    while (pi < p.length()) {
      char c = p.charAt(pi);
      if (c == '*') {
        // collapse runs of '*'
        while (pi < p.length() && p.charAt(pi) == '*') {
          pi++;
        }
        if (pi == p.length()) {
          return s.indexOf('/', si) < 0;
        }
        for (int k = si; k <= s.length(); k++) {
          if (match(p, pi, s, k)) {
            return true;
          }
          if (k < s.length() && s.charAt(k) == '/') {
            return false;
          }
        }
        return false;
      }
      if (si >= s.length()) {
        return false;
      }
      char sc = s.charAt(si);
      if (c == '?') {
        if (sc == '/') {
          return false;
        }
        pi++;
        si++;
      } else if (c == '[') {
        int end = classEnd(p, pi);
        if (end < 0 || sc == '/' || !inClass(p, pi + 1, end, sc)) {
          return false;
        }
        pi = end + 1;
        si++;
      } else {
        if (c == '\\' && pi + 1 < p.length()) {
          c = p.charAt(++pi);
        }
        if (c != sc) {
          return false;
        }
        pi++;
        si++;
      }
    }
    return si == s.length();
  }

  /** Index of the ']' closing the class opened at {@code open}, or -1. */
  private static int classEnd(String p, int open) {
    int i = open + 1;
    if (i < p.length() && (p.charAt(i) == '^' || p.charAt(i) == '!')) {
      i++;
    }
    if (i < p.length() && p.charAt(i) == ']') {
      i++; // a leading ']' is a literal
    }
    for (; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == ']') {
        return i;
      }
    }
    return -1;
  }

  private static boolean inClass(String p, int from, int end, char sc) {
    boolean negate = false;
    int i = from;
    if (p.charAt(i) == '^' || p.charAt(i) == '!') {
      negate = true;
      i++;
    }
    boolean found = false;
    boolean first = true;
    while (i < end) {
      char lo = p.charAt(i);
      if (lo == '\\' && i + 1 < end) {
        lo = p.charAt(++i);
      } else if (lo == ']' && !first) {
        break;
      }
      first = false;
      char hi = lo;
      if (i + 2 < end && p.charAt(i + 1) == '-') {
        hi = p.charAt(i + 2);
        if (hi == '\\' && i + 3 < end) {
          hi = p.charAt(i + 3);
          i++;
        }
        i += 2;
      }
      if (sc >= lo && sc <= hi) {
        found = true;
      }
      i++;
    }
    return found != negate;
  }
}
