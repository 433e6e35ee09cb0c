package org.gdpstore.fs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Path rules of a gdpstore filesystem. A path names an entry relative to the filesystem root;
 * {@code /a/b}, {@code a/b} and {@code gdp://<root>/a/b} all name the same entry. Normalization
 * collapses repeated {@code /}, drops {@code .} and resolves {@code ..} (TensorFlow's CleanPath).
 * Refused with {@link FsCode#INVALID_ARGUMENT}: the empty path, a NUL character, {@code ..} that
 * would leave the root, a component longer than {@value #MAX_NAME_BYTES} UTF-8 bytes and a path
 * longer than {@value #MAX_PATH_BYTES} bytes. Stateless and thread-safe.
 */
public final class FsPaths {
  /** Longest component, in UTF-8 bytes. */
  public static final int MAX_NAME_BYTES = 255;
  /** Longest normalized path, in UTF-8 bytes. */
  public static final int MAX_PATH_BYTES = 4096;
  /** URI scheme of gdpstore paths. */
  public static final String SCHEME = "gdp://";

  private FsPaths() {}

  /** The normalized absolute form ({@code /} or {@code /a/b}) of a path or {@code gdp://} URI. */
  public static String normalize(String path) throws FsException {
    if (path == null) {
      throw new NullPointerException("path");
    }
    String p = stripScheme(path);
    if (p.isEmpty()) {
      throw new FsException(FsCode.INVALID_ARGUMENT, path, "empty path");
    }
    if (p.indexOf('\0') >= 0) {
      throw new FsException(FsCode.INVALID_ARGUMENT, printable(path), "path contains a NUL character");
    }
    Deque<String> parts = new ArrayDeque<>();
    for (String c : p.split("/", -1)) {
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (parts.isEmpty()) {
          throw new FsException(FsCode.INVALID_ARGUMENT, path, "'..' leaves the filesystem root");
        }
        parts.removeLast();
        continue;
      }
      if (c.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
        throw new FsException(FsCode.INVALID_ARGUMENT, path,
            "a path component is longer than " + MAX_NAME_BYTES + " bytes");
      }
      parts.addLast(c);
    }
    String out = "/" + String.join("/", parts);
    if (out.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
      throw new FsException(FsCode.INVALID_ARGUMENT, path.substring(0, 64) + "...",
          "path is longer than " + MAX_PATH_BYTES + " bytes");
    }
    return out;
  }

  /**
   * TensorFlow's TranslateName: the path part of a {@code gdp://root/path} URI, cleaned
   * ({@code gdp://}, {@code gdp:///} and {@code gdp:////} are {@code /}); the empty string stays
   * empty, as in TensorFlow.
   */
  public static String translateName(String uri) throws FsException {
    if (uri.isEmpty()) {
      return "";
    }
    return normalize(uri);
  }

  /** TensorFlow's CleanPath on a plain string (no validation): {@code a//b/./c/..} -> {@code a/b}. */
  public static String cleanPath(String path) {
    boolean abs = path.startsWith("/");
    Deque<String> parts = new ArrayDeque<>();
    for (String c : path.split("/", -1)) {
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (!parts.isEmpty() && !parts.peekLast().equals("..")) {
          parts.removeLast();
        } else if (!abs) {
          parts.addLast("..");
        }
        continue;
      }
      parts.addLast(c);
    }
    String joined = String.join("/", parts);
    if (abs) {
      return "/" + joined;
    }
    return joined.isEmpty() ? "." : joined;
  }

  /** Joins components with single slashes: {@code join("/a", "b/", "/c")} = {@code /a/b/c}. */
  public static String join(String first, String... more) {
    StringBuilder sb = new StringBuilder(first);
    for (String m : more) {
      if (m.isEmpty()) {
        continue;
      }
      boolean endSlash = sb.length() > 0 && sb.charAt(sb.length() - 1) == '/';
      boolean startSlash = m.startsWith("/");
      if (sb.length() == 0) {
        sb.append(m);
      } else if (endSlash && startSlash) {
        sb.append(m, 1, m.length());
      } else if (endSlash || startSlash) {
        sb.append(m);
      } else {
        sb.append('/').append(m);
      }
    }
    return sb.toString();
  }

  /** The last component of a normalized path ({@code ""} for the root). */
  public static String basename(String normalized) {
    return normalized.substring(normalized.lastIndexOf('/') + 1);
  }

  /** The parent of a normalized path ({@code /} for top-level entries and for the root). */
  public static String dirname(String normalized) {
    int i = normalized.lastIndexOf('/');
    return i <= 0 ? "/" : normalized.substring(0, i);
  }

  /** The extension of the basename without the dot, or {@code ""}. */
  public static String extension(String path) {
    String b = basename(path);
    int i = b.lastIndexOf('.');
    return i < 0 ? "" : b.substring(i + 1);
  }

  /** Whether the path starts with {@code /} (or is a {@code gdp://} URI). */
  public static boolean isAbsolute(String path) {
    return path.startsWith("/") || path.startsWith(SCHEME);
  }

  /** The path part of a {@code gdp://<root>/path} URI ({@code /} if none); other strings unchanged. */
  public static String stripScheme(String path) {
    if (path.startsWith(SCHEME)) {
      String rest = path.substring(SCHEME.length());
      int slash = rest.indexOf('/');
      return slash < 0 ? "/" : rest.substring(slash);
    }
    return path;
  }

  private static String printable(String s) {
    return s.replace("\0", "\\0");
  }
}
