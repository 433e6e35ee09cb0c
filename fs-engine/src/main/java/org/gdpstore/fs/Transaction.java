package org.gdpstore.fs;

/**
 * One open transaction as a filesystem view (TensorFlow's WrappedFileSystem bound to a token):
 * every call stages its changes, reads see the transaction's snapshot plus its own changes, and
 * {@link #commit()} makes all of them visible with one directory record, or none of them. Paths
 * the transaction touches are held by it: other calls on them fail with FAILED_PRECONDITION
 * until it ends. {@link #close()} aborts unless committed, so try-with-resources gives
 * all-or-nothing. Thread-safe (calls are serialized with the filesystem's writer).
 */
public final class Transaction extends BaseOps implements AutoCloseable {
  private final TransactionToken token;
  private volatile boolean ended;

  Transaction(FsCore core, TransactionToken token) {
    super(core);
    this.token = token;
  }

  /** The TensorFlow token of this transaction. */
  public TransactionToken token() {
    return token;
  }

  /** Closes open files, commits, and returns the directory record that made it visible. */
  public CommitResult commit() throws FsException {
    ended = true;
    return core.endTransaction(token);
  }

  /** Discards every staged change and open file; nothing becomes visible. */
  public void abort() throws FsException {
    ended = true;
    core.abortTransaction(token);
  }

  /** Aborts the transaction unless it was committed or aborted. Idempotent. */
  @Override
  public void close() throws FsException {
    if (!ended) {
      abort();
    }
  }

  @Override
  <T> T withView(ViewFn<T> fn) throws FsException {
    core.writeLock.lock();
    try {
      return fn.apply(core.txn(token).view());
    } finally {
      core.writeLock.unlock();
    }
  }

  @Override
  public String toString() {
    return "Transaction[" + token.id() + "]";
  }
}
