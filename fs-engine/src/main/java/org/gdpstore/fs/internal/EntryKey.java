package org.gdpstore.fs.internal;

import java.util.Objects;

/**
 * The key of a directory entry: a normalized file path ({@code /a/b}) or a key-value key. The two
 * namespaces never mix: every path sorts before every key-value key, and within a namespace keys
 * sort by their name, so a directory's subtree is one contiguous range. Immutable.
 *
 * <p>A key carries its name's first characters packed into a {@code long} ({@link #prefixOf}), so
 * that most comparisons (the namespace index's skip list makes ~20 per insert of a new key) end
 * without reading the string: each string read was a cache miss in an index of 10^6 keys.
 */
public final class EntryKey implements Comparable<EntryKey> {
  /** The root directory. */
  public static final EntryKey ROOT = new EntryKey(false, "/");

  private final boolean kv;
  private final String name;
  private final long prefix;

  public EntryKey(boolean kv, String name) {
    this.kv = kv;
    this.name = Objects.requireNonNull(name, "name");
    this.prefix = prefixOf(name);
  }

  /** A file or directory at a normalized absolute path. */
  public static EntryKey path(String normalizedPath) {
    return new EntryKey(false, normalizedPath);
  }

  /** A key of the key-value namespace. */
  public static EntryKey kv(String key) {
    return new EntryKey(true, key);
  }

  /** True for a key of the key-value namespace, false for a path. */
  public boolean kv() {
    return kv;
  }

  /** The normalized path or the key-value key. */
  public String name() {
    return name;
  }

  public boolean isRoot() {
    return !kv && name.equals("/");
  }

  /** How errors, commit results and history show it: the path, or {@code kv:<key>}. */
  public String display() {
    return kv ? "kv:" + name : name;
  }

  /** The first path key after every key of the subtree under directory {@code dir}. */
  static EntryKey subtreeEnd(String dir) {
    String withSlash = dir.equals("/") ? "/" : dir + "/";
    return path(withSlash.substring(0, withSlash.length() - 1) + "0"); // '/' + 1
  }

  /** The first key of the subtree under directory {@code dir}. */
  static EntryKey subtreeStart(String dir) {
    return path(dir.equals("/") ? "/" : dir + "/");
  }

  /**
   * Up to the first 8 characters of {@code s}, one byte each, left-aligned: a character below 255
   * is its own byte; one at or above 255 becomes 255 and ends the packing (the rest is zero). Two
   * prefixes that differ order their strings as {@link String#compareTo} does (the first differing
   * byte is either two different characters below 255, a character >= 255 against one below, or
   * the end of the shorter string, 0, against a character above 0); equal prefixes decide nothing.
   */
  static long prefixOf(String s) {
    long p = 0;
    int n = Math.min(8, s.length());
    int i = 0;
    while (i < n) {
      char c = s.charAt(i++);
      if (c >= 255) {
        p = (p << 8) | 255;
        break;
      }
      p = (p << 8) | c;
    }
    return i == 8 ? p : p << (8 * (8 - i));
  }

  @Override
  public int compareTo(EntryKey o) {
    if (kv != o.kv) {
      return kv ? 1 : -1;
    }
    if (prefix != o.prefix) {
      return Long.compareUnsigned(prefix, o.prefix);
    }
    return name.compareTo(o.name);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EntryKey k && kv == k.kv && prefix == k.prefix && name.equals(k.name);
  }

  @Override
  public int hashCode() {
    return 31 * Boolean.hashCode(kv) + name.hashCode();
  }

  @Override
  public String toString() {
    return display();
  }
}
