package org.gdpstore.fs.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.PathChange;
import org.gdpstore.fs.VerifyReport;

/**
 * History and verification of one path (a file, or a directory with everything under it) at a
 * cost proportional to that path's own changes: the {@link NamespaceIndex} keeps every version of
 * every key with the commit that wrote it, so no snapshot of the whole filesystem is rebuilt; only
 * the directory records of those commits are read back. Thread-safe.
 */
public final class PathHistory {
  private static final HexFormat HEX = HexFormat.of();

  /** The live namespace (what exists, for verification's views). */
  private final NamespaceIndex live;
  /** Every version of the keys asked about (the live index itself when it was replayed in full). */
  private final NamespaceIndex index;
  private final DirectoryLog dirLog;
  private final ContentReader content;

  PathHistory(NamespaceIndex index, DirectoryLog dirLog, ContentReader content) {
    this(index, index, dirLog, content);
  }

  PathHistory(NamespaceIndex live, NamespaceIndex versions, DirectoryLog dirLog, ContentReader content) {
    this.live = live;
    this.index = versions;
    this.dirLog = dirLog;
    this.content = content;
  }

  /** One change of one key, before its directory record is read back. */
  private record KeyChange(long recno, EntryKey key, PathChange.Kind kind, DirEntry entry, DirEntry before) {}

  /**
   * The changes of {@code path} (normalized; a directory includes everything under it, the root
   * also the key-value pairs and the filesystem's creation) in commits at or before {@code at},
   * oldest first; empty if the path was never written.
   */
  public List<PathChange> history(String path, long at) throws FsException {
    List<KeyChange> changes = keyChanges(path, at);
    String signer = HEX.formatHex(dirLog.writerKey());
    Map<Long, LogStore.StoredRecord> records = readCommits(changes);
    List<PathChange> out = new ArrayList<>(changes.size());
    for (KeyChange c : changes) {
      LogStore.StoredRecord r = records.get(c.recno());
      DirEntry shown = c.entry() != null ? c.entry() : c.before();
      boolean dir = shown != null && shown.isDir();
      boolean live = c.entry() != null && !dir;
      long nanos = c.recno() == 1 ? dirLog.header().getCreatedUnixNanos() : index.commitTime(c.recno());
      out.add(new PathChange(c.recno(), nanos, c.key().display(), c.kind(), dir,
          live ? c.entry().size : 0, live ? HEX.formatHex(c.entry().sha256()) : "", signer,
          hex(r.recordHash()), r.verified()));
    }
    return out;
  }

  /** Every version of the keys under {@code path}, sorted by commit then key. */
  private List<KeyChange> keyChanges(String path, long at) {
    List<EntryKey> keys = new ArrayList<>();
    if (!path.equals("/")) {
      keys.add(EntryKey.path(path));
    }
    for (EntryKey k : index.keys(EntryKey.subtreeStart(path), EntryKey.subtreeEnd(path))) {
      keys.add(k);
    }
    if (path.equals("/")) {
      for (EntryKey k : index.keysFrom(EntryKey.kv(""))) {
        keys.add(k);
      }
    }
    List<KeyChange> out = new ArrayList<>();
    if (path.equals("/")) {
      out.add(new KeyChange(1, EntryKey.ROOT, PathChange.Kind.CREATED, View.ROOT, null));
    }
    for (EntryKey k : keys) {
      DirEntry before = null;
      for (NamespaceIndex.Version v : index.versions(k, at)) {
        PathChange.Kind kind = v.entry() == null ? PathChange.Kind.DELETED
            : before == null ? PathChange.Kind.CREATED : PathChange.Kind.MODIFIED;
        if (v.entry() != null || before != null) { // a delete of nothing is no change
          out.add(new KeyChange(v.recno(), k, kind, v.entry(), before));
        }
        before = v.entry();
      }
    }
    out.sort((a, b) -> a.recno() != b.recno() ? Long.compare(a.recno(), b.recno()) : a.key().compareTo(b.key()));
    return out;
  }

  /** The last record of each commit among {@code changes}, read back (and verified) once each. */
  private Map<Long, LogStore.StoredRecord> readCommits(List<KeyChange> changes) throws FsException {
    long[] recnos = changes.stream().mapToLong(KeyChange::recno).distinct().sorted().toArray();
    Map<Long, LogStore.StoredRecord> out = new LinkedHashMap<>();
    for (int i = 0; i < recnos.length; ) {
      int j = i;
      while (j + 1 < recnos.length && recnos[j + 1] == recnos[j] + 1 && j - i < 255) {
        j++; // consecutive commits: one range read
      }
      for (LogStore.StoredRecord r : dirLog.read(recnos[i], recnos[j])) {
        out.put(r.recno(), r);
      }
      i = j + 1;
    }
    return out;
  }

