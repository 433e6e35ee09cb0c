package org.gdpstore.fs.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The replayed directory log: for every key (an fs path {@code /a/b} or a key-value key
 * {@code #key}) the list of its versions, each tagged with the directory recno of the commit that
 * wrote it. Any snapshot {@code at} (a recno) is answered from the same structure, so pinned
 * readers and time travel cost nothing extra.
 *
 * <p>Threading: one writer thread calls {@link #apply}; any thread may read. A commit is published
 * by the volatile {@link #head()} store after all its versions are in place, and a version is only
 * visible to snapshots at or after its recno, so readers never see a partial commit.
 */
public final class NamespaceIndex {
  private final ConcurrentSkipListMap<String, Versions> map = new ConcurrentSkipListMap<>();
  private volatile long head = 1;
  /** (recno, commitNanos) of every complete commit, in order. Guarded by itself. */
  private long[] commitRecnos = new long[16];
  private long[] commitTimes = new long[16];
  private int commits;

  /** The recno of the newest complete commit (1, the header, if none). */
  public long head() {
    return head;
  }

  /** The entry visible at snapshot {@code at}, or null. */
  public Entry get(String key, long at) {
    Versions v = map.get(key);
    return v == null ? null : v.at(at);
  }

  /** The recno of the version visible at {@code at} (a tombstone counts), 0 if never written. */
  public long versionOf(String key, long at) {
    Versions v = map.get(key);
    return v == null ? 0 : v.recnoAt(at);
  }

  /** Every key ever written in [from, to), ascending (callers filter by liveness). */
  public Iterable<String> keys(String from, String to) {
    return map.subMap(from, true, to, false).keySet();
  }

  /** The smallest key >= {@code k} that is < {@code to}, or null. */
  public String ceilingKey(String k, String to) {
    String c = map.ceilingKey(k);
    return c == null || c.compareTo(to) >= 0 ? null : c;
  }

  /**
   * Applies one complete commit made visible by record {@code recno}; a null value is a
   * tombstone. Only the single writer/replayer thread calls this, in recno order.
   */
  public void apply(long recno, long commitNanos, Map<String, Entry> changes) {
    if (recno <= head) {
      throw new IllegalStateException("commit " + recno + " is not after head " + head);
    }
    for (Map.Entry<String, Entry> c : changes.entrySet()) {
      map.computeIfAbsent(c.getKey(), k -> new Versions()).add(recno, c.getValue());
    }
    synchronized (this) {
      if (commits == commitRecnos.length) {
        commitRecnos = Arrays.copyOf(commitRecnos, commits * 2);
        commitTimes = Arrays.copyOf(commitTimes, commits * 2);
      }
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
    private volatile long[] recnos = new long[0];
    private volatile Entry[] entries = new Entry[0];

    void add(long recno, Entry e) {
      int n = recnos.length;
      Entry[] ne = Arrays.copyOf(entries, n + 1);
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

    Entry at(long at) {
      long[] r = recnos;
      int i = indexAt(at, r);
      return i < 0 ? null : entries[i];
    }

    long recnoAt(long at) {
      long[] r = recnos;
      int i = indexAt(at, r);
      return i < 0 ? 0 : r[i];
    }
  }
}
