package org.gdpstore.cli;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A remote path {@code gdp://FS/PATH}: FS is a filesystem alias or the 43-character name of its
 * root directory log, PATH a {@code /}-separated path inside it. The path is normalized here
 * ({@code .} and empty segments dropped, {@code ..} resolved) and one that climbs above the root,
 * contains NUL or has an overlong segment is refused as a usage error.
 *
 * @param fs the filesystem part (alias or printable log name)
 * @param path the normalized absolute path, {@code /} for the root
 */
record RemotePath(String fs, String path) {
  static final String SCHEME = "gdp://";
  private static final int MAX_SEGMENT = 255;

  /** True if {@code s} looks like a remote path (starts with {@code gdp://}). */
  static boolean isRemote(String s) {
    return s.startsWith(SCHEME);
  }

  static RemotePath parse(String s) {
    if (!isRemote(s)) {
      throw CliException.usage("not a remote path: '" + s + "' (expected gdp://FS/PATH)");
    }
    String rest = s.substring(SCHEME.length());
    int slash = rest.indexOf('/');
    String fs = slash < 0 ? rest : rest.substring(0, slash);
    if (fs.isEmpty()) {
      throw CliException.usage("no filesystem in '" + s + "' (expected gdp://FS/PATH)");
    }
    return new RemotePath(fs, normalize(s, slash < 0 ? "" : rest.substring(slash)));
  }

  static String normalize(String original, String p) {
    if (p.indexOf('\0') >= 0) {
      throw CliException.usage("bad path '" + original.replace("\0", "\\0") + "': it contains a NUL character");
    }
    Deque<String> parts = new ArrayDeque<>();
    for (String seg : p.split("/")) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        if (parts.isEmpty()) {
          throw CliException.usage("bad path '" + original + "': '..' leaves the filesystem root");
        }
        parts.removeLast();
        continue;
      }
      if (seg.length() > MAX_SEGMENT) {
        throw CliException.usage("bad path '" + original + "': a name is longer than " + MAX_SEGMENT + " characters");
      }
      parts.addLast(seg);
    }
    return "/" + String.join("/", parts);
  }

  boolean isRoot() {
    return path.equals("/");
  }

  /** The last segment, or empty for the root. */
  String fileName() {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** This path with {@code child} (one or more segments) appended. */
  RemotePath resolve(String child) {
    return new RemotePath(fs, normalize(child, path + "/" + child));
  }

  @Override
  public String toString() {
    return SCHEME + fs + path;
  }
}
