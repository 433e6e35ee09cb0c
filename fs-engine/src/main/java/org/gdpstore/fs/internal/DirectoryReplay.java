package org.gdpstore.fs.internal;

import com.google.protobuf.ByteString;
import java.util.LinkedHashMap;
import java.util.Map;
import org.gdpstore.fs.CommitResult;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.IntegrityException;
import org.gdpstore.fs.internal.proto.FsRecord;
import org.gdpstore.wire.GdpName;

/**
 * The replay state machine of docs/on-log-format.md 3.1 over one {@link NamespaceIndex}: feeds
 * directory records in recno order, applies each commit when its final part arrives, drops
 * abandoned runs, and skips checkpoint records (noting the latest complete one). From format
 * version 4 a commit run counts only if its part 0 is the record after its {@code base_recno} and
 * its parts share one commit id (several writers may interleave); from version 6 checkpoint parts
 * may land anywhere after their commit, and the final part lists them. Not thread-safe:
 * its owner serializes calls.
 */
final class DirectoryReplay {
  private final GdpName root;
  private final int formatVersion;
  private final NamespaceIndex index;
  private long upTo = 1;
  private long pendingTxn = -1;
  private int pendingPart;
  private long pendingFirst;
  private Map<EntryKey, DirEntry> pending;
  private long nextTxnId = 1;
  private long latestCheckpoint;
  private int latestCheckpointParts;
  private long ckptRunId = -1;
  private int ckptRunPart;
  /** Format version 4: runs are matched by commit id and count only where they were checked. */
  private final boolean multiWriter;
  private ByteString pendingId = ByteString.EMPTY;
  /** Format version 6: checkpoints are detached (parts anywhere after their commit, listed by the final one). */
  private final boolean detached;
  /** Format 6: records of the checkpoint loaded at the start still ahead of replay (first -> last). */
  private final java.util.TreeMap<Long, Long> loadedParts = new java.util.TreeMap<>();
  /** Ids of the latest commits applied by replay (format 4), for writers resolving a lost ack. */
  private final Map<ByteString, CommitResult> recentIds = new LinkedHashMap<>(64, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<ByteString, CommitResult> e) {
      return size() > 4096;
    }
  };

  DirectoryReplay(GdpName root, int formatVersion, NamespaceIndex index) {
    this.root = root;
    this.formatVersion = formatVersion;
    this.index = index;
    this.multiWriter = formatVersion >= Records.COMMIT_IDS_VERSION;
    this.detached = formatVersion >= Records.DETACHED_CHECKPOINTS_VERSION;
  }

  /** The commit with id {@code id} if replay applied it recently (format 4), else null. */
  CommitResult appliedCommit(ByteString id) {
    return recentIds.get(id);
  }

  /** The last record replayed (1: only the header). */
  long upTo() {
    return upTo;
  }

  long nextTxnId() {
    return nextTxnId;
  }

  long takeTxnId() {
    return nextTxnId++;
  }

  /** The last record of the latest complete checkpoint replayed or loaded (0: none). */
  long latestCheckpoint() {
    return latestCheckpoint;
  }

  /** The number of records of the latest complete checkpoint replayed (not loaded or appended; 0: none). */
  int latestCheckpointParts() {
    return latestCheckpointParts;
  }

  /**
   * Continues after checkpoint {@code ckpt} (its last record) loaded into the index: records after
   * it follow, or (detached, format 6) every record after its commit, which may come before it.
   */
  void startAfterCheckpoint(long ckptLast, Checkpoints.Loaded loaded) {
    Checkpoints.Part ckpt = loaded.head();
    long nextTxn = ckpt.id() + 1;
    upTo = detached ? ckpt.commitRecno() : ckptLast;
    if (detached) { // its own records come again after its commit: they need not be read twice
      for (long[] run : loaded.partRuns()) {
        loadedParts.put(run[0], run[0] + run[1] - 1);
      }
      loadedParts.put(ckptLast, ckptLast);
    }
    latestCheckpoint = ckptLast;
    nextTxnId = Math.max(nextTxnId, nextTxn);
  }

  /**
   * Steps over the loaded checkpoint's records at {@code upTo() + 1} (they change nothing but end
   * an unfinished commit run, as when replayed); returns the first such record further on
   * ({@link Long#MAX_VALUE}: none), where a read should stop.
   */
  long skipLoadedParts() {
    Map.Entry<Long, Long> e;
    while ((e = loadedParts.firstEntry()) != null && e.getKey() <= upTo + 1) {
      loadedParts.pollFirstEntry();
      if (e.getValue() > upTo) {
        upTo = e.getValue();
        pending = null;
        ckptRunId = -1;
      }
    }
    return e == null ? Long.MAX_VALUE : e.getKey();
  }

  /** Records appended by this process's writer (already applied to the index by it). */
  void appended(long last, boolean checkpoint) {
    upTo = last;
    pending = null;
    if (checkpoint) {
      latestCheckpoint = last;
    }
  }

  /** Replays one record; returns the commit it completed, or null. */
  CommitResult accept(LogStore.StoredRecord r) throws FsException {
    if (r.recno() != upTo + 1) {
      throw new IntegrityException("/", "directory log returned record " + r.recno()
          + " where " + (upTo + 1) + " was expected");
    }
    CommitCodec.Part c;
    try {
      FsRecord fr = Records.parse(r.payload());
      if (fr.hasCheckpoint() && formatVersion >= Records.CHECKPOINTS_VERSION) {
        upTo = r.recno();
        pending = null; // a checkpoint ends an unfinished commit run, as a part 0 would
        Checkpoints.Part p = Checkpoints.decodeHead(fr.getCheckpoint());
        nextTxnId = Math.max(nextTxnId, p.id() + 1);
        if (detached) {
          // parts anywhere after their commit; the final part lists them (load() reads and checks them)
          if (p.last() && p.commitRecno() < r.recno()) {
            Checkpoints.partRuns(fr.getCheckpoint(), p, r.recno());
            latestCheckpoint = r.recno();
            latestCheckpointParts = p.part() + 1;
          }
          return null;
        }
        if (p.part() == 0 && multiWriter && r.recno() != p.commitRecno() + 1) {
          ckptRunId = -1; // several writers: a checkpoint counts only right after its commit
        } else if (p.part() == 0) {
          ckptRunId = p.id();
          ckptRunPart = 0;
        } else if (p.id() == ckptRunId && p.part() == ckptRunPart + 1) {
          ckptRunPart = p.part();
        } else {
          ckptRunId = -1;
        }
        if (p.last() && ckptRunId == p.id()) {
          latestCheckpoint = r.recno();
        }
        return null;
      }
      if (fr.hasGc() && formatVersion >= Records.GC_VERSION) {
        GcRecords.Gc g = GcRecords.decode(fr.getGc(), r.recno());
        upTo = r.recno();
        pending = null; // like a checkpoint, a gc record ends an unfinished commit run
        ckptRunId = -1;
        nextTxnId = Math.max(nextTxnId, g.id() + 1);
        index.raiseRetention(g.horizon(), g.reclaimed());
        if (formatVersion >= Records.INTENTS_VERSION) {
          index.settleIntents(g.settled());
        }
        return null;
      }
      if (fr.hasIntent() && formatVersion >= Records.INTENTS_VERSION) {
        LogIntents.Intent i = LogIntents.decode(fr.getIntent(), r.recno());
        upTo = r.recno();
        pending = null; // like a gc record, an intent ends an unfinished commit run
        ckptRunId = -1;
        if (i.renewed() != 0 && formatVersion >= Records.RENEWALS_VERSION) {
          index.renewIntent(i);
        } else {
          index.addIntent(i);
        }
        return null;
      }
      c = CommitCodec.decode(fr, formatVersion);
    } catch (IllegalArgumentException e) {
      throw new IntegrityException("/", "directory record " + r.recno() + " of " + root
          + " is malformed: " + e.getMessage());
    }
    upTo = r.recno();
    ckptRunId = -1;
    nextTxnId = Math.max(nextTxnId, c.txnId() + 1);
    if (c.part() == 0 && multiWriter && c.baseRecno() + 1 != r.recno()) {
      // landed after records its writer never checked it against: void, its writer retries
      pending = null;
      return null;
    } else if (c.part() == 0) {
      pending = new LinkedHashMap<>(); // an unfinished earlier run, if any, is discarded here
      pendingTxn = c.txnId();
      pendingPart = 0;
      pendingFirst = r.recno();
      pendingId = c.commitId();
    } else if (pending == null || c.txnId() != pendingTxn || c.part() != pendingPart + 1
        || !c.commitId().equals(pendingId)) {
      pending = null; // orphan continuation: part of a commit whose start we discarded
      return null;
    } else {
      pendingPart = c.part();
    }
    pending.putAll(c.changes());
    if (!c.last()) {
      return null;
    }
    index.apply(pendingFirst, r.recno(), c.commitNanos(), pending);
    CommitResult done = new CommitResult(r.recno(), c.commitNanos(),
        pending.keySet().stream().map(EntryKey::display).sorted().toList());
    if (multiWriter) {
      recentIds.put(pendingId, done);
    }
    pending = null;
    return done;
  }
}
