package org.gdpstore.fs.internal;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.IntegrityException;
import org.gdpstore.fs.internal.proto.CheckpointEntry;
import org.gdpstore.fs.internal.proto.DirectoryCheckpoint;
import org.gdpstore.fs.internal.proto.FsRecord;
import org.gdpstore.fs.internal.proto.KeyChanges;
import org.gdpstore.fs.internal.proto.Namespace;

/**
 * Directory checkpoints (format version 3, docs/on-log-format.md 3.5): encoding the live
 * namespace as checkpoint records, finding the latest complete checkpoint at or before a record,
 * and loading one into an empty {@link NamespaceIndex}. Stateless.
 */
final class Checkpoints {
  private Checkpoints() {}

  /** Reads directory records {@code first..last} (verified as the log is). */
  interface Reader {
    List<LogStore.StoredRecord> read(long first, long last) throws FsException;
  }

  /** The head fields of one checkpoint record. */
  record Part(long id, int part, boolean last, long commitRecno, long commitFirstRecno,
      long commitNanos, long previous) {}

  static Part decodeHead(DirectoryCheckpoint c) {
    if (c.getCommitRecno() < 2 || c.getCommitFirstRecno() < 2 || c.getCommitFirstRecno() > c.getCommitRecno()) {
      throw new IllegalArgumentException("checkpoint names no valid commit");
    }
    return new Part(c.getCheckpointId(), c.getPart(), c.getLast(), c.getCommitRecno(),
        c.getCommitFirstRecno(), c.getCommitUnixNanos(), c.getPreviousCheckpointRecno());
  }

  /**
   * The records of a checkpoint of {@code index} as of its head (the commit written as records
   * {@code commitFirst..head}), split like commits into parts of at most
   * {@link CommitCodec#MAX_COMMIT_PART_BYTES}. With {@code previousCommit} >= 0 (format 4: the
   * commit of checkpoint {@code previous}, 0 if none) and an index holding every version after it,
   * the checkpoint also carries the per-path change index of that interval; -1: none.
   */
  static List<ByteBuffer> encode(long id, NamespaceIndex index, long previous, long previousCommit) {
    long at = index.head();
    boolean withChanges = previousCommit >= 0 && (index.base() <= 1 || index.base() <= previousCommit);
    PartWriter parts = new PartWriter(id, at, index.commitFirstRecno(at), index.commitTime(at), previous);
    for (EntryKey key : index.allKeys()) {
      NamespaceIndex.Version v = index.versionAt(key, at); // one lookup for the entry and its recno
      if (v != null && v.entry() != null) {
        parts.entry(key, v.entry(), v.recno());
      }
    }
    if (withChanges) {
      for (EntryKey key : index.allKeys()) {
        long[] recnos = index.recnosAfter(key, previousCommit);
        if (recnos.length > 0) {
          parts.changes(key, recnos);
        }
      }
    }
    DirectoryCheckpoint.Builder fin = parts.head();
    if (withChanges) {
      fin.setHasChanges(true).setPreviousCommitRecno(previousCommit);
    }
    fin.setLast(true);
    if (index.horizon() > 1 || index.reclaimed() > 0) { // format 4 only: no gc before it, fields omitted
      fin.setHorizonRecno(index.horizon()).setReclaimedRecno(index.reclaimed());
    }
    for (LogIntents.Intent i : index.openIntents()) { // format 5 only: no intents before it
      fin.addOpenIntents(LogIntents.toProto(i));
    }
    return parts.finish(fin);
  }

  /** What a detached checkpoint (format 6) states, captured under the replay lock at its commit {@code at}. */
  record Capture(long id, long at, long first, long nanos, long previous, long previousCommit,
      long horizon, long reclaimed, List<LogIntents.Intent> intents) {}

  /** The parts of a detached checkpoint but its final one, and whether they carry a change index. */
  record Detached(List<ByteBuffer> parts, boolean withChanges) {}

  /**
   * The parts of a detached checkpoint (format 6) of {@code index} as of {@code c.at()}, all but the
   * final one ({@link #detachedFinal}, built once these landed). One walk of the index at that
   * snapshot, entry and changes key by key, so later commits may be applied meanwhile.
   */
  static Detached encodeDetached(Capture c, NamespaceIndex index) {
    boolean withChanges = c.previousCommit() >= 0 && (index.base() <= 1 || index.base() <= c.previousCommit());
    PartWriter parts = new PartWriter(c.id(), c.at(), c.first(), c.nanos(), c.previous());
    index.forEachAt(c.at(), withChanges ? c.previousCommit() : -1, (key, live, changes) -> {
      if (live != null && live.entry() != null) {
        parts.entry(key, live.entry(), live.recno());
      }
      if (changes != null && changes.length > 0) {
        parts.changes(key, changes);
      }
    });
    return new Detached(parts.bodyParts(), withChanges);
  }

