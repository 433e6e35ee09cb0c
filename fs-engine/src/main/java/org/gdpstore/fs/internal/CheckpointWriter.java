package org.gdpstore.fs.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.FsOptions;

/**
 * Decides when this writer appends a directory checkpoint and appends it (docs/fs-engine.md,
 * "Checkpoints off the commit path").
 *
 * <p>Format 6 (detached): the commit that makes a checkpoint due only captures what it states (its
 * commit, previous checkpoint, retention, open intents); a background thread encodes the namespace
 * at that commit from the multi-version index while later commits go on, and appends the parts a
 * few at a time, each batch between two group commits (it holds the commit lock only for that
 * append), then the final part listing where they landed. Formats 3 to 5: the checkpoint is
 * encoded and appended right after the commit that made it due, inside it.
 */
final class CheckpointWriter implements AutoCloseable {
  /** Parts appended per hold of the commit lock (about 1 MiB): what one checkpoint adds to a commit's wait. */
  static final int PARTS_PER_HOLD = Integer.getInteger("gdpstore.fs.checkpointPartsPerHold", 16);
  /** Tries per batch of parts when other writers' records take their numbers. */
  private static final int MAX_TRIES = 8;

  /** Runs an append between group commits, holding the commit lock (the {@link Committer}'s). */
  interface Gate {
    void hold(Runnable r);
  }

  private final DirectoryLog log;
  private final NamespaceIndex index;
  private final DirectoryReplay replay;
  private final CommitStats stats;
  private final boolean detached;
  // Policy (0: never) and what was committed since the last checkpoint; guarded by the replay lock.
  private final int everyCommits;
  private final long everyBytes;
  private int commitsSince;
  private long bytesSince;
  /**
   * What an open replays after the last checkpoint (commit bytes plus {@link #RECORD_WEIGHT} per
   * record), and that checkpoint's size: a checkpoint waits until the first is twice the second.
   */
  private long weightSince;
  private volatile long lastCheckpointBytes;
  /** A record's signature check, in bytes of replay work (roughly what an Ed25519 check costs). */
  static final long RECORD_WEIGHT = 4096;
  private volatile Gate gate = Runnable::run;
  private volatile boolean inFlight;
  private volatile boolean closed;
  private ExecutorService background; // guarded by the replay lock

  CheckpointWriter(DirectoryLog log, NamespaceIndex index, DirectoryReplay replay, CommitStats stats,
      FsOptions opts) {
    this.log = log;
    this.index = index;
    this.replay = replay;
    this.stats = stats;
    int version = log.header().getFormatVersion();
    // a writer continuing an older filesystem writes no checkpoints: its readers would not know them
    boolean v3 = version >= Records.CHECKPOINTS_VERSION;
    this.detached = version >= Records.DETACHED_CHECKPOINTS_VERSION;
    this.everyCommits = v3 ? opts.checkpointEveryCommits() : 0;
    this.everyBytes = v3 ? opts.checkpointEveryBytes() : 0;
  }

  /** Detached parts are appended through {@code g} (the committer's lock). */
  void useGate(Gate g) {
    gate = g;
  }

  /**
   * This writer applied its own commit of {@code bytes} in {@code records} records (now the head);
   * writes or starts a checkpoint if one is due. Caller holds the replay lock.
   */
  void committed(int bytes, long records) {
    commitsSince++;
    bytesSince += bytes;
    weightSince += bytes + RECORD_WEIGHT * records;
    if (!due()) {
      return;
    }
    if (detached) {
      start();
    } else {
      writeNow();
    }
  }

  /**
   * Replay read a record that this writer did not just apply itself (at open, every record after
   * the loaded checkpoint; later, other writers'): it counts toward the next checkpoint as this
   * writer's commits do, so that processes making a few commits each (the CLI) still write one
   * when the log has grown enough since the last. {@code checkpointParts} > 0: the record completed
   * a checkpoint of that many records. Caller holds the replay lock.
   */
  void replayed(int bytes, boolean commit, int checkpointParts) {
    if (checkpointParts > 0) {
      restart();
      lastCheckpointBytes = (long) checkpointParts * CommitCodec.MAX_COMMIT_PART_BYTES; // about its size
      return;
    }
    commitsSince += commit ? 1 : 0;
    bytesSince += bytes;
    weightSince += bytes + RECORD_WEIGHT;
  }

