package org.gdpstore.fs.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
 * ({@link #refresh()}, {@link #watch}), and appends the records of this writer's commits for the
 * {@link Committer}. Replay and applying are serialized by one lock (the append round trip runs
 * outside it); the index is read lock-free.
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
  private final List<CommitListener> listeners = new CopyOnWriteArrayList<>();
  private volatile String writerBroken;
  private final CommitStats stats = new CommitStats();
  private final CheckpointWriter checkpoints;

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
    this.checkpoints = new CheckpointWriter(this, index, replay, stats, opts);
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
      List<LogStore.StoredRecord> recs = readContiguous(next, (int) Math.min(256, last - next + 1));
      if (recs.isEmpty()) {
        throw new IntegrityException("/", "directory log has no record " + next);
      }
      out.addAll(recs);
      next = recs.get(recs.size() - 1).recno() + 1;
    }
    return out;
  }

  /**
   * Up to {@code count} consecutive records from {@code first} on (fewer at the end of the log):
   * the log-client asks again for records whose answers were lost on the way.
   */
  private List<LogStore.StoredRecord> readContiguous(long first, int count) throws FsException {
    return Await.await(source.readRange(first, count), "/");
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
        while (true) {
          long stop = Math.min(last, replay.skipLoadedParts() - 1);
          if (replay.upTo() >= last) {
            break;
          }
          int n = (int) Math.min(256, stop - replay.upTo());
          List<LogStore.StoredRecord> recs = readContiguous(replay.upTo() + 1, n);
          if (recs.isEmpty()) {
            break;
          }
          for (LogStore.StoredRecord r : recs) {
            long ckpt = replay.latestCheckpoint();
            CommitResult c = replay.accept(r);
            if (c != null) {
              applied.add(c);
            }
            checkpoints.replayed(r.payload().remaining(), c != null,
                replay.latestCheckpoint() != ckpt ? replay.latestCheckpointParts() : 0);
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
    long ckpt = Checkpoints.locate(this::read, last, header.getFormatVersion());
    Checkpoints.Loaded p = ckpt > 0 ? Checkpoints.load(this::read, ckpt, index, header.getFormatVersion()) : null;
    if (p != null) {
      replay.startAfterCheckpoint(ckpt, p);
      openedFrom = ckpt;
      checkpoints.loaded(p.bytes());
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
    long ckpt = readCheckpoints ? Checkpoints.locate(this::read, from, header.getFormatVersion()) : 0;
    Checkpoints.Loaded p = ckpt > 0 ? Checkpoints.load(this::read, ckpt, idx, header.getFormatVersion()) : null;
    if (p != null) {
      r.startAfterCheckpoint(ckpt, p);
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
    while (true) {
      long stop = Math.min(upTo, r.skipLoadedParts() - 1);
      if (r.upTo() >= upTo) {
        break;
      }
      for (LogStore.StoredRecord rec : read(r.upTo() + 1, Math.min(stop, r.upTo() + 256))) {
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
   * The lock that serializes replay with this writer's commits: the {@link Committer} holds it
   * from checking a commit to applying it, so a refresh (a watch) never sees this writer's own
   * commit before the writer applied it (listeners hear only other writers' commits, as before).
   */
  Object replayLock() {
    return replayLock;
  }

  /** Whether several writers may share this log (format version 4: commit ids, base records). */
  boolean multiWriter() {
    return header.getFormatVersion() >= Records.COMMIT_IDS_VERSION;
  }

  /** What a commit is checked against: the last record replayed and the newest commit (its head). */
  record Base(long upTo, long head, long latestCheckpoint) {}

  Base base() {
    synchronized (replayLock) {
      return new Base(replay.upTo(), index.head(), replay.latestCheckpoint());
    }
  }

  /** The commit with this id if replay applied it (format 4; commits of other sessions too), else null. */
  CommitResult appliedCommit(com.google.protobuf.ByteString id) {
    synchronized (replayLock) {
      return replay.appliedCommit(id);
    }
  }

  /**
   * Appends records after whatever the log holds, each on its own (the log client numbers them;
   * they may land after records this process has not read yet). The futures fail with
   * {@link LogStoreException}: CONFLICT when another writer took the record number (nothing
   * stored), UNAVAILABLE when the answer was lost (maybe stored).
   */
  List<CompletableFuture<Long>> appendEach(List<ByteBuffer> parts) {
    List<CompletableFuture<Long>> out = new ArrayList<>(parts.size());
    for (ByteBuffer p : parts) {
      out.add(appender.append(p.duplicate()));
    }
    return out;
  }

  /** Appends records in one batch; returns their recnos. */
  List<Long> appendRaw(List<ByteBuffer> parts) throws InterruptedException {
    try {
      return appender.appendBatch(parts).get();
    } catch (ExecutionException e) {
      throw ClientLogStore.translate(e.getCause());
    }
  }

  /**
   * Applies this writer's own commit, appended as records {@code first..last} after record
   * {@code base} that it was checked against, then writes a checkpoint if one is due. If a refresh
   * replayed past {@code base} meanwhile, replay applies it instead.
   */
  void applyOwn(long base, long first, long last, long nanos, Map<EntryKey, DirEntry> changes, int bytes)
      throws FsException {
    boolean replayed;
    synchronized (replayLock) {
      replayed = replay.upTo() != base;
      if (!replayed) {
        index.apply(first, last, nanos, changes);
        replay.appended(last, false);
        checkpoints.committed(bytes, last - first + 1);
      }
    }
    if (replayed) {
      refresh();
    }
  }

  /** This writer's checkpoints. */
  CheckpointWriter checkpoints() {
    return checkpoints;
  }

  /** Counters of this writer's commits and checkpoints. */
  CommitStats stats() {
    return stats;
  }

  /** The writer cannot go on: later commits fail UNAVAILABLE until the filesystem is reopened. */
  void markBroken(String why) {
    writerBroken = why;
  }

  /**
   * Appends a gc record (format 4) stating retention {@code horizon} and {@code reclaimed} (see
   * {@link GarbageCollector}) and, in a done record of format 5, the intents it settled, then
   * applies it: from now on snapshots older than the horizon are refused. Returns its recno.
   */
  long appendGc(long horizon, boolean done, long reclaimed, long logsDeleted, long bytesDeleted,
      List<LogIntents.Intent> settled, long nowNanos) throws FsException {
    return appendBesideCommits("a gc record", () -> GcRecords.encode(new GcRecords.Gc(replay.takeTxnId(), horizon,
        index.commitTime(index.head()), replay.latestCheckpoint(), done, reclaimed, logsDeleted, bytesDeleted,
        settled), nowNanos));
  }

  /**
   * Appends an intent record (format 5, {@link LogIntents}) and applies it; returns the intent as
   * appended (with its recno). Only once this returned may the intent's logs be created.
   */
  LogIntents.Intent appendIntent(LogIntents.Intent intent) throws FsException {
    if (header.getFormatVersion() < Records.INTENTS_VERSION) {
      throw new IllegalStateException("format version " + header.getFormatVersion() + " has no intents");
    }
    return intent.at(appendBesideCommits("an intent record", () -> LogIntents.encode(intent,
        replay.latestCheckpoint(), index.commitTime(index.head()))));
  }

  /**
   * Appends a renewal of the open {@code intent} at {@code nowNanos} (format 7) and applies it;
   * returns the intent as renewed.
   */
  LogIntents.Intent renewIntent(LogIntents.Intent intent, long nowNanos) throws FsException {
    if (header.getFormatVersion() < Records.RENEWALS_VERSION) {
      throw new IllegalStateException("format version " + header.getFormatVersion() + " has no intent renewals");
    }
    LogIntents.Intent renewed = intent.renewedAt(nowNanos);
    appendBesideCommits("an intent renewal", () -> LogIntents.encode(renewed, replay.latestCheckpoint(),
        index.commitTime(index.head())));
    return renewed;
  }

  /**
   * Appends one record that is not a commit (gc, intent) and replays up to it. Several writers
   * (format 4): it may land after other writers' records and counts wherever it lands, so it is
   * replayed like theirs; a record number taken meanwhile (CONFLICT, nothing stored) is retried
   * after reading what took it. The record is built under the replay lock, after a refresh.
   */
  private long appendBesideCommits(String what, java.util.function.Supplier<ByteBuffer> record) throws FsException {
    for (int attempt = 1; ; attempt++) {
      refresh();
      ByteBuffer rec;
      synchronized (replayLock) {
        rec = record.get();
      }
      long recno;
      try {
        recno = appendRaw(List.of(rec)).get(0);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new FsException(FsCode.CANCELLED, "/", "interrupted while appending " + what, e);
      } catch (LogStoreException e) {
        if (e.kind() == LogStoreException.Kind.CONFLICT && attempt < 8) {
          continue;
        }
        // gc and intents are idempotent: whoever runs it again appends the record again
        throw Await.translate(e, "/");
      }
      refresh(); // applies the record (and whatever came before it) through replay
      return recno;
    }
  }

  /**
   * For a format-4 checkpoint's per-path change index: the commit of the latest complete
   * checkpoint (0: none), read from its record; -1 (no change index) before format 4.
   */
  long previousCheckpointCommit() throws FsException {
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
    checkpoints.close(); // a checkpoint being written finishes first
    source.close();
    if (appender != null) {
      appender.close();
    }
  }
}
