package org.gdpstore.fs.internal;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.gdpstore.fs.CommitResult;
import org.gdpstore.fs.FsCode;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.FsOptions;

/**
 * Appends commits to the directory log: group commit in this process and optimistic commits
 * across processes (docs/fs-engine.md, "Several writers").
 *
 * <p>Callers queue a {@link Request} and the first one to get the commit lock commits everything
 * queued as one directory commit (each member checked by {@link ConflictRules} against the head
 * plus the earlier members; a member that conflicts fails alone). With format version 4 a commit
 * that loses its record number to another writer (CONFLICT) or lands after records it was not
 * checked against (void) replays what it missed, re-checks every member and retries with jittered
 * backoff; one whose acknowledgement was lost is looked for by its commit id before it is retried.
 * Older logs keep the single-writer rules: any failure breaks the writer. Thread-safe.
 */
final class Committer {
  /** Attempts (appends) per group before its members fail ABORTED. */
  static final int MAX_TRIES = 64;
  /** How long a lost acknowledgement is looked for (the log server may be restarting). */
  static final long RESOLVE_NANOS = 60_000_000_000L;
  /**
   * How often the same records are sent again after a lost answer when the log shows their
   * number still free (the log client already re-sent them until its request timeout).
   */
  static final int MAX_RESENDS = 2;
  /**
   * Most members in one group commit; {@code -Dgdpstore.fs.maxGroup=1} turns grouping off (one
   * round trip per commit, the reference point of the concurrent-writers benchmark).
   */
  private static final int MAX_GROUP = Math.max(1, Integer.getInteger("gdpstore.fs.maxGroup", 4096));

  private final DirectoryLog dirLog;
  private final NamespaceIndex index;
  private final FsOptions opts;
  private final ReentrantLock commitLock = new ReentrantLock();
  private final ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>();
  private final BitSet localCommits = new BitSet(); // guarded by itself
  private final SecureRandom random = new SecureRandom();
  /** A checkpoint waits for the commit lock: callers park until it had it (see {@link #exclusive}). */
  private volatile boolean gateWaiting;

  Committer(DirectoryLog dirLog, NamespaceIndex index, FsOptions opts) {
    this.dirLog = dirLog;
    this.index = index;
    this.opts = opts;
    dirLog.checkpoints().useGate(this::exclusive);
  }

  /**
   * Runs {@code r} between two group commits, holding the commit lock (a detached checkpoint's
   * parts), then hands leadership on as a leader does.
   */
  private void exclusive(Runnable r) {
    gateWaiting = true; // callers leave the lock to it (a caller in a loop would win it every time)
    commitLock.lock();
    gateWaiting = false;
    try {
      r.run();
    } finally {
      releaseLeadership();
    }
  }

  /**
   * The requests one leader commits together, in wake-up order. Callers return only once the
   * whole group is decided: a member decided early (a conflict found before the append) whose
   * thread wakes on its own must not wake its places in the tree while the others still wait,
   * since they would park again and nobody would wake them a second time.
   */
  private static final class Group {
    final List<Request> members;
    volatile boolean decided;

    Group(List<Request> members) {
      this.members = members;
    }
  }

  /** One caller's change set and what it read, waiting to be committed. */
  static final class Request {
    final String who;
    final long base;
    final TreeMap<EntryKey, DirEntry> changes;
    final Map<EntryKey, Long> readVersions;
    final Map<EntryKey, ConflictRules.Condition> conditions;
    private boolean done; // the leader's mark; callers look at their group's decided flag
    private volatile Thread waiter; // woken when its group is decided
    /** The group this request is committed in and its place there: who it wakes (see {@link #wakeChildren}). */
    private volatile Group group;
    private int place;
    private CommitResult result;
    private FsException failure;
    private ConflictRules.Conflict conflict;

    Request(String who, long base, TreeMap<EntryKey, DirEntry> changes, Map<EntryKey, Long> readVersions,
        Map<EntryKey, ConflictRules.Condition> conditions) {
      this.who = who;
      this.base = base;
      this.changes = changes;
      this.readVersions = readVersions;
      this.conditions = conditions;
    }

