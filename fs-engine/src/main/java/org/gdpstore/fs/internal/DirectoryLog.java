package org.gdpstore.fs.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.gdpstore.fs.CommitListener;
import org.gdpstore.fs.CommitResult;
import org.gdpstore.fs.FsCode;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.IntegrityException;
import org.gdpstore.fs.internal.proto.LogHeader;
import org.gdpstore.fs.internal.proto.LogKind;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;

/**
 * The filesystem's directory log as this process follows it: replays records into the
 * {@link NamespaceIndex} (multi-record commits applied only when complete), picks up later commits
 * ({@link #refresh()}, {@link #watch}), and appends this writer's commits. Replay and appends are
 * serialized by one lock; the index is read lock-free.
 */
public final class DirectoryLog implements AutoCloseable {
  private final GdpName root;
  private final LogStore.Source source;
  private final LogStore.Appender appender; // null: read-only
  private final LogHeader header;
  private final NamespaceIndex index;

  // Replay state (guarded by replayLock).
  private final Object replayLock = new Object();
  private long replayedUpTo = 1;
  private long pendingTxn = -1;
  private int pendingPart;
  private long pendingFirst;
  private Map<EntryKey, DirEntry> pending;
  private long nextTxnId = 1;
  /** Commits applied by the running refresh, for the listeners (guarded by replayLock). */
  private List<CommitResult> replayed;
  private final List<CommitListener> listeners = new CopyOnWriteArrayList<>();
  private volatile String writerBroken;

  private DirectoryLog(GdpName root, LogStore.Source source, LogStore.Appender appender,
      LogHeader header, NamespaceIndex index) {
    this.root = root;
    this.source = source;
    this.appender = appender;
    this.header = header;
    this.index = index;
  }

  /**
   * Opens directory log {@code root} (for appending too with the writer's {@code keys}; null =
   * read-only) and checks its header; nothing is replayed yet.
   */
  static DirectoryLog open(LogStore store, GdpName root, boolean verify, Ed25519Keys keys,
      NamespaceIndex index) throws FsException {
    LogStore.Source src = Await.await(store.openSource(root, verify), "/");
    LogHeader h;
    try {
      if (Await.await(src.lastRecno(), "/") < 1) {
        throw new IllegalArgumentException("the log is empty");
      }
      h = Records.parseHeader(Await.await(src.read(1), "/").payload(), LogKind.DIRECTORY);
    } catch (IllegalArgumentException e) {
      src.close();
      throw new FsException(FsCode.FAILED_PRECONDITION, "/",
          "log " + root + " is not a gdpstore directory log: " + e.getMessage());
    } catch (FsException e) {
      src.close();
      throw e;
    }
    LogStore.Appender app = null;
    if (keys != null) {
      try {
        app = Await.await(store.openAppender(root, keys), "/");
      } catch (FsException e) {
        src.close();
        throw e;
      }
    }
    return new DirectoryLog(root, src, app, h, index);
  }

  public LogHeader header() {
    return header;
  }

  public GdpName root() {
    return root;
  }

  /** The raw public key of the filesystem's writer (from the log's metadata; empty if none). */
  public byte[] writerKey() {
    return source.writerKey();
  }

  /** Reads records {@code first..last} of the directory log (verified as the source is). */
  public List<LogStore.StoredRecord> read(long first, long last) throws FsException {
    List<LogStore.StoredRecord> out = new ArrayList<>();
    long next = first;
    while (next <= last) {
      List<LogStore.StoredRecord> recs = Await.await(
          source.readRange(next, (int) Math.min(256, last - next + 1)), "/");
      if (recs.isEmpty()) {
        throw new IntegrityException("/", "directory log has no record " + next);
      }
      out.addAll(recs);
      next = recs.get(recs.size() - 1).recno() + 1;
    }
    return out;
  }

  /** Reads directory records appended since the last refresh (other writers' commits). */
  public long refresh() throws FsException {
    List<CommitResult> applied = new ArrayList<>();
    long head;
    synchronized (replayLock) {
      replayed = applied;
      try {
        long last = Await.await(source.lastRecno(), "/");
        while (replayedUpTo < last) {
          int n = (int) Math.min(256, last - replayedUpTo);
          List<LogStore.StoredRecord> recs = Await.await(source.readRange(replayedUpTo + 1, n), "/");
          if (recs.isEmpty()) {
            break;
          }
          for (LogStore.StoredRecord r : recs) {
            replayOne(r);
          }
        }
        head = index.head();
      } finally {
        replayed = null;
      }
    }
    // listeners run outside the lock, in commit order
    for (CommitResult c : applied) {
      for (CommitListener l : listeners) {
        l.onCommit(c);
      }
    }
    return head;
  }

