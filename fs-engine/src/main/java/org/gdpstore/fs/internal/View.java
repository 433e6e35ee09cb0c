package org.gdpstore.fs.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.gdpstore.fs.FsException;

/**
 * A consistent view of the namespace: the index at snapshot {@code at}, with an optional
 * transaction overlay on top (a null overlay value is a delete). Reads only; thread-safe as long
 * as the overlay is not changed meanwhile (transactions read it under their lock).
 */
public final class View {
  static final DirEntry ROOT = DirEntry.dir(0);

  private final NamespaceIndex index;
  private final long at;
  private final TreeMap<EntryKey, DirEntry> overlay;
  /** Files this instance is writing (shown with the bytes written so far), or null. */
  private final NavigableMap<EntryKey, FileVersionWriter> pending;

  public View(NamespaceIndex index, long at, TreeMap<EntryKey, DirEntry> overlay) {
    this(index, at, overlay, null);
  }

  public View(NamespaceIndex index, long at, TreeMap<EntryKey, DirEntry> overlay,
      NavigableMap<EntryKey, FileVersionWriter> pending) {
    this.index = index;
    this.at = at;
    this.overlay = overlay;
    this.pending = pending;
  }

  /**
   * The directory record number of the commit that wrote {@code key}'s version in this view, 0 if
   * it is only staged in a transaction or being written.
   */
  long commitOf(EntryKey key) {
    boolean uncommitted = (overlay != null && overlay.containsKey(key)) || (pending != null && pending.containsKey(key));
    return uncommitted ? 0 : index.versionOf(key, at);
  }

  /** The snapshot (directory record number) this view reads. */
  public long at() {
    return at;
  }

  public DirEntry get(EntryKey key) throws FsException {
    if (pending != null) {
      FileVersionWriter w = pending.get(key);
      if (w != null) {
        return w.pendingEntry();
      }
    }
    return committed(key);
  }

  /** The entry at {@code key} in the snapshot and overlay, ignoring files being written. */
  public DirEntry committed(EntryKey key) {
    if (key.isRoot()) {
      return ROOT;
    }
    if (overlay != null && overlay.containsKey(key)) {
      return overlay.get(key);
    }
    return index.get(key, at);
  }

  /** The entry at a normalized path, or null. */
  public DirEntry get(String path) throws FsException {
    return get(EntryKey.path(path));
  }

  /** The published (or staged) entry at a normalized path, ignoring a file being written there. */
  public DirEntry committed(String path) {
    return committed(EntryKey.path(path));
  }

  /** Live direct children names of a directory, sorted, at most {@code limit}. */
  public TreeSet<String> childNames(String dir, int limit) {
    String prefix = dir.equals("/") ? "/" : dir + "/";
    EntryKey end = EntryKey.subtreeEnd(dir);
    TreeSet<String> out = new TreeSet<>();
    EntryKey k = index.ceilingKey(EntryKey.path(prefix), end);
    while (k != null && out.size() < limit) {
      String rest = k.name().substring(prefix.length());
      int slash = rest.indexOf('/');
      if (slash < 0) {
        if (committed(k) != null) {
          out.add(rest);
        }
        k = index.ceilingKey(EntryKey.path(k.name() + "\0"), end);
      } else {
        // skip the subtree of prefix+child
        k = index.ceilingKey(EntryKey.subtreeEnd(prefix + rest.substring(0, slash)), end);
      }
    }
    if (overlay != null) {
      for (Map.Entry<EntryKey, DirEntry> e : overlay.subMap(EntryKey.path(prefix), end).entrySet()) {
        String rest = e.getKey().name().substring(prefix.length());
        if (rest.isEmpty() || rest.indexOf('/') >= 0) {
          continue;
        }
        if (e.getValue() != null) {
          out.add(rest);
        } else {
          out.remove(rest);
        }
      }
    }
    if (pending != null) {
      for (EntryKey pk : pending.subMap(EntryKey.path(prefix), end).keySet()) {
        String rest = pk.name().substring(prefix.length());
        if (!rest.isEmpty() && rest.indexOf('/') < 0) {
          out.add(rest);
        }
      }
    }
    while (out.size() > limit) {
      out.pollLast();
    }
    return out;
  }

  /** All live paths strictly under a directory, sorted. */
  public List<String> descendants(String dir) {
    EntryKey start = EntryKey.subtreeStart(dir);
    EntryKey end = EntryKey.subtreeEnd(dir);
    TreeSet<EntryKey> keys = new TreeSet<>();
    for (EntryKey k : index.keys(start, end)) {
      keys.add(k);
    }
    if (overlay != null) {
      keys.addAll(overlay.subMap(start, end).keySet());
    }
    if (pending != null) {
      keys.addAll(pending.subMap(start, end).keySet());
    }
    List<String> out = new ArrayList<>();
    for (EntryKey k : keys) {
      if ((pending != null && pending.containsKey(k)) || committed(k) != null) {
        out.add(k.name());
      }
    }
    return out;
  }

  /** Live keys of the key-value namespace starting with a prefix, sorted. */
  public List<String> kvKeys(String prefix) {
    EntryKey from = EntryKey.kv(prefix);
    TreeSet<EntryKey> keys = new TreeSet<>();
    for (EntryKey k : index.keysFrom(from)) {
      if (!k.name().startsWith(prefix)) {
        break;
      }
      keys.add(k);
    }
    if (overlay != null) {
      for (EntryKey k : overlay.tailMap(from, true).keySet()) {
        if (!k.name().startsWith(prefix)) {
          break;
        }
        keys.add(k);
      }
    }
    List<String> out = new ArrayList<>();
    for (EntryKey k : keys) {
      if (committed(k) != null) {
        out.add(k.name());
      }
    }
    return out;
  }
}
