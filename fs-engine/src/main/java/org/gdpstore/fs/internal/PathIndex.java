package org.gdpstore.fs.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.IntegrityException;

/**
 * Every version of the keys under one path, for history and verification of a filesystem opened
 * from a checkpoint (whose index starts at that checkpoint). Walks the checkpoint chain back
 * through the per-path change indexes of format-4 checkpoints and reads only the commits that
 * changed those keys, so its cost is the path's own changes plus one read of each checkpoint,
 * not a replay of the whole log. Stateless.
 */
final class PathIndex {
  private PathIndex() {}

  /** One commit's changes to the wanted keys. */
  private record Commit(long first, long nanos, Map<EntryKey, DirEntry> changes) {}

  /**
   * An index of every version of the keys {@code wanted} accepts, up to the live index's head;
   * null if a checkpoint on the chain has no change index (version 3): the caller replays instead.
   */
  static NamespaceIndex load(DirectoryLog dirLog, NamespaceIndex live, Predicate<EntryKey> wanted)
      throws FsException {
    long base = live.base();
    long ckpt = dirLog.openedFromCheckpoint();
    TreeMap<Long, List<EntryKey>> byCommit = new TreeMap<>();
    long covered = base; // the chain must reach back to record 2
    while (ckpt > 0) {
      Checkpoints.Changes c = Checkpoints.changes(dirLog::read, ckpt, dirLog.header().getFormatVersion(), wanted);
      if (!c.complete() || c.commit() != covered) {
        return null;
      }
      c.keys().forEach((k, recnos) -> {
        for (long r : recnos) {
          byCommit.computeIfAbsent(r, x -> new ArrayList<>()).add(k);
        }
      });
      covered = c.previousCommit();
      ckpt = c.previous();
    }
    if (covered != 0 && base > 1) {
      return null; // the chain does not reach the start (cannot happen with complete checkpoints)
    }
    TreeMap<Long, Commit> commits = new TreeMap<>();
    int formatVersion = dirLog.header().getFormatVersion();
    for (Map.Entry<Long, List<EntryKey>> e : byCommit.entrySet()) {
      commits.put(e.getKey(), readCommit(dirLog, e.getKey(), e.getValue(), formatVersion));
    }
    for (EntryKey k : live.allKeys()) {
      if (!wanted.test(k)) {
        continue;
      }
      for (long r : live.recnosAfter(k, base)) {
        commits.computeIfAbsent(r, x -> new Commit(live.commitFirstRecno(x), live.commitTime(x), new LinkedHashMap<>()))
            .changes().put(k, live.get(k, r));
      }
    }
    NamespaceIndex idx = new NamespaceIndex();
    for (Map.Entry<Long, Commit> e : commits.entrySet()) {
      idx.apply(e.getValue().first(), e.getKey(), e.getValue().nanos(), e.getValue().changes());
    }
    return idx;
  }

  /** Reads the commit whose last record is {@code last} and takes its changes of {@code keys}. */
  private static Commit readCommit(DirectoryLog dirLog, long last, List<EntryKey> keys, int formatVersion)
      throws FsException {
    try {
      CommitCodec.Part fin = CommitCodec.decode(dirLog.read(last, last).get(0).payload(), formatVersion);
      if (!fin.last() || fin.part() >= last - 1) {
        throw new IllegalArgumentException("it is not the last record of a commit");
      }
      Map<EntryKey, DirEntry> all = new LinkedHashMap<>();
      if (fin.part() > 0) {
        for (LogStore.StoredRecord r : dirLog.read(last - fin.part(), last - 1)) {
          CommitCodec.Part p = CommitCodec.decode(r.payload(), formatVersion);
          if (p.txnId() != fin.txnId()) {
            throw new IllegalArgumentException("record " + r.recno() + " is not part of it");
          }
          all.putAll(p.changes());
        }
      }
      all.putAll(fin.changes());
      Map<EntryKey, DirEntry> out = new LinkedHashMap<>();
      for (EntryKey k : keys) {
        if (!all.containsKey(k)) {
          throw new IllegalArgumentException("it does not change " + k.display() + " as its checkpoint says");
        }
        out.put(k, all.get(k));
      }
      return new Commit(last - fin.part(), fin.commitNanos(), out);
    } catch (IllegalArgumentException e) {
      throw new IntegrityException("/", "directory commit " + last + " is malformed: " + e.getMessage());
    }
  }
}