  /**
   * Verifies {@code path} (normalized) at snapshot {@code at}: reads back every directory record
   * of every commit that changed it (signatures, and the entries they carry compared with the
   * replayed ones), then every live file and value under it in full against its content hash.
   * Failures are collected, not thrown. NOT_FOUND if the path does not exist at {@code at}.
   */
  public VerifyReport verify(String path, long at) throws FsException {
    View v = new View(live, at, null);
    DirEntry target = PathChecks.lookup(v, path);
    Map<String, String> failures = new TreeMap<>();
    long records = checkRecords(keyChanges(path, at), failures);
    List<EntryKey> live = new ArrayList<>();
    if (!target.isDir()) {
      live.add(EntryKey.path(path));
    } else {
      for (String p : v.descendants(path)) {
        live.add(EntryKey.path(p));
      }
      if (path.equals("/")) {
        for (String k : v.kvKeys("")) {
          live.add(EntryKey.kv(k));
        }
      }
    }
    long[] counts = checkContent(v, live, failures);
    return new VerifyReport(at, records, counts[0], counts[1], failures);
  }

  /** Reads every live file and value at snapshot {@code at} in full (no directory records). */
  public VerifyReport verifyAll(long at) {
    View v = new View(live, at, null);
    List<EntryKey> live = new ArrayList<>();
    for (String p : v.descendants("/")) {
      live.add(EntryKey.path(p));
    }
    for (String k : v.kvKeys("")) {
      live.add(EntryKey.kv(k));
    }
    Map<String, String> failures = new TreeMap<>();
    long[] counts = checkContent(v, live, failures);
    return new VerifyReport(at, 0, counts[0], counts[1], failures);
  }

  /** Checks the content of the files and values among {@code keys}; returns {entries, bytes}. */
  private long[] checkContent(View v, List<EntryKey> keys, Map<String, String> failures) {
    long entries = 0;
    long bytes = 0;
    for (EntryKey key : keys) {
      DirEntry e = v.committed(key);
      if (e == null || e.isDir()) {
        continue;
      }
      entries++;
      try {
        bytes += content.verifyContent(e, key.display());
      } catch (FsException ex) {
        failures.put(key.display(), ex.getMessage());
      }
    }
    return new long[] {entries, bytes};
  }

  /**
   * Reads back every record of the commits among {@code changes} and checks that each is signed
   * and carries the replayed entry of each changed key; returns how many records were read.
   */
  private long checkRecords(List<KeyChange> changes, Map<String, String> failures) {
    Map<Long, List<KeyChange>> byCommit = new LinkedHashMap<>();
    for (KeyChange c : changes) {
      byCommit.computeIfAbsent(c.recno(), r -> new ArrayList<>()).add(c);
    }
    long read = 0;
    for (Map.Entry<Long, List<KeyChange>> commit : byCommit.entrySet()) {
      long last = commit.getKey();
      long first = last == 1 ? 1 : index.commitFirstRecno(last);
      String where = "directory record " + (first == last ? last : first + ".." + last);
      List<LogStore.StoredRecord> recs;
      try {
        recs = dirLog.read(first, last);
      } catch (FsException e) {
        failures.put(where, e.getMessage());
        continue;
      }
      read += recs.size();
      Map<EntryKey, DirEntry> carried = new LinkedHashMap<>();
      for (LogStore.StoredRecord r : recs) {
        if (!r.verified()) {
          failures.put("directory record " + r.recno(), "carries no verified signature");
        }
        if (r.recno() == 1) {
          continue; // the header: the filesystem's creation
        }
        try {
          carried.putAll(CommitCodec.decode(r.payload(), dirLog.header().getFormatVersion()).changes());
        } catch (IllegalArgumentException e) {
          failures.put("directory record " + r.recno(), "malformed: " + e.getMessage());
        }
      }
      for (KeyChange c : commit.getValue()) {
        if (c.recno() == 1) {
          continue;
        }
        if (!carried.containsKey(c.key()) || !Objects.equals(carried.get(c.key()), c.entry())) {
          failures.put(c.key().display(), where + " does not carry the entry replayed from it");
        }
      }
    }
    return read;
  }

  private static String hex(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.duplicate().get(a);
    return HEX.formatHex(a);
  }
}
