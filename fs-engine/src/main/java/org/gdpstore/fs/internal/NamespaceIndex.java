package org.gdpstore.fs.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The replayed directory log: for every {@link EntryKey} (a path or a key-value key) the list of
 * its versions, each tagged with the directory recno of the commit that wrote it. Any snapshot
 * {@code at} (a recno) is answered from the same structure, so pinned readers and time travel cost
 * nothing extra, and a key's versions are its history (the commits that touched it) at a cost
 * proportional to its own changes.
 *
 * <p>Threading: one writer thread calls {@link #apply}; any thread may read. A commit is published
 * by the volatile {@link #head()} store after all its versions are in place, and a version is only
 * visible to snapshots at or after its recno, so readers never see a partial commit.
 */
public final class NamespaceIndex {
  private final ConcurrentSkipListMap<EntryKey, Versions> map = new ConcurrentSkipListMap<>();
  private volatile long head = 1;
  /** The oldest snapshot answered exactly: 1 after a full replay, a checkpoint's commit otherwise. */
  private volatile long base = 1;
  /** Retention (format 4): the oldest retained snapshot, and below which logs were reclaimed. */
  private volatile long horizon = 1;
  private volatile long reclaimed;
  /** (recno, commitNanos, first record) of every complete commit, in order. Guarded by itself. */
  private long[] commitRecnos = new long[16];
  private long[] commitTimes = new long[16];
  private long[] commitFirstRecnos = new long[16];
  private int commits;
  /** Open intents (format 5): appended, not yet settled by a done gc. By {@link LogIntents.Intent#key}. */
  private final Map<String, LogIntents.Intent> intents = new java.util.concurrent.ConcurrentSkipListMap<>();

  /** The recno of the newest complete commit (1, the header, if none). */
  public long head() {
    return head;
  }

  /**
   * The oldest snapshot this index answers: 1 if it was replayed from the start, else the commit
   * of the checkpoint it was loaded from (older snapshots and versions are not in it).
   */
  public long base() {
    return base;
  }

  /**
   * The retention horizon: the oldest snapshot whose file logs are kept (1: every snapshot). A
   * snapshot older than it is refused, as its logs may be deleted.
   */
  public long horizon() {
    return horizon;
  }

  /** Snapshots older than this were garbage collected completely (0: none). */
  public long reclaimed() {
    return reclaimed;
  }

  /** An intent record (or one a checkpoint carries): open until a done gc settles it. */
  public void addIntent(LogIntents.Intent i) {
    intents.putIfAbsent(i.key(), i);
  }

  /**
   * A renewal record (format 7): the open intent it names is in use at its time. A renewal of an
   * intent a gc already settled changes nothing (its unreferenced logs are gone).
   */
  public void renewIntent(LogIntents.Intent renewal) {
    intents.computeIfPresent(renewal.key(), (k, open) -> open.renewedAt(renewal.renewed()));
  }

  /** A done gc settled these intents. */
  public void settleIntents(List<LogIntents.Intent> settled) {
    for (LogIntents.Intent i : settled) {
      intents.remove(i.key());
    }
  }

  /** The open intents, oldest record first. */
  public List<LogIntents.Intent> openIntents() {
    List<LogIntents.Intent> out = new ArrayList<>(intents.values());
    out.sort(java.util.Comparator.comparingLong(LogIntents.Intent::recno));
    return out;
  }

  /** Raises the retention horizon and reclaimed mark (a gc record); never lowers them. */
  public synchronized void raiseRetention(long newHorizon, long newReclaimed) {
    if (newHorizon > horizon) {
      horizon = newHorizon;
    }
    if (newReclaimed > reclaimed) {
      reclaimed = newReclaimed;
    }
  }

  /** Every key ever written (since the base), ascending. */
  public Iterable<EntryKey> allKeys() {
    return map.keySet();
  }

  /**
   * Loads a checkpoint into this empty index: the state after commit {@code first..recno}, each
   * key with the version (recno and entry) live then.
   */
  public void loadCheckpoint(long first, long recno, long commitNanos, List<EntryKey> keys,
      List<Version> versions) {
    if (head != 1 || !map.isEmpty()) {
      throw new IllegalStateException("checkpoint loaded into a non-empty index");
    }
    for (int i = 0; i < keys.size(); i++) {
      if (map.put(keys.get(i), new Versions()) != null) {
        throw new IllegalArgumentException("key " + keys.get(i).display() + " twice in a checkpoint");
      }
      map.get(keys.get(i)).add(versions.get(i).recno(), versions.get(i).entry());
    }
    synchronized (this) {
      commitFirstRecnos[0] = first;
      commitRecnos[0] = recno;
      commitTimes[0] = commitNanos;
      commits = 1;
    }
    base = recno;
    head = recno;
  }

  /** The entry visible at snapshot {@code at}, or null. */
  public DirEntry get(EntryKey key, long at) {
    Versions v = map.get(key);
    return v == null ? null : v.at(at);
  }

  /** The version visible at {@code at} (its entry null for a tombstone), or null if never written. */
  public Version versionAt(EntryKey key, long at) {
    Versions v = map.get(key);
    return v == null ? null : v.versionAt(at);
  }

  /** The recno of the version visible at {@code at} (a tombstone counts), 0 if never written. */
  public long versionOf(EntryKey key, long at) {
    Versions v = map.get(key);
    return v == null ? 0 : v.recnoAt(at);
  }

  /** Every key ever written in [from, to), ascending (callers filter by liveness). */
  public Iterable<EntryKey> keys(EntryKey from, EntryKey to) {
    return map.subMap(from, true, to, false).keySet();
  }

  /** Every key ever written from {@code from} on, ascending. */
  public Iterable<EntryKey> keysFrom(EntryKey from) {
    return map.tailMap(from, true).keySet();
  }

  /** The smallest key >= {@code k} that is < {@code to}, or null. */
  public EntryKey ceilingKey(EntryKey k, EntryKey to) {
    EntryKey c = map.ceilingKey(k);
    return c == null || c.compareTo(to) >= 0 ? null : c;
  }

  /** One version of a key: the commit (its last record) that wrote it; a null entry is a delete. */
  public record Version(long recno, DirEntry entry) {}

  /** The recnos of {@code key}'s versions in commits after {@code after}, oldest first. */
  public long[] recnosAfter(EntryKey key, long after) {
    Versions v = map.get(key);
    if (v == null) {
      return new long[0];
    }
    long[] r = v.recnos;
    int i = r.length;
    while (i > 0 && r[i - 1] > after) {
      i--;
    }
    return Arrays.copyOfRange(r, i, r.length);
  }

  /** What {@link #forEachAt} hands on for one key. */
  interface KeyVisitor {
    /**
     * One key: its version live at the snapshot (null if none yet; its entry null for a
     * tombstone) and the recnos of its versions in the change interval (null if none was asked).
     */
    void visit(EntryKey key, Version live, long[] changes);
  }

  /**
   * Walks every key once, in key order: its version at snapshot {@code at} and, with
   * {@code changesAfter} >= 0, the recnos of its versions in ({@code changesAfter}, {@code at}].
   * One walk without lookups (a detached checkpoint's encoding); safe while later commits apply.
   */
  void forEachAt(long at, long changesAfter, KeyVisitor visitor) {
    for (Map.Entry<EntryKey, Versions> e : map.entrySet()) {
      Versions vs = e.getValue();
      long[] r = vs.recnos; // then entries: at least as long (add() writes entries first)
      DirEntry[] en = vs.entries;
      int i = vs.indexAt(at, r);
      Version live = i < 0 ? null : new Version(r[i], en[i]);
      long[] changes = null;
      if (changesAfter >= 0) {
        int j = i;
        while (j >= 0 && r[j] > changesAfter) {
          j--;
        }
        changes = j == i ? NO_CHANGES : Arrays.copyOfRange(r, j + 1, i + 1);
      }
      visitor.visit(e.getKey(), live, changes);
    }
  }

  private static final long[] NO_CHANGES = new long[0];

  /** Every version of {@code key} in commits at or before {@code at}, oldest first. */
  public List<Version> versions(EntryKey key, long at) {
    Versions v = map.get(key);
    return v == null ? List.of() : v.upTo(at);
  }

  /**
   * Applies one complete commit made visible by record {@code recno}; a null value is a
   * tombstone. Only the single writer/replayer thread calls this, in recno order.
   */
  public void apply(long recno, long commitNanos, Map<EntryKey, DirEntry> changes) {
    apply(recno, recno, commitNanos, changes);
  }

  /** As {@link #apply(long, long, Map)} for a commit written as records {@code first..recno}. */
  public void apply(long first, long recno, long commitNanos, Map<EntryKey, DirEntry> changes) {
    if (recno <= head) {
      throw new IllegalStateException("commit " + recno + " is not after head " + head);
    }
    for (Map.Entry<EntryKey, DirEntry> c : changes.entrySet()) {
      // one walk of the skip list whether the key is new or not (computeIfAbsent walks twice for a
      // new key: with 10^6 keys those walks were the group-commit leader's largest cost)
      Versions fresh = new Versions();
      Versions had = map.putIfAbsent(c.getKey(), fresh);
      (had != null ? had : fresh).add(recno, c.getValue());
    }
    synchronized (this) {
      if (commits == commitRecnos.length) {
        commitRecnos = Arrays.copyOf(commitRecnos, commits * 2);
        commitTimes = Arrays.copyOf(commitTimes, commits * 2);
        commitFirstRecnos = Arrays.copyOf(commitFirstRecnos, commits * 2);
      }
      commitFirstRecnos[commits] = first;
      commitRecnos[commits] = recno;
      commitTimes[commits] = commitNanos;
      commits++;
    }
    head = recno;
  }

  /** The newest commit recno whose commit time is <= {@code nanos} (1 if none). */
  public synchronized long recnoAtTime(long nanos) {
    long best = 1;
    for (int i = 0; i < commits; i++) {
      if (commitTimes[i] <= nanos) {
        best = commitRecnos[i];
      } else {
        break;
      }
    }
    return best;
  }

  /** The newest complete commit at or before {@code recno} (1 if none). */
  public synchronized long commitAtOrBefore(long recno) {
    int i = Arrays.binarySearch(commitRecnos, 0, commits, recno);
    if (i >= 0) {
      return commitRecnos[i];
    }
    int ins = -i - 1;
    return ins == 0 ? 1 : commitRecnos[ins - 1];
  }

  /** Commit time of the commit at {@code recno}, or -1. */
  public synchronized long commitTime(long recno) {
    int i = Arrays.binarySearch(commitRecnos, 0, commits, recno);
    return i >= 0 ? commitTimes[i] : -1;
  }

  /** The first record of the commit whose last record is {@code recno} (a multi-record commit), or -1. */
  public synchronized long commitFirstRecno(long recno) {
    int i = Arrays.binarySearch(commitRecnos, 0, commits, recno);
    return i >= 0 ? commitFirstRecnos[i] : -1;
  }

  /** Recnos of all complete commits, ascending. */
  public synchronized List<Long> commitRecnos() {
    List<Long> out = new ArrayList<>(commits);
    for (int i = 0; i < commits; i++) {
      out.add(commitRecnos[i]);
    }
    return out;
  }

  /** Versions of one key; appended by the single writer, read by anyone (copy-on-write). */
  private static final class Versions {
    private static final long[] NO_RECNOS = new long[0];
    private static final DirEntry[] NO_ENTRIES = new DirEntry[0];
    private volatile long[] recnos = NO_RECNOS;
    private volatile DirEntry[] entries = NO_ENTRIES;

    void add(long recno, DirEntry e) {
      int n = recnos.length;
      DirEntry[] ne = Arrays.copyOf(entries, n + 1);
      ne[n] = e;
      long[] nr = Arrays.copyOf(recnos, n + 1);
      nr[n] = recno;
      // entries first: a reader that sees the new recnos array also sees the new entry.
      entries = ne;
      recnos = nr;
    }

    private int indexAt(long at, long[] r) {
      int lo = 0;
      int hi = r.length - 1;
      int found = -1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        if (r[mid] <= at) {
          found = mid;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      return found;
    }

    List<Version> upTo(long at) {
      long[] r = recnos; // then entries: at least as long (add() writes entries first)
      DirEntry[] e = entries;
      List<Version> out = new ArrayList<>(r.length);
      for (int i = 0; i < r.length && r[i] <= at; i++) {
        out.add(new Version(r[i], e[i]));
      }
      return out;
    }

    DirEntry at(long at) {
      long[] r = recnos;
      int i = indexAt(at, r);
      return i < 0 ? null : entries[i];
    }

    Version versionAt(long at) {
      long[] r = recnos;
      int i = indexAt(at, r);
      return i < 0 ? null : new Version(r[i], entries[i]);
    }

    long recnoAt(long at) {
      long[] r = recnos;
      int i = indexAt(at, r);
      return i < 0 ? 0 : r[i];
    }
  }
}