  /**
   * The final part of a detached checkpoint whose other parts landed as {@code recnos} (in part
   * order): no entries, the head fields as of its commit, and those records as runs.
   */
  static ByteBuffer detachedFinal(Capture c, boolean withChanges, List<Long> recnos) {
    DirectoryCheckpoint.Builder fin = newPart(c.id(), recnos.size(), c.at(), c.first(), c.nanos(), c.previous())
        .setLast(true);
    if (withChanges) {
      fin.setHasChanges(true).setPreviousCommitRecno(c.previousCommit());
    }
    if (c.horizon() > 1 || c.reclaimed() > 0) {
      fin.setHorizonRecno(c.horizon()).setReclaimedRecno(c.reclaimed());
    }
    for (LogIntents.Intent i : c.intents()) {
      fin.addOpenIntents(LogIntents.toProto(i));
    }
    for (int i = 0; i < recnos.size(); ) {
      int j = i;
      while (j + 1 < recnos.size() && recnos.get(j + 1) == recnos.get(j) + 1) {
        j++;
      }
      fin.addPartRuns(recnos.get(i)).addPartRuns(j - i + 1);
      i = j + 1;
    }
    return ByteBuffer.wrap(FsRecord.newBuilder().setCheckpoint(fin).build().toByteArray());
  }

  /**
   * Writes checkpoint records part by part. The entries and change lists, which grow with the
   * namespace, are written straight to the part's bytes (no message objects, no copies of the
   * entries' arrays); the few head fields go through the generated builder. Protobuf lets a
   * message's fields come in any order, so a part is its head's bytes followed by those fields,
   * wrapped as an {@code FsRecord}. Parts split where the builder-based encoder split them.
   */
  private static final class PartWriter {
    private static final int ENTRIES = 8; // DirectoryCheckpoint.entries
    private static final int CHANGES = 11; // DirectoryCheckpoint.changes
    private final long id;
    private final long at;
    private final long first;
    private final long nanos;
    private final long previous;
    private final List<ByteBuffer> done = new ArrayList<>();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream(CommitCodec.MAX_COMMIT_PART_BYTES + 4096);
    private final CodedOutputStream out = CodedOutputStream.newInstance(body);
    private int curSize;

    PartWriter(long id, long at, long first, long nanos, long previous) {
      this.id = id;
      this.at = at;
      this.first = first;
      this.nanos = nanos;
      this.previous = previous;
    }

    /** The head fields of the part being written. */
    DirectoryCheckpoint.Builder head() {
      return newPart(id, done.size(), at, first, nanos, previous);
    }

