package org.gdpstore.fs.internal;

import java.util.Objects;

/**
 * The key of a directory entry: a normalized file path ({@code /a/b}) or a key-value key. The two
 * namespaces never mix: every path sorts before every key-value key, and within a namespace keys
 * sort by their name, so a directory's subtree is one contiguous range. Immutable.
 */
public record EntryKey(boolean kv, String name) implements Comparable<EntryKey> {
  /** The root directory. */
  public static final EntryKey ROOT = new EntryKey(false, "/");

  public EntryKey {
    Objects.requireNonNull(name, "name");
  }

  /** A file or directory at a normalized absolute path. */
  public static EntryKey path(String normalizedPath) {
    return new EntryKey(false, normalizedPath);
  }

  /** A key of the key-value namespace. */
  public static EntryKey kv(String key) {
    return new EntryKey(true, key);
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
    String prefix = dir.equals("/") ? "/" : dir + "/";
    return path(prefix.substring(0, prefix.length() - 1) + "0"); // '/' + 1
  }

  /** The first key of the subtree under directory {@code dir}. */
  static EntryKey subtreeStart(String dir) {
    return path(dir.equals("/") ? "/" : dir + "/");
  }

  @Override
  public int compareTo(EntryKey o) {
    if (kv != o.kv) {
      return kv ? 1 : -1;
    }
    return name.compareTo(o.name);
  }

  @Override
  public String toString() {
    return display();
  }
}