    List<String> paths() {
      if (changes.size() == 1) {
        return List.of(changes.firstKey().display()); // the common single put, without a stream
      }
      return changes.keySet().stream().map(EntryKey::display).sorted().toList();
    }

    private void succeed(CommitResult r) {
      result = r;
      finish();
    }

    private void fail(FsException e) {
      failure = e;
      finish();
    }

    private void conflicted(ConflictRules.Conflict c) {
      conflict = c;
      finish();
    }

    /** Decided; the caller is woken once its whole group is (see {@link #wakeChildren}). */
    private void finish() {
      done = true;
    }

    /** Whether the group this request is in has been decided as a whole (its outcome is then final). */
    private boolean decided() {
      Group g = group;
      return g != null && g.decided;
    }

    /** The commit, null if a condition failed; throws the member's conflict or failure. */
    CommitResult outcome() throws FsException, ConflictRules.Conflict {
      if (conflict != null) {
        throw conflict;
      }
      if (failure != null) {
        throw failure;
      }
      return result;
    }

    /** Condition failed: nothing written, result null. */
    private void skipped() {
      finish();
    }
  }

  /**
   * Commits {@code r} (with whatever else is queued); returns its result, or null when one of its
   * conditions did not hold where the commit landed (nothing of it was written).
   *
   * <p>The caller that finds no commit running becomes the leader and commits groups until its own
   * request is decided; the others wait for their own request, not for the lock, so a member of a
   * group returns (and queues its next commit) while the leader's next round trip is running.
   *
   * @throws ConflictRules.Conflict if it conflicts with a commit made after its snapshot
   */
  CommitResult commit(Request r) throws FsException, ConflictRules.Conflict {
    r.waiter = Thread.currentThread();
    queue.add(r);
    boolean interrupted = false;
    try {
      while (!r.decided()) {
        if (!gateWaiting && commitLock.tryLock()) {
          leadWhile(() -> !r.decided());
        } else {
          LockSupport.park(this);
          interrupted |= Thread.interrupted(); // a commit in flight is not abandoned; the flag is kept
        }
      }
    } finally {
      wakeChildren(r.decided() ? r.group : null, r.place); // even when the leader's commit threw
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return r.outcome();
  }

  /**
   * Wakes the callers of a decided group as a binary tree: the leader (place -1) wakes places 0
   * and 1, and each woken caller the two after it. Waking a thread is a system call; a leader
   * waking a group of 60 itself spent a third of its time per group on it, time in which no commit
   * could go out.
   */
  private static void wakeChildren(Group group, int place) {
    if (group == null) {
      return;
    }
    List<Request> members = group.members;
    Thread self = Thread.currentThread();
    for (int i = 2 * place + 2; i <= 2 * place + 3 && i < members.size(); i++) {
      Thread w = members.get(i).waiter;
      if (w != self) {
        LockSupport.unpark(w);
      }
    }
  }

  /**
   * Unlocks the commit lock and wakes the oldest queued caller, which leads next. A caller that
   * queued while the lock was held failed its tryLock before this unlock, so its request is in the
   * queue when it is looked at here: no request is left without a leader.
   */
  private void releaseLeadership() {
    commitLock.unlock();
    Request next = queue.peek();
    if (next != null) {
      LockSupport.unpark(next.waiter);
    }
  }

  /** Waits until the commits queued or running now are decided. */
  void awaitIdle() {
    commitLock.lock();
    leadWhile(() -> !queue.isEmpty());
  }

  /**
   * Leads: commits the queued requests group by group while {@code more} holds, each group's
   * callers woken once the next group is on its way (or leadership is handed on). Called with the
   * commit lock held; releases it.
   */
  private void leadWhile(java.util.function.BooleanSupplier more) {
    Group decided = null;
    try {
      while (more.getAsBoolean()) {
        wakeChildren(decided, -1);
        decided = nextGroup();
        process(decided);
      }
    } finally {
      releaseLeadership();
      wakeChildren(decided, -1);
    }
  }

  /** Takes up to {@link #MAX_GROUP} queued requests, oldest first. Caller holds the commit lock. */
  private Group nextGroup() {
    List<Request> group = new ArrayList<>();
    for (Request q; group.size() < MAX_GROUP && (q = queue.poll()) != null; ) {
      group.add(q);
    }
    return placed(group);
  }

  /** Gives each member its place in the group's wake-up tree. */
  private static Group placed(List<Request> members) {
    Group group = new Group(members);
    for (int i = 0; i < members.size(); i++) {
      members.get(i).place = i;
      members.get(i).group = group;
    }
    return group;
  }

  /** Commits one group as given (tests; callers use {@link #commit}): every member ends done. */
  void commitTogether(List<Request> group) {
    Group g = placed(group);
    commitLock.lock();
    try {
      process(g);
    } finally {
      releaseLeadership();
      wakeChildren(g, -1);
    }
  }

  /** Commits one group: every member ends done, then the group is decided. Caller holds the commit lock. */
  private void process(Group g) {
    List<Request> group = g.members;
    long t0 = System.nanoTime();
    try {
      commitGroup(group);
    } catch (FsException e) {
      for (Request m : group) {
        if (!m.done) {
          m.fail(e);
        }
      }
    } catch (RuntimeException | Error e) {
      for (Request m : group) {
        if (!m.done) {
          m.fail(new FsException(FsCode.INTERNAL, "/", "commit failed: " + e, e));
        }
      }
      throw e;
    } finally {
      g.decided = true;
      dirLog.stats().leaderNanos.add(System.nanoTime() - t0);
    }
  }

  /** The members still to commit after checking them on the current base, and their merged changes. */
  private record Attempt(List<Request> members, TreeMap<EntryKey, DirEntry> changes, DirectoryLog.Base base,
      ByteString id, long nanos, List<ByteBuffer> parts) {}

  private void commitGroup(List<Request> group) throws FsException {
    List<Request> live = group;
    boolean multi = dirLog.multiWriter();
    for (int tries = 1; ; tries++) {
      synchronized (dirLog.replayLock()) {
        Attempt a = prepare(live);
        if (a == null) {
          return;
        }
        live = a.members();
        if (append(a, multi) == Outcome.DONE) {
          return;
        }
      }
      if (tries >= MAX_TRIES) {
        for (Request m : live) {
          m.fail(new FsException(FsCode.ABORTED, m.changes.isEmpty() ? "/" : m.changes.firstKey().display(),
              "commit gave up after "
              + tries + " tries: other writers kept taking the directory log's next record; nothing was committed"));
        }
        return;
      }
      dirLog.stats().retries.increment();
      backoff(tries);
      dirLog.refresh(); // the commits this one missed
    }
  }

  /** Checks every member on the newest base; completes the ones that conflict or whose condition fails. */
  private Attempt prepare(List<Request> group) throws FsException {
    dirLog.requireAppendable("/");
    DirectoryLog.Base base = dirLog.base();
    TreeMap<EntryKey, DirEntry> merged = new TreeMap<>();
    List<Request> members = new ArrayList<>(group.size());
    for (Request m : group) {
      try {
        ConflictRules.check(m.who, m.base, m.readVersions, m.changes, index, base.head(), merged, this::isLocal);
      } catch (ConflictRules.Conflict c) {
        m.conflicted(c);
        continue;
      }
      if (!m.conditions.isEmpty() && !ConflictRules.conditionsHold(m.conditions, index, base.head(), merged)) {
        m.skipped();
        continue;
      }
      merged.putAll(m.changes);
      members.add(m);
    }
    if (members.isEmpty()) {
      return null;
    }
    if (merged.isEmpty()) {
      for (Request m : members) {
        m.succeed(new CommitResult(base.head(), index.commitTime(base.head()), List.of()));
      }
      return null;
    }
    byte[] id = new byte[CommitCodec.COMMIT_ID_BYTES];
    random.nextBytes(id);
    long nanos = Math.max(WriterClock.nowNanos(opts), index.commitTime(base.head()));
    boolean multi = dirLog.multiWriter();
    ByteString cid = multi ? ByteString.copyFrom(id) : ByteString.EMPTY;
    List<ByteBuffer> parts = CommitCodec.encode(dirLog.newTxnId(), nanos, merged, base.latestCheckpoint(), cid,
        multi ? base.upTo() : 0);
    return new Attempt(members, merged, base, cid, nanos, parts);
  }

  private enum Outcome { DONE, RETRY }

  /**
   * Appends one attempt; DONE when its members are completed, RETRY to re-check them on a newer
   * base. Every part is signed for its record number (base + 1 + part), so after a failure, once
   * every part's append has settled, the log tells what can still happen: the commit is there
   * (DONE), its records so far are a prefix of the log's tail (send the rest again), or another
   * record took one of its numbers (it can never complete: RETRY).
   */
  private Outcome append(Attempt a, boolean multi) throws FsException {
    long base = a.base().upTo();
    List<ByteBuffer> parts = a.parts();
    int n = parts.size();
    long deadline = System.nanoTime() + RESOLVE_NANOS;
    int from = 0;
    int resends = 0;
    while (true) {
      List<Long> recnos = new ArrayList<>();
      LogStoreException failed = null;
      long t0 = System.nanoTime();
      try {
        for (CompletableFuture<Long> f : dirLog.appendEach(parts.subList(from, n))) {
          try {
            recnos.add(f.get());
          } catch (ExecutionException e) {
            failed = failed != null ? failed : ClientLogStore.translate(e.getCause());
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        dirLog.markBroken("interrupted during a commit");
        throw new FsException(FsCode.CANCELLED, "/", "interrupted; commit outcome unknown until the filesystem is reopened", e);
      }
      dirLog.stats().roundTripNanos.add(System.nanoTime() - t0);
      if (failed == null) {
        boolean inPlace = true;
        for (int i = 0; i < recnos.size(); i++) {
          inPlace &= recnos.get(i) == base + 1 + from + i;
        }
        if (inPlace) {
          int bytes = parts.stream().mapToInt(ByteBuffer::remaining).sum();
          dirLog.applyOwn(base, base + 1, base + n, a.nanos(), a.changes(), bytes);
          dirLog.stats().landed(a.members().size(), n, bytes);
          done(a, base + n);
          return Outcome.DONE;
        }
        if (!multi) {
          dirLog.markBroken("directory log has records this writer did not append");
          throw new FsException(FsCode.ABORTED, "/", "directory log was appended to by another writer"
              + " (a format-" + dirLog.header().getFormatVersion() + " filesystem has a single writer)");
        }
        return Outcome.RETRY; // landed after records it was not checked against: void, readers skip it
      }
      if (!multi || failed.kind() == LogStoreException.Kind.PERMISSION) {
        throw singleWriterFailure(failed);
      }
      if (failed.kind() != LogStoreException.Kind.CONFLICT && failed.kind() != LogStoreException.Kind.UNAVAILABLE
          || resends > MAX_RESENDS || System.nanoTime() - deadline > 0) {
        dirLog.markBroken("commit outcome unknown: " + failed.getMessage());
        throw new FsException(FsCode.UNAVAILABLE, "/", "commit failed (" + failed.getMessage()
            + ") and may still land; reopen the filesystem to continue", Await.translate(failed, "/"));
      }
      from = resume(a, deadline, failed);
      if (from < 0) {
        return -from == 1 ? Outcome.DONE : Outcome.RETRY;
      }
      if (failed.kind() == LogStoreException.Kind.UNAVAILABLE) {
        resends++;
        backoffUnresolved(1);
      }
    }
  }

  /**
   * Reads the log after a failed append: -1 if the commit is there (members completed), -2 if
   * another record took one of its numbers, else the first part to send again.
   */
  private int resume(Attempt a, long deadline, LogStoreException cause) throws FsException {
    for (int tries = 1; ; tries++) {
      try {
        dirLog.refresh();
        break;
      } catch (FsException e) {
        if (e.code() != FsCode.UNAVAILABLE || System.nanoTime() - deadline > 0) {
          dirLog.markBroken("commit outcome unknown: " + cause.getMessage());
          throw new FsException(FsCode.UNAVAILABLE, "/", "commit failed (" + cause.getMessage() + ") and reading"
              + " the directory log to tell whether it was stored failed too (" + e.getMessage()
              + "); reopen the filesystem to continue", e);
        }
        backoffUnresolved(Math.min(tries, 8));
      }
    }
    CommitResult found = dirLog.appliedCommit(a.id());
    if (found != null) {
      done(a, found.recno());
      return -1;
    }
    long base = a.base().upTo();
    long upTo = dirLog.base().upTo();
    int n = a.parts().size();
    if (upTo <= base) {
      return 0;
    }
    if (upTo >= base + n) {
      return -2; // complete would have been found: another record is among its numbers
    }
    List<LogStore.StoredRecord> tail = dirLog.read(base + 1, upTo);
    for (int i = 0; i < tail.size(); i++) {
      if (!tail.get(i).payload().equals(a.parts().get(i).duplicate())) {
        return -2;
      }
    }
    return tail.size(); // our first parts are there and nothing else: send the rest
  }

  private void done(Attempt a, long last) {
    synchronized (localCommits) {
      if (last <= Integer.MAX_VALUE) {
        localCommits.set((int) last);
      }
    }
    for (Request m : a.members()) {
      m.succeed(new CommitResult(last, a.nanos(), m.paths()));
    }
  }

  private boolean isLocal(long recno) {
    synchronized (localCommits) {
      return recno > 0 && recno <= Integer.MAX_VALUE && localCommits.get((int) recno);
    }
  }

  private FsException singleWriterFailure(LogStoreException e) {
    FsException fe = Await.translate(e, "/");
    if (e.kind() == LogStoreException.Kind.PERMISSION) {
      return new FsException(FsCode.PERMISSION_DENIED, "/", "commit refused: " + fe.getMessage(), fe);
    }
    if (e.kind() == LogStoreException.Kind.CONFLICT) {
      dirLog.markBroken("another writer appended to the directory log");
      return new FsException(FsCode.ABORTED, "/", "another writer appended to this filesystem's directory log;"
          + " a format-" + dirLog.header().getFormatVersion() + " filesystem has a single writer (nothing of this"
          + " commit was stored; reopen the filesystem to continue)", fe);
    }
    dirLog.markBroken(String.valueOf(e.getMessage()));
    return new FsException(FsCode.UNAVAILABLE, "/",
        "commit failed, its outcome is unknown until the filesystem is reopened: " + fe.getMessage(), fe);
  }

  /** Jittered exponential backoff: up to 1 ms doubling to 64 ms. */
  /**
   * {@link #backoff} while a commit's outcome is being resolved: an interrupted caller stops there
   * (its interrupt also fails every request it makes, so retrying would only spin until the
   * deadline) and the filesystem is broken for writing, as after an interrupted append.
   */
  private void backoffUnresolved(int tries) throws FsException {
    if (!Thread.currentThread().isInterrupted()) {
      backoff(tries);
    }
    if (Thread.currentThread().isInterrupted()) {
      dirLog.markBroken("interrupted during a commit");
      throw new FsException(FsCode.CANCELLED, "/", "interrupted; commit outcome unknown until the filesystem is reopened");
    }
  }

  private static void backoff(int tries) {
    long maxMicros = 1000L << Math.min(tries - 1, 6);
    long micros = ThreadLocalRandom.current().nextLong(maxMicros / 4, maxMicros + 1);
    try {
      Thread.sleep(micros / 1000, (int) (micros % 1000) * 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
