package org.gdpstore.fs.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.gdpstore.fs.CommitResult;
import org.gdpstore.fs.FsCode;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.FsOptions;
import org.gdpstore.fs.FsPaths;
import org.gdpstore.fs.TransactionConflictException;

/**
 * Open transactions and the paths they hold: changes are staged under one lock, then handed to the
 * {@link Committer} outside it (concurrent commits are grouped; conflicts with commits made since a
 * change set's snapshot are checked where it lands in the log). Thread-safe.
 */
public final class Transactions {
  final NamespaceIndex index;
  private final DirectoryLog dirLog;
  private final Resources resources;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<Long, Txn> txns = new HashMap<>(); // guarded by lock
  final Map<EntryKey, Txn> pathLocks = new HashMap<>(); // guarded by lock
  final PendingFiles pending = new PendingFiles();
  private final AtomicLong ids = new AtomicLong();
  private final Committer committer;
  /** How often a single call that lost to another call of this process runs again. */
  private static final int MAX_LOCAL_RERUNS = 100;

  Transactions(NamespaceIndex index, DirectoryLog dirLog, FsOptions opts, Resources resources) {
    this.index = index;
    this.dirLog = dirLog;
    this.resources = resources;
    this.committer = new Committer(dirLog, index, opts);
  }

  /** Files being written by this instance (visible to it before they are published). */
  public PendingFiles pending() {
    return pending;
  }

  /** A change staged in a transaction. */
  public interface TxnOp<T> {
    T apply(Txn t) throws FsException;
  }

  /** Something read from a transaction's view. */
  public interface ViewOp<T> {
    T apply(View v) throws FsException;
  }

  /** FAILED_PRECONDITION if closed, PERMISSION_DENIED if read-only, UNAVAILABLE if the writer broke. */
  public void requireWritable(String path) throws FsException {
    if (resources.isClosed()) {
      throw new FsException(FsCode.FAILED_PRECONDITION, path, "filesystem is closed");
    }
    dirLog.requireAppendable(path);
  }

  public boolean isWritable() {
    return dirLog.canAppend() && !resources.isClosed();
  }

  /**
   * Runs a mutation in transaction {@code txnId}, or (0) in its own transaction committed at once.
   */
  public <T> T mutate(long txnId, String path, TxnOp<T> op) throws FsException {
    requireWritable(path);
    if (txnId != 0) {
      lock.lock();
      try {
        return op.apply(txn(txnId));
      } finally {
        lock.unlock();
      }
    }
    for (int run = 1; ; run++) {
      T result;
      Committer.Request req;
      lock.lock();
      try {
        Txn t = new Txn(this, 0, true);
        result = op.apply(t);
        if (t.overlay.isEmpty()) {
          return result;
        }
        req = new Committer.Request("the call on " + path, t.base, t.overlay, t.baseVersions, Map.of());
      } finally {
        lock.unlock();
      }
      // the round trip runs outside the lock: concurrent callers' commits are grouped
      try {
        committer.commit(req);
        return result;
      } catch (ConflictRules.Conflict c) {
        // a single call that lost to another call of this process runs again on the newer state
        // (as if it had come second); one that lost to another writer fails ABORTED
        if (!c.local || run >= MAX_LOCAL_RERUNS) {
          throw c.error;
        }
      }
    }
  }

  /**
   * Commits {@code changes} to key-value keys in a transaction of their own (a key-value batch):
   * blind writes (the last one in log order wins), except that every condition must hold where
   * the commit lands. Returns the commit, or null when a condition did not hold (nothing written).
   */
  public CommitResult commitChanges(Map<EntryKey, DirEntry> changes, Map<EntryKey, ConflictRules.Condition> conditions)
      throws FsException {
    requireWritable("kv:");
    Committer.Request req;
    lock.lock();
    try {
      // No Txn is staged: key-value writes are blind (no read versions to look up in the index,
      // no transaction to register); a key held by an open transaction is FAILED_PRECONDITION,
      // for a put as for a condition.
      long base = index.head();
      TreeMap<EntryKey, DirEntry> overlay = new TreeMap<>();
      for (Map.Entry<EntryKey, DirEntry> e : changes.entrySet()) {
        Txn.requireFree(this, e.getKey(), null);
        overlay.put(e.getKey(), e.getValue());
      }
      for (EntryKey k : conditions.keySet()) {
        Txn.requireFree(this, k, null);
      }
      if (overlay.isEmpty() && conditions.isEmpty()) {
        return new CommitResult(index.head(), index.commitTime(index.head()), List.of());
      }
      req = new Committer.Request("a key-value commit", base, overlay, Map.of(), conditions);
    } finally {
      lock.unlock();
    }
    try {
      return committer.commit(req);
    } catch (ConflictRules.Conflict c) {
      throw c.error; // not reached: blind writes have nothing to conflict on
    }
  }

  /** Reads transaction {@code txnId}'s view (its snapshot plus its changes) under the lock. */
  public <T> T read(long txnId, ViewOp<T> op) throws FsException {
    lock.lock();
    try {
      return op.apply(txn(txnId).view());
    } finally {
      lock.unlock();
    }
  }

  /** The open transaction {@code id}; NOT_FOUND if it ended or never existed. */
  Txn txn(long id) throws FsException {
    Txn t = txns.get(id);
    if (t == null) {
      throw new FsException(FsCode.NOT_FOUND, String.valueOf(id), "no open transaction " + id);
    }
    if (t.committing) {
      throw new FsException(FsCode.FAILED_PRECONDITION, String.valueOf(id), "transaction " + id + " is committing");
    }
    return t;
  }