  private void replayOne(LogStore.StoredRecord r) throws FsException {
    if (r.recno() != replayedUpTo + 1) {
      throw new IntegrityException("/", "directory log returned record " + r.recno()
          + " where " + (replayedUpTo + 1) + " was expected");
    }
    CommitCodec.Part c;
    try {
      c = CommitCodec.decode(r.payload(), header.getFormatVersion());
    } catch (IllegalArgumentException e) {
      throw new IntegrityException("/", "directory record " + r.recno() + " of " + root
          + " is malformed: " + e.getMessage());
    }
    replayedUpTo = r.recno();
    nextTxnId = Math.max(nextTxnId, c.txnId() + 1);
    if (c.part() == 0) {
      pending = new LinkedHashMap<>(); // an unfinished earlier run, if any, is discarded here
      pendingTxn = c.txnId();
      pendingPart = 0;
      pendingFirst = r.recno();
    } else if (pending == null || c.txnId() != pendingTxn || c.part() != pendingPart + 1) {
      pending = null; // orphan continuation: part of a commit whose start we discarded
      return;
    } else {
      pendingPart = c.part();
    }
    pending.putAll(c.changes());
    if (c.last()) {
      index.apply(pendingFirst, r.recno(), c.commitNanos(), pending);
      if (replayed != null) {
        replayed.add(new CommitResult(r.recno(), c.commitNanos(),
            pending.keySet().stream().map(EntryKey::display).sorted().toList()));
      }
      pending = null;
    }
  }

  /** Follows the directory log: every appended record triggers a refresh on the watch's thread. */
  public AutoCloseable watch(CommitListener listener, Resources resources) throws FsException {
    ExecutorService exec = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "gdpfs-watch-" + root.printable().substring(0, 8));
      t.setDaemon(true);
      return t;
    });
    AtomicBoolean scheduled = new AtomicBoolean();
    Runnable trigger = () -> {
      // coalesce: one refresh reads every record appended before it runs
      if (scheduled.compareAndSet(false, true)) {
        try {
          exec.execute(() -> {
            scheduled.set(false);
            try {
              refresh();
            } catch (FsException e) {
              listener.onError(e);
            }
          });
        } catch (RejectedExecutionException closed) {
          // the watch was closed
        }
      }
    };
    listeners.add(listener);
    AutoCloseable sub;
    long from;
    synchronized (replayLock) {
      from = replayedUpTo + 1;
    }
    try {
      sub = source.subscribe(from, r -> trigger.run(),
          e -> exec.execute(() -> listener.onError(Await.translate(e, "/"))));
    } catch (RuntimeException e) {
      listeners.remove(listener);
      exec.shutdownNow();
      throw Await.translate(e, "/");
    }
    AutoCloseable[] self = new AutoCloseable[1];
    self[0] = () -> {
      resources.unregister(self[0]);
      listeners.remove(listener);
      try {
        sub.close();
      } catch (Exception ignored) {
        // best effort: the watch's thread stops either way
      }
      exec.shutdownNow();
    };
    resources.register(self[0]);
    return self[0];
  }

  /** A fresh transaction id for a commit (strictly increasing in this log). */
  long newTxnId() {
    synchronized (replayLock) {
      return nextTxnId++;
    }
  }

  /**
   * Appends one commit of {@code changes} (sorted keys) and applies it to the index; returns it.
   * Any failure leaves the writer broken (the outcome is unknown until the log is replayed).
   */
  CommitResult append(long txnId, long nanos, Map<EntryKey, DirEntry> changes) throws FsException {
    List<ByteBuffer> parts = CommitCodec.encode(txnId, nanos, changes);
    List<String> paths = changes.keySet().stream().map(EntryKey::display).sorted().toList();
    List<Long> recnos;
    synchronized (replayLock) {
      try {
        recnos = appender.appendBatch(parts).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        writerBroken = "interrupted during commit";
        throw new FsException(FsCode.CANCELLED, "/", "interrupted; commit outcome unknown", e);
      } catch (ExecutionException e) {
        writerBroken = String.valueOf(e.getCause().getMessage());
        FsException fe = Await.translate(e.getCause(), "/");
        throw new FsException(fe.code() == FsCode.PERMISSION_DENIED ? FsCode.PERMISSION_DENIED : FsCode.UNAVAILABLE,
            "/", "commit failed, its outcome is unknown until the filesystem is reopened: " + fe.getMessage(), fe);
      }
      long last = recnos.get(recnos.size() - 1);
      if (last != replayedUpTo + parts.size()) {
        // someone else appended to our directory log: we are not the single writer any more
        writerBroken = "directory log has records this writer did not append";
        throw new FsException(FsCode.ABORTED, "/", "directory log was appended to by another writer");
      }
      replayedUpTo = last;
      index.apply(last - parts.size() + 1, last, nanos, changes);
      pending = null;
      return new CommitResult(last, nanos, paths);
    }
  }

  /** Whether this process can append commits (holds the key, the writer is not broken). */
  boolean canAppend() {
    return appender != null && writerBroken == null;
  }

  /** PERMISSION_DENIED without the key, UNAVAILABLE once a commit's outcome became unknown. */
  void requireAppendable(String path) throws FsException {
    if (appender == null) {
      throw new FsException(FsCode.PERMISSION_DENIED, path,
          "read-only: this process does not hold the filesystem's writer key");
    }
    if (writerBroken != null) {
      throw new FsException(FsCode.UNAVAILABLE, path, "writer lost its log server (" + writerBroken
          + "); reopen the filesystem to continue");
    }
  }

  @Override
  public void close() {
    source.close();
    if (appender != null) {
      appender.close();
    }
  }
}
