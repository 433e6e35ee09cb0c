package org.gdpstore.fs.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
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
import org.gdpstore.fs.FsOptions;
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
  private final DirectoryReplay replay;
  private final boolean readCheckpoints;
  private boolean started;
  private long openedFrom;
  // Checkpoint policy of this writer (0: never) and what was committed since the last one.
  private final int checkpointEveryCommits;
  private final long checkpointEveryBytes;
  private int commitsSinceCheckpoint;
  private long bytesSinceCheckpoint;
  private final List<CommitListener> listeners = new CopyOnWriteArrayList<>();
  private volatile String writerBroken;

  private DirectoryLog(GdpName root, LogStore.Source source, LogStore.Appender appender,
      LogHeader header, NamespaceIndex index, FsOptions opts) {
    this.root = root;
    this.source = source;
    this.appender = appender;
    this.header = header;
    this.index = index;
    this.replay = new DirectoryReplay(root, header.getFormatVersion(), index);
    boolean v3 = header.getFormatVersion() >= Records.CHECKPOINTS_VERSION;
    this.readCheckpoints = v3 && opts.readCheckpoints();
    // a writer continuing an older filesystem writes no checkpoints: its readers would not know them
    this.checkpointEveryCommits = v3 ? opts.checkpointEveryCommits() : 0;
    this.checkpointEveryBytes = v3 ? opts.checkpointEveryBytes() : 0;
  }

  /**
   * Opens directory log {@code root} (for appending too with the writer's {@code keys}; null =
   * read-only) and checks its header; nothing is replayed yet.
   */
  static DirectoryLog open(LogStore store, GdpName root, FsOptions opts, Ed25519Keys keys,
      NamespaceIndex index) throws FsException {
    LogStore.Source src = Await.await(store.openSource(root, opts.verify()), "/");
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
    return new DirectoryLog(root, src, app, h, index, opts);
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
      {
        long last = Await.await(source.lastRecno(), "/");
        if (!started) {
          started = true;
          startFromCheckpoint(last);
        }
        while (replay.upTo() < last) {
          int n = (int) Math.min(256, last - replay.upTo());
          List<LogStore.StoredRecord> recs = Await.await(source.readRange(replay.upTo() + 1, n), "/");
          if (recs.isEmpty()) {
            break;
          }
          for (LogStore.StoredRecord r : recs) {
            CommitResult c = replay.accept(r);
            if (c != null) {
              applied.add(c);
            }
          }
        }
        head = index.head();
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

  /** First refresh: loads the latest complete checkpoint, so only the records after it are replayed. */
  private void startFromCheckpoint(long last) throws FsException {
    if (!readCheckpoints || last < 2) {
      return;
    }
    long ckpt = Checkpoints.locate(this::read, last);
    if (ckpt > 0) {
      Checkpoints.Part p = Checkpoints.load(this::read, ckpt, index);
      replay.startAfterCheckpoint(ckpt, p.id() + 1);
      openedFrom = ckpt;
    }
  }

  /**
   * A separate index holding the snapshot at {@code at} (older than this index's base): loaded
   * from the latest checkpoint at or before {@code at}, then the commits after it up to {@code at}.
   */
  NamespaceIndex loadSnapshot(long at) throws FsException {
    return loadRange(at, at);
  }

  /**
   * A separate index holding every version from the latest checkpoint at or before {@code from}
   * (or the first record) up to record {@code upTo}, and the retention seen on the way.
   */
  NamespaceIndex loadRange(long from, long upTo) throws FsException {
    NamespaceIndex idx = new NamespaceIndex();
    DirectoryReplay r = new DirectoryReplay(root, header.getFormatVersion(), idx);
    long ckpt = readCheckpoints ? Checkpoints.locate(this::read, from) : 0;
    if (ckpt > 0) {
      Checkpoints.Part p = Checkpoints.load(this::read, ckpt, idx);
      r.startAfterCheckpoint(ckpt, p.id() + 1);
    }
    replayInto(r, upTo);
    return idx;
  }

  /** A separate index replayed from the first record to {@code upTo}, ignoring checkpoints (history). */
  NamespaceIndex loadFull(long upTo) throws FsException {
    NamespaceIndex idx = new NamespaceIndex();
    replayInto(new DirectoryReplay(root, header.getFormatVersion(), idx), upTo);
    return idx;
  }

  private void replayInto(DirectoryReplay r, long upTo) throws FsException {
    while (r.upTo() < upTo) {
      for (LogStore.StoredRecord rec : read(r.upTo() + 1, Math.min(upTo, r.upTo() + 256))) {
        r.accept(rec);
      }
    }
  }

  /**
   * The newest directory record whose commit time is at most {@code nanos}, searched in records
   * {@code 2..hi} by bisection (commit times never decrease), or 1 if none.
   */
  long recordAtTime(long nanos, long hi) throws FsException {
    long lo = 1;
    while (lo < hi) {
      long mid = lo + (hi - lo + 1) / 2;
      long t;
      try {
        t = Checkpoints.recordTime(read(mid, mid).get(0));
      } catch (IllegalArgumentException e) {
        throw new IntegrityException("/", "directory record " + mid + " is malformed: " + e.getMessage());
      }
      if (t <= nanos) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
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
      from = replay.upTo() + 1;
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
      return replay.takeTxnId();
    }
  }

  /**
   * Appends one commit of {@code changes} (sorted keys) and applies it to the index; returns it.
   * Any failure leaves the writer broken (the outcome is unknown until the log is replayed).
   */
  CommitResult append(long txnId, long nanos, Map<EntryKey, DirEntry> changes) throws FsException {
    List<String> paths = changes.keySet().stream().map(EntryKey::display).sorted().toList();
    synchronized (replayLock) {
      List<ByteBuffer> parts = CommitCodec.encode(txnId, nanos, changes, replay.latestCheckpoint());
      long last = appendRecords(parts);
      index.apply(last - parts.size() + 1, last, nanos, changes);
      replay.appended(last, false);
      commitsSinceCheckpoint++;
      for (ByteBuffer b : parts) {
        bytesSinceCheckpoint += b.remaining();
      }
      if (checkpointEveryCommits > 0 && commitsSinceCheckpoint >= checkpointEveryCommits
          || checkpointEveryBytes > 0 && bytesSinceCheckpoint >= checkpointEveryBytes) {
        writeCheckpoint();
      }
      return new CommitResult(last, nanos, paths);
    }
  }

  /**
   * Appends a gc record (format 4) stating retention {@code horizon} and {@code reclaimed} (see
   * {@link GarbageCollector}), then applies it: from now on snapshots older than the horizon are
   * refused. Returns its recno. A failure breaks the writer as a failed commit does.
   */
  long appendGc(long horizon, boolean done, long reclaimed, long logsDeleted, long bytesDeleted,
      long nowNanos) throws FsException {
    synchronized (replayLock) {
      GcRecords.Gc g = new GcRecords.Gc(replay.takeTxnId(), horizon, index.commitTime(index.head()),
          replay.latestCheckpoint(), done, reclaimed, logsDeleted, bytesDeleted);
      long last = appendRecords(List.of(GcRecords.encode(g, nowNanos)));
      replay.appendedGc(last);
      index.raiseRetention(horizon, reclaimed);
      return last;
    }
  }

  /**
   * Appends a checkpoint of the state at the head. The commit before it is durable already, so a
   * failure is not the caller's: it only breaks the writer (a reopen replays past the unfinished
   * checkpoint and writes a complete one later). Caller holds replayLock.
   */
  private void writeCheckpoint() {
    List<ByteBuffer> ckpt;
    try {
      ckpt = Checkpoints.encode(replay.takeTxnId(), index, replay.latestCheckpoint(), previousCheckpointCommit());
    } catch (FsException e) {
      return; // the previous checkpoint could not be read: the next commit tries again
    }
    try {
      replay.appended(appendRecords(ckpt), true);
    } catch (FsException e) {
      return; // writerBroken is set: later commits fail UNAVAILABLE until the filesystem is reopened
    }
    commitsSinceCheckpoint = 0;
    bytesSinceCheckpoint = 0;
  }

  /**
   * For a format-4 checkpoint's per-path change index: the commit of the latest complete
   * checkpoint (0: none), read from its record; -1 (no change index) before format 4.
   */
  private long previousCheckpointCommit() throws FsException {
    if (header.getFormatVersion() < Records.GC_VERSION) {
      return -1;
    }
    long prev = replay.latestCheckpoint();
    if (prev == 0) {
      return 0;
    }
    try {
      return Checkpoints.decodeHead(Records.parse(read(prev, prev).get(0).payload()).getCheckpoint()).commitRecno();
    } catch (IllegalArgumentException e) {
      throw new IntegrityException("/", "directory checkpoint " + prev + " is malformed: " + e.getMessage());
    }
  }

  /** The checkpoint (its last record) the first refresh loaded the index from; 0: none. */
  long openedFromCheckpoint() {
    synchronized (replayLock) {
      return openedFrom;
    }
  }

  /** Appends records after the last one replayed; returns the last recno. Caller holds replayLock. */
  private long appendRecords(List<ByteBuffer> parts) throws FsException {
    List<Long> recnos;
    {
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
      if (last != replay.upTo() + parts.size()) {
        // someone else appended to our directory log: we are not the single writer any more
        writerBroken = "directory log has records this writer did not append";
        throw new FsException(FsCode.ABORTED, "/", "directory log was appended to by another writer");
      }
      return last;
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