    void entry(EntryKey key, DirEntry e, long recno) {
      String path = key.kv() ? key.name() : key.name().substring(1);
      int entrySize = e.protoSize();
      int size = namespaceSize(key) + stringSize(path)
          + CodedOutputStream.computeTagSize(3)
          + CodedOutputStream.computeUInt32SizeNoTag(entrySize) + entrySize
          + CodedOutputStream.computeUInt64Size(4, recno);
      startItem(size);
      try {
        out.writeTag(ENTRIES, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(size);
        writeKey(key, path);
        out.writeTag(3, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(entrySize);
        e.writeProto(out);
        out.writeUInt64(4, recno);
      } catch (IOException ex) {
        throw new UncheckedIOException(ex); // an in-memory stream does not fail
      }
    }

    void changes(EntryKey key, long[] recnos) {
      String path = key.kv() ? key.name() : key.name().substring(1);
      int data = 0;
      for (long r : recnos) {
        data += CodedOutputStream.computeUInt64SizeNoTag(r);
      }
      int size = namespaceSize(key) + stringSize(path) + CodedOutputStream.computeTagSize(3)
          + CodedOutputStream.computeUInt32SizeNoTag(data) + data;
      startItem(size);
      try {
        out.writeTag(CHANGES, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(size);
        writeKey(key, path);
        out.writeTag(3, WireFormat.WIRETYPE_LENGTH_DELIMITED); // packed, as proto3 writes it
        out.writeUInt32NoTag(data);
        for (long r : recnos) {
          out.writeUInt64NoTag(r);
        }
      } catch (IOException ex) {
        throw new UncheckedIOException(ex);
      }
    }

    /** Ends the part being written before an item of {@code size} bytes if it would not fit. */
    private void startItem(int size) {
      int sz = size + 8; // as the builder-based encoder counted: the item message's size + 8
      if (curSize > 0 && curSize + sz > CommitCodec.MAX_COMMIT_PART_BYTES) {
        done.add(record(head()));
      }
      curSize += sz;
    }

    private void writeKey(EntryKey key, String path) throws IOException {
      if (key.kv()) {
        out.writeEnum(1, Namespace.KV_VALUE);
      }
      if (!path.isEmpty()) {
        out.writeString(2, path);
      }
    }

    private static int namespaceSize(EntryKey key) {
      return key.kv() ? CodedOutputStream.computeEnumSize(1, Namespace.KV_VALUE) : 0;
    }

    private static int stringSize(String path) {
      return path.isEmpty() ? 0 : CodedOutputStream.computeStringSize(2, path);
    }

    /** The part so far with {@code head}'s fields, as a record; the next part starts empty. */
    private ByteBuffer record(DirectoryCheckpoint.Builder head) {
      try {
        out.flush();
        byte[] headBytes = head.build().toByteArray();
        int cpSize = headBytes.length + body.size();
        int total = CodedOutputStream.computeTagSize(4) + CodedOutputStream.computeUInt32SizeNoTag(cpSize) + cpSize;
        byte[] rec = new byte[total];
        CodedOutputStream w = CodedOutputStream.newInstance(rec);
        w.writeTag(4, WireFormat.WIRETYPE_LENGTH_DELIMITED); // FsRecord.checkpoint
        w.writeUInt32NoTag(cpSize);
        w.writeRawBytes(headBytes);
        w.writeRawBytes(body.toByteArray());
        w.checkNoSpaceLeft();
        body.reset();
        curSize = 0;
        return ByteBuffer.wrap(rec);
      } catch (IOException ex) {
        throw new UncheckedIOException(ex);
      }
    }

    /** Ends the part being written, if it holds anything; returns every part's record. */
    List<ByteBuffer> bodyParts() {
      if (curSize > 0) {
        done.add(record(head()));
      }
      return done;
    }

    /** Ends the last part with {@code fin}'s fields; returns every part's record. */
    List<ByteBuffer> finish(DirectoryCheckpoint.Builder fin) {
      done.add(record(fin));
      return done;
    }
  }

  private static DirectoryCheckpoint.Builder newPart(long id, int part, long at, long first, long nanos,
      long previous) {
    return DirectoryCheckpoint.newBuilder().setCheckpointId(id).setPart(part).setCommitRecno(at)
        .setCommitFirstRecno(first).setCommitUnixNanos(nanos).setPreviousCheckpointRecno(previous);
  }

  /**
   * The last record of the latest complete checkpoint at or before record {@code recno}, read
   * from that record alone (0: none). Only directory logs of format version 3 have checkpoints.
   */
  static long locate(Reader reader, long recno, int formatVersion) throws FsException {
    boolean multiWriter = formatVersion >= Records.COMMIT_IDS_VERSION;
    boolean detached = formatVersion >= Records.DETACHED_CHECKPOINTS_VERSION;
    if (recno < 2) {
      return 0;
    }
    LogStore.StoredRecord r = reader.read(recno, recno).get(0);
    long found;
    try {
      FsRecord fr = Records.parse(r.payload());
      if (fr.hasCheckpoint()) {
        Part p = decodeHead(fr.getCheckpoint());
        // several writers (format 4, 5): a checkpoint counts only as a run right after its commit;
        // detached (format 6): its final part lists its parts, which load() checks
        boolean inPlace = detached || !multiWriter || recno - p.part() == p.commitRecno() + 1;
        found = p.last() && inPlace ? recno : p.previous();
      } else if (fr.hasCommit()) {
        found = fr.getCommit().getCheckpointRecno();
      } else if (fr.hasGc()) {
        found = fr.getGc().getCheckpointRecno();
      } else if (fr.hasIntent()) {
        found = fr.getIntent().getCheckpointRecno();
      } else {
        throw new IllegalArgumentException("not a directory record");
      }
    } catch (IllegalArgumentException e) {
      throw new IntegrityException("/", "directory record " + recno + " is malformed: " + e.getMessage());
    }
    if (found > recno || found == 1) {
      throw new IntegrityException("/", "directory record " + recno + " names checkpoint " + found
          + ", which is not before it");
    }
    return found;
  }

  /** A checkpoint loaded: its head fields, (format 6) the records of its other parts as runs, its size. */
  record Loaded(Part head, List<long[]> partRuns, long bytes) {}

  /**
   * Loads the checkpoint whose last record is {@code last} into the empty {@code index}; returns
   * its head fields. Every part must be present and of the same checkpoint: the run of records
   * before it, or (format 6) the records its final part lists. With several writers (format 4, 5)
   * a run broken by another writer's record is not corruption but void: then nothing is loaded
   * and null is returned (the caller replays without it).
   */
  static Loaded load(Reader reader, long last, NamespaceIndex index, int formatVersion) throws FsException {
    try {
      List<DirectoryCheckpoint> parts = parts(reader, last, formatVersion);
      if (parts == null) {
        return null; // another writer's commit interleaved with this checkpoint's parts
      }
      DirectoryCheckpoint f = parts.get(parts.size() - 1);
      Part head = decodeHead(f);
      List<long[]> runs = formatVersion >= Records.DETACHED_CHECKPOINTS_VERSION
          ? partRuns(f, head, last) : List.of();
      List<NamespaceIndex.Version> entries = new ArrayList<>();
      List<EntryKey> keys = new ArrayList<>();
      for (DirectoryCheckpoint c : parts) {
        for (CheckpointEntry ce : c.getEntriesList()) {
          if (!ce.hasEntry() || ce.getVersionRecno() < 2 || ce.getVersionRecno() > head.commitRecno()) {
            throw new IllegalArgumentException("entry " + ce.getPath() + " has no valid version");
          }
          keys.add(CommitCodec.keyOf(ce.getNamespace(), ce.getPath()));
          entries.add(new NamespaceIndex.Version(ce.getVersionRecno(), DirEntry.fromProto(ce.getEntry())));
        }
      }
      index.loadCheckpoint(head.commitFirstRecno(), head.commitRecno(), head.commitNanos(), keys, entries);
      if (f.getHorizonRecno() > last || f.getReclaimedRecno() > f.getHorizonRecno()) {
        throw new IllegalArgumentException("its retention horizon " + f.getHorizonRecno() + " does not fit");
      }
      index.raiseRetention(Math.max(1, f.getHorizonRecno()), f.getReclaimedRecno());
      // intents as of the state it holds: before its commit (format 6), else before its final part
      long bound = formatVersion >= Records.DETACHED_CHECKPOINTS_VERSION ? head.commitRecno() + 1 : last;
      for (org.gdpstore.fs.internal.proto.DirectoryLogIntent i : f.getOpenIntentsList()) {
        LogIntents.Intent intent = LogIntents.decode(i, 0);
        if (intent.recno() >= bound) {
          throw new IllegalArgumentException("it carries an intent of record " + intent.recno() + ", not before it");
        }
        index.addIntent(intent);
      }
      return new Loaded(head, runs, parts.stream().mapToLong(DirectoryCheckpoint::getSerializedSize).sum());
    } catch (IllegalArgumentException e) {
      throw new IntegrityException("/", "directory checkpoint ending at record " + last + " is malformed: "
          + e.getMessage());
    }
  }

  /**
   * Every part of the checkpoint whose final part is record {@code last}, in part order, each
   * checked to belong to it; null if (formats 4 and 5) another writer's record interleaved.
   */
  private static List<DirectoryCheckpoint> parts(Reader reader, long last, int formatVersion) throws FsException {
    DirectoryCheckpoint fin = parseCheckpoint(reader.read(last, last).get(0));
    Part head = decodeHead(fin);
    if (!head.last()) {
      throw new IllegalArgumentException("it is not the final part of a checkpoint");
    }
    List<DirectoryCheckpoint> parts = new ArrayList<>();
    if (formatVersion >= Records.DETACHED_CHECKPOINTS_VERSION) {
      if (head.commitRecno() >= last) {
        throw new IllegalArgumentException("it is not after its commit");
      }
      for (long[] run : partRuns(fin, head, last)) {
        for (LogStore.StoredRecord r : reader.read(run[0], run[0] + run[1] - 1)) {
          parts.add(parseCheckpoint(r));
        }
      }
      parts.add(fin);
    } else {
      if (head.part() >= last - 1 || head.commitRecno() >= last - head.part()) {
        throw new IllegalArgumentException("it is not the final part of a checkpoint after its commit");
      }
      List<LogStore.StoredRecord> recs = head.part() == 0 ? List.of() : reader.read(last - head.part(), last - 1);
      for (LogStore.StoredRecord r : recs) {
        if (formatVersion >= Records.COMMIT_IDS_VERSION && !Records.parse(r.payload()).hasCheckpoint()) {
          return null;
        }
        parts.add(parseCheckpoint(r));
      }
      parts.add(fin);
    }
    for (int i = 0; i < parts.size(); i++) {
      Part p = decodeHead(parts.get(i));
      if (p.id() != head.id() || p.part() != i || p.last() != (i == parts.size() - 1)
          || p.commitRecno() != head.commitRecno()) {
        throw new IllegalArgumentException("part " + i + " does not continue the checkpoint");
      }
    }
    return parts;
  }

  /**
   * The records (first, count) a detached checkpoint's final part lists for its other parts, checked
   * to be ascending, after its commit, before the final part and as many as its parts.
   */
  static List<long[]> partRuns(DirectoryCheckpoint fin, Part head, long last) {
    if (fin.getPartRunsCount() % 2 != 0) {
      throw new IllegalArgumentException("its list of parts is cut");
    }
    List<long[]> runs = new ArrayList<>();
    long after = head.commitRecno();
    long total = 0;
    for (int i = 0; i < fin.getPartRunsCount(); i += 2) {
      long first = fin.getPartRuns(i);
      long n = fin.getPartRuns(i + 1);
      if (n < 1 || first <= after || n >= last || first >= last - n + 1) {
        throw new IllegalArgumentException("its list of parts names records outside its commit and itself");
      }
      runs.add(new long[] {first, n});
      after = first + n - 1;
      total += n;
    }
    if (total != head.part()) {
      throw new IllegalArgumentException("it lists " + total + " records for " + head.part() + " parts");
    }
    return runs;
  }

  /** The per-path change index of one checkpoint (format 4), filtered to some keys. */
  record Changes(boolean complete, long previous, long previousCommit, long commit, Map<EntryKey, long[]> keys) {}

  /**
   * Reads the change index of the checkpoint ending at {@code last}: for every key {@code wanted}
   * accepts, the commits in its interval that changed it. {@code complete} is false if it has none.
   */
  static Changes changes(Reader reader, long last, int formatVersion, java.util.function.Predicate<EntryKey> wanted)
      throws FsException {
    try {
      DirectoryCheckpoint c = parseCheckpoint(reader.read(last, last).get(0));
      Part head = decodeHead(c);
      if (!c.getHasChanges()) {
        return new Changes(false, head.previous(), 0, head.commitRecno(), Map.of());
      }
      List<DirectoryCheckpoint> parts = parts(reader, last, formatVersion);
      if (parts == null) {
        throw new IllegalArgumentException("another writer's record is among its parts");
      }
      Map<EntryKey, long[]> out = new java.util.HashMap<>();
      for (DirectoryCheckpoint p : parts) {
        for (KeyChanges kc : p.getChangesList()) {
          EntryKey key = CommitCodec.keyOf(kc.getNamespace(), kc.getPath());
          if (wanted.test(key)) {
            long[] r = kc.getCommitRecnosList().stream().mapToLong(Long::longValue).toArray();
            for (long x : r) {
              if (x <= c.getPreviousCommitRecno() || x > head.commitRecno()) {
                throw new IllegalArgumentException("change of " + kc.getPath() + " at " + x + " is outside its interval");
              }
            }
            out.put(key, r);
          }
        }
      }
      return new Changes(true, head.previous(), c.getPreviousCommitRecno(), head.commitRecno(), out);
    } catch (IllegalArgumentException e) {
      throw new IntegrityException("/", "directory checkpoint ending at record " + last + " is malformed: "
          + e.getMessage());
    }
  }

  private static DirectoryCheckpoint parseCheckpoint(LogStore.StoredRecord r) {
    FsRecord fr = Records.parse(r.payload());
    if (!fr.hasCheckpoint()) {
      throw new IllegalArgumentException("record " + r.recno() + " is not a checkpoint part");
    }
    return fr.getCheckpoint();
  }

  /** The commit time a directory record carries (a checkpoint: its commit's), or -1 for the header. */
  static long recordTime(LogStore.StoredRecord r) {
    FsRecord fr = Records.parse(r.payload());
    if (fr.hasCommit()) {
      return fr.getCommit().getCommitUnixNanos();
    }
    if (fr.hasCheckpoint()) {
      return fr.getCheckpoint().getCommitUnixNanos();
    }
    if (fr.hasGc()) {
      return fr.getGc().getCommitUnixNanos();
    }
    if (fr.hasIntent()) {
      return fr.getIntent().getCommitUnixNanos();
    }
    return -1;
  }
}