  /** The open loaded a checkpoint of {@code bytes}: the next one waits until the log grew twice that. */
  void loaded(long bytes) {
    lastCheckpointBytes = bytes;
  }

  /**
   * Whether this writer's next checkpoint is due: after {@code everyCommits} commits or
   * {@code everyBytes} of commit records, but not before the commits since the last one weigh twice
   * its size, and not while one is being written. A checkpoint holds the whole live namespace, so
   * without that bound a growing namespace would make each put pay a growing share of one; with it,
   * checkpoints cost at most about half of what the commits do, and an open replays at most about
   * two checkpoints' worth of commits.
   */
  private boolean due() {
    boolean triggered = everyCommits > 0 && commitsSince >= everyCommits
        || everyBytes > 0 && bytesSince >= everyBytes;
    return triggered && !inFlight && !closed && weightSince >= 2 * lastCheckpointBytes;
  }

  private void restart() {
    commitsSince = 0;
    bytesSince = 0;
    weightSince = 0;
  }

  /** Format 6: captures the checkpoint of the head and leaves encoding and appending to the background thread. */
  private void start() {
    long previousCommit;
    try {
      previousCommit = log.previousCheckpointCommit();
    } catch (FsException e) {
      return; // the previous checkpoint could not be read: the next commit tries again
    }
    long at = index.head();
    Checkpoints.Capture c = new Checkpoints.Capture(replay.takeTxnId(), at, index.commitFirstRecno(at),
        index.commitTime(at), replay.latestCheckpoint(), previousCommit, index.horizon(), index.reclaimed(),
        index.openIntents());
    if (background == null) {
      background = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "gdpfs-checkpoint-" + log.root().printable().substring(0, 8));
        t.setDaemon(true);
        return t;
      });
    }
    inFlight = true;
    restart();
    background.execute(() -> {
      try {
        writeDetached(c);
      } finally {
        inFlight = false;
      }
    });
  }

  /** Encodes checkpoint {@code c}, appends its parts between commits, then its final part. */
  private void writeDetached(Checkpoints.Capture c) {
    long t0 = System.nanoTime();
    Checkpoints.Detached d;
    try {
      d = Checkpoints.encodeDetached(c, index);
    } catch (RuntimeException e) {
      stats.checkpointsAbandoned.increment();
      throw e;
    }
    long encoded = System.nanoTime();
    long bytes = d.parts().stream().mapToLong(ByteBuffer::remaining).sum();
    lastCheckpointBytes = bytes;
    List<Long> recnos = new ArrayList<>(d.parts().size());
    for (int i = 0; i < d.parts().size(); i += PARTS_PER_HOLD) {
      List<ByteBuffer> batch = d.parts().subList(i, Math.min(d.parts().size(), i + PARTS_PER_HOLD));
      List<Long> got = appendBetweenCommits(batch, false);
      if (got == null) {
        stats.checkpointsAbandoned.increment();
        return; // what landed is never listed, so readers skip it; a later commit starts another
      }
      recnos.addAll(got);
    }
    ByteBuffer fin = Checkpoints.detachedFinal(c, d.withChanges(), recnos);
    if (fin.remaining() > CommitCodec.MAX_COMMIT_PART_BYTES || appendBetweenCommits(List.of(fin), true) == null) {
      stats.checkpointsAbandoned.increment();
      return;
    }
    stats.checkpoint(recnos.size() + 1, bytes + fin.remaining(), encoded - t0, System.nanoTime() - t0);
  }

  /**
   * Appends {@code parts} between two group commits; returns where they landed, or null if the
   * checkpoint must be given up (writer closed or broken, the log refused them, interrupted). A
   * detached part may land anywhere after its commit, so records of other writers before or among
   * them do not matter; if their numbers were taken (nothing of that append stored) they are sent
   * again after reading what took them.
   */
  private List<Long> appendBetweenCommits(List<ByteBuffer> parts, boolean last) {
    for (int tries = 1; tries <= MAX_TRIES; tries++) {
      Try[] result = {Try.GIVE_UP};
      gate.hold(() -> {
        long h0 = System.nanoTime();
        result[0] = appendHeld(parts, last);
        stats.checkpointHeldNanos.add(System.nanoTime() - h0);
      });
      if (!result[0].retry()) {
        refreshQuietly(); // replays other writers' records that came first; else a no-op
        return result[0].landed();
      }
      refreshQuietly();
    }
    return null;
  }

  /** What one append of parts gave: where they landed (null: none), or send them again. */
  private record Try(List<Long> landed, boolean retry) {
    static final Try GIVE_UP = new Try(null, false);
    static final Try RETRY = new Try(null, true);
  }

  /** One try of {@link #appendBetweenCommits}, holding the commit lock. */
  private Try appendHeld(List<ByteBuffer> parts, boolean last) {
    synchronized (log.replayLock()) {
      if (closed || !log.canAppend()) {
        return Try.GIVE_UP;
      }
      long expect = replay.upTo() + 1;
      List<Long> got;
      try {
        got = log.appendRaw(parts);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Try.GIVE_UP;
      } catch (LogStoreException e) {
        return e.kind() == LogStoreException.Kind.CONFLICT ? Try.RETRY : Try.GIVE_UP;
      }
      long end = got.get(got.size() - 1);
      if (got.get(0) == expect && end == expect + got.size() - 1) {
        replay.appended(end, last);
      } // else other writers' records came first: the refresh after this replays them and these
      return new Try(got, false);
    }
  }

  private void refreshQuietly() {
    try {
      log.refresh();
    } catch (FsException e) {
      // the next commit reads the log again and reports what is wrong
    }
  }

  /**
   * Formats 3 to 5: appends a checkpoint of the state at the head right after the commit that made
   * it due. That commit is durable already, so a failure is not the caller's. A single writer
   * (format 3) stops writing (a reopen replays past the unfinished checkpoint and writes a complete
   * one later); with several writers a checkpoint that failed or did not land right after its
   * commit is void and is simply retried after a later commit. Caller holds the replay lock.
   */
  private void writeNow() {
    long at = index.head();
    long t0 = System.nanoTime();
    List<ByteBuffer> ckpt;
    try {
      ckpt = Checkpoints.encode(replay.takeTxnId(), index, replay.latestCheckpoint(), log.previousCheckpointCommit());
    } catch (FsException e) {
      return; // the previous checkpoint could not be read: the next commit tries again
    }
    long ckptBytes = ckpt.stream().mapToLong(ByteBuffer::remaining).sum();
    long encoded = System.nanoTime();
    List<Long> recnos;
    try {
      recnos = log.appendRaw(ckpt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.markBroken("interrupted while writing a checkpoint");
      return;
    } catch (LogStoreException e) {
      if (!log.multiWriter()) {
        log.markBroken("checkpoint failed: " + e.getMessage());
      }
      return;
    }
    long first = recnos.get(0);
    long last = recnos.get(recnos.size() - 1);
    if (first != at + 1 || last != at + ckpt.size() || replay.upTo() != at) {
      if (!log.multiWriter()) {
        log.markBroken("directory log has records this writer did not append");
      }
      return; // void (another writer came between): the next refresh replays past it
    }
    replay.appended(last, true);
    long nanos = System.nanoTime() - t0;
    stats.checkpoint(ckpt.size(), ckptBytes, encoded - t0, nanos);
    stats.checkpointHeldNanos.add(nanos);
    restart();
    lastCheckpointBytes = ckptBytes;
  }

  /** Waits for a checkpoint being written (tests; closing). */
  void awaitIdle() {
    ExecutorService bg;
    synchronized (log.replayLock()) {
      bg = background;
    }
    if (bg != null) {
      try {
        bg.submit(() -> { }).get(5, TimeUnit.MINUTES);
      } catch (Exception e) {
        throw new IllegalStateException("checkpoint did not finish: " + e, e);
      }
    }
  }

  /**
   * Lets a checkpoint being written finish (as a format-5 commit would have), then stops the
   * background thread. Call after the last commit.
   */
  @Override
  public void close() {
    ExecutorService bg;
    synchronized (log.replayLock()) {
      bg = background;
    }
    if (bg == null) {
      closed = true;
      return;
    }
    bg.shutdown();
    try {
      if (!bg.awaitTermination(60, TimeUnit.SECONDS)) {
        closed = true;
        bg.shutdownNow();
      }
    } catch (InterruptedException e) {
      closed = true;
      bg.shutdownNow();
      Thread.currentThread().interrupt();
    }
    closed = true;
  }
}
