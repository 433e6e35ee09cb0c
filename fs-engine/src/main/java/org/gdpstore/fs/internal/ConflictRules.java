package org.gdpstore.fs.internal;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongPredicate;
import org.gdpstore.fs.FsPaths;
import org.gdpstore.fs.TransactionConflictException;

/**
 * The transaction rules: whether a change set staged on snapshot {@code base} may still be
 * committed on top of the newest commit {@code head} plus the changes of earlier members of the
 * same group commit. A key read or written at a version that changed since, a parent directory
 * that vanished, or a removed directory that gained entries is a conflict. Key-value conditions
 * (put-if-absent, compare-and-set) are evaluated here too, where the commit finally lands.
 * Stateless.
 */
public final class ConflictRules {
  private ConflictRules() {}

  /** A conflict; {@code local}: the winning change was made by this process (the caller may re-run). */
  public static final class Conflict extends Exception {
    private static final long serialVersionUID = 1L;
    final TransactionConflictException error;
    final boolean local;

    Conflict(String path, String reason, boolean local) {
      super(reason, null, false, false);
      this.error = new TransactionConflictException(path, reason);
      this.local = local;
    }
  }

  /** A condition on a key-value key, checked at the commit's final place in the log. */
  public record Condition(Kind kind, byte[] sha256, long size) {
    public enum Kind { ABSENT, PRESENT, EQUALS }

    public static final Condition ABSENT = new Condition(Kind.ABSENT, null, 0);
    public static final Condition PRESENT = new Condition(Kind.PRESENT, null, 0);

    /** The key holds exactly {@code value} (compared by size and SHA-256). */
    public static Condition equalTo(byte[] value) {
      return new Condition(Kind.EQUALS, Hashes.sha256(value), value.length);
    }

    boolean holds(DirEntry e) {
      return switch (kind) {
        case ABSENT -> e == null;
        case PRESENT -> e != null;
        case EQUALS -> e != null && e.size == size && Arrays.equals(e.sha256(), sha256);
      };
    }
  }

  /**
   * Checks a change set staged on {@code base} (reading {@code readVersions}: key -> the recno of
   * the version it saw, 0 = none) against {@code head} plus {@code group} (changes of earlier
   * members of the same commit, which win over the index).
   *
   * @param isLocal whether the commit at a recno was made by this process
   */
  static void check(String who, long base, Map<EntryKey, Long> readVersions, TreeMap<EntryKey, DirEntry> changes,
      NamespaceIndex index, long head, TreeMap<EntryKey, DirEntry> group, LongPredicate isLocal) throws Conflict {
    if (head == base && group.isEmpty()) {
      return; // nothing was committed since the change set was staged: it was checked then
    }
    for (Map.Entry<EntryKey, Long> e : readVersions.entrySet()) {
      EntryKey key = e.getKey();
      if (e.getValue() == Txn.ABSENT_OR_DIR) {
        // an implicit parent: fine as long as nothing but a directory appeared there
        DirEntry now = group.containsKey(key) ? group.get(key) : index.get(key, head);
        if (now != null && !now.isDir()) {
          boolean local = group.containsKey(key) || isLocal.test(index.versionOf(key, head));
          throw new Conflict(key.display(), "became a file in " + winner(key, index, head, group)
              + " after " + who + " read it at snapshot " + base, local);
        }
        continue;
      }
      if (group.containsKey(key)) {
        throw new Conflict(key.display(), "changed by a concurrent commit of this process (same group) after "
            + who + " read it at snapshot " + base, true);
      }
      long now = index.versionOf(key, head);
      if (now != e.getValue()) {
        throw new Conflict(key.display(), "changed by commit " + now + " after " + who
            + " read it at snapshot " + base, isLocal.test(now));
      }
    }
    if (changes.keySet().stream().allMatch(EntryKey::kv)) {
      return; // key-value keys have no parents or children
    }
    View afterGroup = new View(index, head, group);
    View after = null; // with this change set too: built only for removals (a copy of the group)
    for (Map.Entry<EntryKey, DirEntry> e : changes.entrySet()) {
      EntryKey key = e.getKey();
      if (key.kv()) {
        continue;
      }
      if (e.getValue() == null) {
        if (after == null) {
          TreeMap<EntryKey, DirEntry> merged = new TreeMap<>(group);
          merged.putAll(changes);
          after = new View(index, head, merged);
        }
        // a directory this change set removes must not have gained entries meanwhile
        var children = after.childNames(key.name(), 1);
        if (!children.isEmpty()) {
          EntryKey child = EntryKey.path(key.name().equals("/") ? "/" + children.first()
              : key.name() + "/" + children.first());
          boolean local = group.containsKey(child) || isLocal.test(index.versionOf(child, head));
          throw new Conflict(key.display(), "directory removed by " + who + " got entry " + child.display()
              + " from " + winner(child, index, head, group) + " after snapshot " + base, local);
        }
        continue;
      }
      String parent = FsPaths.dirname(key.name());
      EntryKey parentKey = EntryKey.path(parent);
      DirEntry p = !parentKey.isRoot() && changes.containsKey(parentKey) ? changes.get(parentKey)
          : afterGroup.committed(parentKey);
      if (p == null || !p.isDir()) {
        boolean local = group.containsKey(parentKey) || isLocal.test(index.versionOf(parentKey, head));
        throw new Conflict(key.display(), "parent directory " + parent + " was removed by "
            + winner(parentKey, index, head, group) + " after snapshot " + base, local);
      }
    }
  }

  private static String winner(EntryKey key, NamespaceIndex index, long head, TreeMap<EntryKey, DirEntry> group) {
    return group.containsKey(key) ? "a concurrent commit of this process" : "commit " + index.versionOf(key, head);
  }

  /** Whether every condition holds on {@code head} plus {@code group}. */
  static boolean conditionsHold(Map<EntryKey, Condition> conditions, NamespaceIndex index, long head,
      TreeMap<EntryKey, DirEntry> group) {
    for (Map.Entry<EntryKey, Condition> c : conditions.entrySet()) {
      EntryKey k = c.getKey();
      DirEntry now = group.containsKey(k) ? group.get(k) : index.get(k, head);
      if (!c.getValue().holds(now)) {
        return false;
      }
    }
    return true;
  }
}
