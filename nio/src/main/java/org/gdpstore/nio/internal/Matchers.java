package org.gdpstore.nio.internal;

import java.nio.file.PathMatcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code FileSystem.getPathMatcher}: {@code regex:} is a {@link Pattern} over the path's string;
 * {@code glob:} follows {@code FileSystem.getPathMatcher}'s glob grammar ({@code *} within a name,
 * {@code **} across names, {@code ?}, {@code [...]} with {@code !} negation and ranges,
 * {@code {a,b}} groups, {@code \} escapes).
 */
final class Matchers {
  private Matchers() {}

  static PathMatcher of(String syntaxAndPattern) {
    int colon = syntaxAndPattern.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("expected syntax:pattern, got '" + syntaxAndPattern + "'");
    }
    String syntax = syntaxAndPattern.substring(0, colon);
    String pattern = syntaxAndPattern.substring(colon + 1);
    Pattern re;
    if (syntax.equalsIgnoreCase("regex")) {
      re = Pattern.compile(pattern);
    } else if (syntax.equalsIgnoreCase("glob")) {
      re = Pattern.compile(globToRegex(pattern));
    } else {
      throw new UnsupportedOperationException("syntax '" + syntax + "' is not glob or regex");
    }
    return p -> re.matcher(p.toString()).matches();
  }

  static String globToRegex(String glob) {
    StringBuilder re = new StringBuilder();
    boolean inGroup = false;
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      switch (c) {
        case '\\' -> {
          if (++i == glob.length()) {
            throw new PatternSyntaxException("trailing escape", glob, i - 1);
          }
          quote(re, glob.charAt(i));
        }
        case '*' -> {
          if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
            re.append(".*");
            i++;
          } else {
            re.append("[^/]*");
          }
        }
        case '?' -> re.append("[^/]");
        case '[' -> i = bracket(glob, i, re);
        case '{' -> {
          if (inGroup) {
            throw new PatternSyntaxException("nested groups", glob, i);
          }
          re.append("(?:");
          inGroup = true;
        }
        case '}' -> {
          if (inGroup) {
            re.append(')');
            inGroup = false;
          } else {
            quote(re, c);
          }
        }
        case ',' -> {
          if (inGroup) {
            re.append('|');
          } else {
            quote(re, c);
          }
        }
        default -> quote(re, c);
      }
    }
    if (inGroup) {
      throw new PatternSyntaxException("missing '}'", glob, glob.length() - 1);
    }
    return re.toString();
  }

  /** Translates the bracket expression starting at {@code start}; returns the index of its ']'. */
  private static int bracket(String glob, int start, StringBuilder re) {
    int i = start + 1;
    re.append("[[^/]&&[");
    if (i < glob.length() && (glob.charAt(i) == '!' || glob.charAt(i) == '^')) {
      re.append('^');
      i++;
    }
    boolean first = true;
    for (; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == ']' && !first) {
        re.append("]]");
        return i;
      }
      if (c == '/') {
        throw new PatternSyntaxException("'/' in a bracket expression", glob, i);
      }
      if (c == '-' && !first && i + 1 < glob.length() && glob.charAt(i + 1) != ']') {
        re.append('-');
      } else {
        if (c == '\\' || c == '[' || c == '&' || c == '^' || c == '-' || c == ']') {
          re.append('\\');
        }
        re.append(c);
      }
      first = false;
    }
    throw new PatternSyntaxException("missing ']'", glob, start);
  }

  private static void quote(StringBuilder re, char c) {
    if ("\\.^$|?*+()[]{}".indexOf(c) >= 0) {
      re.append('\\');
    }
    re.append(c);
  }
}