  /** Checks that transaction {@code id} is open (NOT_FOUND if not). */
  public void requireOpen(long id) throws FsException {
    lock.lock();
    try {
      txn(id);
    } finally {
      lock.unlock();
    }
  }

  /** Adds a writer to transaction {@code id} (its commit closes it, its abort drops it). */
  public void addWriter(long id, Txn.StagedFile w) throws FsException {
    lock.lock();
    try {
      txn(id).addWriter(w);
    } finally {
      lock.unlock();
    }
  }

  /** Removes a writer from transaction {@code id} if it is still open. */
  public void removeWriter(long id, Txn.StagedFile w) {
    lock.lock();
    try {
      Txn t = txns.get(id);
      if (t != null) {
        t.removeWriter(w);
      }
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- TensorFlow's transaction calls

  public long start() throws FsException {
    requireWritable("/");
    lock.lock();
    try {
      long id = ids.incrementAndGet();
      txns.put(id, new Txn(this, id, false));
      return id;
    } finally {
      lock.unlock();
    }
  }

  public void add(String path, long id) throws FsException {
    lock.lock();
    try {
      txn(id).claim(path);
    } finally {
      lock.unlock();
    }
  }

  /** The transaction holding {@code path}; NOT_FOUND if none. */
  public long holderOf(String path) throws FsException {
    lock.lock();
    try {
      Txn t = pathLocks.get(EntryKey.path(path));
      if (t == null) {
        throw new FsException(FsCode.NOT_FOUND, path, "path is not part of any open transaction");
      }
      return t.id;
    } finally {
      lock.unlock();
    }
  }

  public long holderOrStart(String path) throws FsException {
    lock.lock();
    try {
      Txn t = pathLocks.get(EntryKey.path(path));
      if (t != null) {
        return t.id;
      }
      long id = start();
      txn(id).claim(path);
      return id;
    } finally {
      lock.unlock();
    }
  }

  /** TensorFlow's DecodeTransaction text. */
  public String describe(long id, String fsName) throws FsException {
    lock.lock();
    try {
      Txn t = txn(id);
      return "transaction " + t.id + " of filesystem " + fsName + ": snapshot " + t.base
          + ", " + t.overlay.size() + " staged change(s), " + t.writers.size() + " open file(s), paths "
          + t.locked.stream().map(EntryKey::display).toList();
    } finally {
      lock.unlock();
    }
  }

  /** Closes the transaction's open files (staging them) and commits it; it ends either way. */
  public CommitResult end(long id) throws FsException {
    requireWritable("/");
    Txn t;
    Committer.Request req;
    lock.lock();
    try {
      t = txn(id);
      try {
        for (Txn.StagedFile w : List.copyOf(t.writers)) {
          w.close(); // stages the file into t
        }
      } catch (FsException | RuntimeException e) {
        finish(t);
        throw e;
      }
      t.committing = true; // its paths stay held until the commit is decided
      req = new Committer.Request("transaction " + t.id, t.base, t.overlay, t.baseVersions, Map.of());
    } finally {
      lock.unlock();
    }
    try {
      if (t.overlay.isEmpty()) {
        return new CommitResult(index.head(), index.commitTime(index.head()), List.of());
      }
      return committer.commit(req);
    } catch (ConflictRules.Conflict c) {
      throw c.error;
    } finally {
      lock.lock();
      try {
        finish(t);
      } finally {
        lock.unlock();
      }
    }
  }

  public void abort(long id) throws FsException {
    lock.lock();
    try {
      Txn t = txn(id);
      for (Txn.StagedFile w : List.copyOf(t.writers)) {
        w.abandon();
      }
      finish(t);
    } finally {
      lock.unlock();
    }
  }

  /** Aborts every open transaction (closing the filesystem); returns the failures. */
  List<Throwable> abortAll() {
    List<Throwable> errors = new ArrayList<>();
    lock.lock();
    try {
      for (Txn t : List.copyOf(txns.values())) {
        if (t.committing) {
          continue; // its commit is running; awaitCommits() waits for it
        }
        try {
          abort(t.id);
        } catch (FsException e) {
          errors.add(e);
        }
      }
    } finally {
      lock.unlock();
    }
    return errors;
  }

  /** Counters of this writer's commits (tests, benchmarks). */
  public CommitStats commitStats() {
    return dirLog.stats();
  }

  /** Waits until the commits running now are decided (closing the filesystem). */
  void awaitCommits() {
    committer.awaitIdle();
  }

  /** Runs {@code r} under the writer lock (closing the filesystem waits for running writes). */
  void underLock(Runnable r) {
    lock.lock();
    try {
      r.run();
    } finally {
      lock.unlock();
    }
  }

  public List<Long> openIds() {
    lock.lock();
    try {
      return new ArrayList<>(txns.keySet());
    } finally {
      lock.unlock();
    }
  }

  private void finish(Txn t) {
    txns.remove(t.id);
    pending.dropTxn(t.id);
    for (EntryKey k : t.locked) {
      pathLocks.remove(k, t);
    }
    t.whenFinished.forEach(Runnable::run);
    t.whenFinished.clear();
  }

  /** Runs {@code r} when transaction {@code id} ends, or now if it has ended. */
  public void whenFinished(long id, Runnable r) {
    lock.lock();
    try {
      Txn t = txns.get(id);
      if (t != null) {
        t.whenFinished.add(r);
        return;
      }
    } finally {
      lock.unlock();
    }
    r.run();
  }
}
