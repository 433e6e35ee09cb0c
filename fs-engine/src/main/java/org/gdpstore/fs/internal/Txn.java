package org.gdpstore.fs.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.gdpstore.fs.FsCode;
import org.gdpstore.fs.FsException;

/**
 * A set of staged changes: a user transaction or the implicit one of a single call. Reads see the
 * snapshot it started on plus its own changes. Used under {@link Transactions}' lock only.
 */
public final class Txn {
  /** A file being written into a transaction: closing it stages it, abandoning drops it. */
  public interface StagedFile {
    void close() throws FsException;

    void abandon();
  }

  final long id;
  final boolean auto;
  final long base;
  final TreeMap<EntryKey, DirEntry> overlay = new TreeMap<>();
  final Map<EntryKey, Long> baseVersions = new HashMap<>();
  final Set<EntryKey> locked = new TreeSet<>();
  final Set<StagedFile> writers = ConcurrentHashMap.newKeySet();
  /** Run when it ends (committed or not): staged files' logs stop being held. */
  final List<Runnable> whenFinished = new ArrayList<>();
  /** Its commit is running: it takes no more changes. */
  boolean committing;
  private final Transactions owner;

  Txn(Transactions owner, long id, boolean auto) {
    this.owner = owner;
    this.id = id;
    this.auto = auto;
    this.base = owner.index.head();
  }

  public View view() {
    return new View(owner.index, base, overlay, owner.pending.of(id));
  }

  /** The writer of the file being written at {@code path} in this transaction, or null. */
  public FileVersionWriter pending(String path) {
    return owner.pending.get(id, EntryKey.path(path));
  }

  /** Makes {@code w} the file being written at {@code path} in this transaction. */
  public void addPending(String path, FileVersionWriter w) {
    owner.pending.put(id, EntryKey.path(path), w);
  }

  /** The file being written at {@code path} was deleted or replaced: its close publishes nothing. */
  public void detachPending(String path) {
    FileVersionWriter w = pending(path);
    if (w != null) {
      w.detach();
      owner.pending.remove(id, EntryKey.path(path), w);
    }
  }

  /** The file being written at {@code src} was renamed to {@code dst}: it is published there. */
  public void movePending(String src, String dst) throws FsException {
    FileVersionWriter w = pending(src);
    if (w == null) {
      return;
    }
    claim(dst);
    owner.pending.remove(id, EntryKey.path(src), w);
    w.retarget(EntryKey.path(dst));
    owner.pending.put(id, EntryKey.path(dst), w);
  }

  /** Claims a path for this transaction (FAILED_PRECONDITION if another one holds it). */
  public void claim(String path) throws FsException {
    claim(EntryKey.path(path));
  }

  /** Claims a key for this transaction (FAILED_PRECONDITION if another one holds it). */
  public void claim(EntryKey key) throws FsException {
    Txn holder = requireFree(owner, key, this);
    baseVersions.computeIfAbsent(key, k -> owner.index.versionOf(k, base));
    if (!auto && holder == null) {
      owner.pathLocks.put(key, this);
      locked.add(key);
    }
  }

  /**
   * The transaction holding {@code key} (null or {@code self}); FAILED_PRECONDITION if another one
   * holds it. Under {@link Transactions}' lock.
   */
  static Txn requireFree(Transactions owner, EntryKey key, Txn self) throws FsException {
    Txn holder = owner.pathLocks.get(key);
    if (holder != null && holder != self) {
      throw new FsException(FsCode.FAILED_PRECONDITION, key.display(),
          "path is part of open transaction " + holder.id + "; use its token or end it first");
    }
    return holder;
  }

  /**
   * A read version meaning "was absent, and a directory another writer creates there meanwhile is
   * no conflict" (implicit parents of a recursive create: {@link #ensureDir}).
   */
  static final long ABSENT_OR_DIR = -1;

  /**
   * Stages directory {@code path} as an implicit parent (recursive create, e.g. a put into a new
   * directory): parallel writers creating the same parent for different files do not conflict.
   */
  public void ensureDir(String path, DirEntry dir) throws FsException {
    EntryKey key = EntryKey.path(path);
    boolean unread = !baseVersions.containsKey(key);
    put(key, dir);
    if (unread) {
      baseVersions.put(key, ABSENT_OR_DIR);
    }
  }

  /** Stages a new entry for a path (null: a delete). */
  public void put(String path, DirEntry e) throws FsException {
    put(EntryKey.path(path), e);
  }

  /** Stages a new entry for a key (null: a delete). */
  public void put(EntryKey key, DirEntry e) throws FsException {
    claim(key);
    overlay.put(key, e);
  }

  /** Files open in this transaction are closed (staged) by its commit, dropped by its abort. */
  public void addWriter(StagedFile w) {
    writers.add(w);
  }

  public void removeWriter(StagedFile w) {
    writers.remove(w);
  }
}
