package org.gdpstore.fs.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.gdpstore.fs.CommitResult;
import org.gdpstore.fs.FsCode;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.FsOptions;
import org.gdpstore.fs.FsPaths;
import org.gdpstore.fs.TransactionConflictException;

/**
 * Open transactions, the paths they hold and the commit path: every mutation and commit runs under
 * one lock (the single writer); a commit checks for conflicts with commits made since its
 * transaction started and is appended by the {@link DirectoryLog}. Thread-safe.
 */
public final class Transactions {
  final NamespaceIndex index;
  private final DirectoryLog dirLog;
  private final FsOptions opts;
  private final Resources resources;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<Long, Txn> txns = new HashMap<>(); // guarded by lock
  final Map<EntryKey, Txn> pathLocks = new HashMap<>(); // guarded by lock
  final PendingFiles pending = new PendingFiles();
  private final AtomicLong ids = new AtomicLong();

  Transactions(NamespaceIndex index, DirectoryLog dirLog, FsOptions opts, Resources resources) {
    this.index = index;
    this.dirLog = dirLog;
    this.opts = opts;
    this.resources = resources;
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
    lock.lock();
    try {
      Txn t = txnId == 0 ? new Txn(this, 0, true) : txn(txnId);
      T result = op.apply(t);
      if (t.auto && !t.overlay.isEmpty()) {
        commit(t);
      }
      return result;
    } finally {
      lock.unlock();
    }
  }

  /** Stages {@code changes} in a transaction of their own and commits it (a key-value batch). */
  public CommitResult commitChanges(Map<EntryKey, DirEntry> changes) throws FsException {
    requireWritable("kv:");
    lock.lock();
    try {
      Txn t = new Txn(this, 0, true);
      for (Map.Entry<EntryKey, DirEntry> e : changes.entrySet()) {
        t.put(e.getKey(), e.getValue());
      }
      return commit(t);
    } finally {
      lock.unlock();
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
    lock.lock();
    try {
      Txn t = txn(id);
      try {
        for (Txn.StagedFile w : List.copyOf(t.writers)) {
          w.close(); // stages the file into t
        }
        return commit(t);
      } finally {
        finish(t);
      }
    } finally {
      lock.unlock();
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
  }

  // ---------------------------------------------------------------- commit

  /** Appends the transaction's changes as one commit (or a run of parts) and applies them. */
  private CommitResult commit(Txn t) throws FsException {
    requireWritable("/");
    if (!t.auto) {
      checkConflicts(t);
    }
    if (t.overlay.isEmpty()) {
      return new CommitResult(index.head(), index.commitTime(index.head()), List.of());
    }
    long txnId = dirLog.newTxnId();
    long nanos = Math.max(WriterClock.nowNanos(opts), index.commitTime(index.head()));
    return dirLog.append(txnId, nanos, t.overlay);
  }

  private void checkConflicts(Txn t) throws FsException {
    long head = index.head();
    for (Map.Entry<EntryKey, Long> e : t.baseVersions.entrySet()) {
      long now = index.versionOf(e.getKey(), head);
      if (now != e.getValue()) {
        throw new TransactionConflictException(e.getKey().display(),
            "changed by commit " + now + " after transaction " + t.id + " started at " + t.base);
      }
    }
    View merged = new View(index, head, t.overlay);
    for (Map.Entry<EntryKey, DirEntry> e : t.overlay.entrySet()) {
      EntryKey key = e.getKey();
      if (key.kv()) {
        continue;
      }
      if (e.getValue() == null) {
        // a directory this transaction removes must not have gained children meanwhile
        if (!merged.childNames(key.name(), 1).isEmpty()) {
          throw new TransactionConflictException(key.display(), "directory removed by transaction " + t.id
              + " got new entries after it started");
        }
        continue;
      }
      String parent = FsPaths.dirname(key.name());
      DirEntry p = merged.get(parent);
      if (p == null || !p.isDir()) {
        throw new TransactionConflictException(key.display(), "parent directory " + parent
            + " no longer exists at commit time");
      }
    }
  }
}
