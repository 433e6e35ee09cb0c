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
  static long locate(Reader reader, long recno, boolean multiWriter) throws FsException {
    if (recno < 2) {
      return 0;
    }
    LogStore.StoredRecord r = reader.read(recno, recno).get(0);
    long found;
    try {
      FsRecord fr = Records.parse(r.payload());
      if (fr.hasCheckpoint()) {
        Part p = decodeHead(fr.getCheckpoint());
        // several writers (format 4): a checkpoint counts only as a run right after its commit
        boolean inPlace = !multiWriter || recno - p.part() == p.commitRecno() + 1;
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

  /**
   * Loads the checkpoint whose last record is {@code last} into the empty {@code index}; returns
   * its head fields. Every part must be present, consecutive and of the same checkpoint. With
   * several writers (format 4) a run broken by another writer's record is not corruption but
   * void: then nothing is loaded and null is returned (the caller replays without it).
   */
  static Part load(Reader reader, long last, NamespaceIndex index, boolean multiWriter) throws FsException {
    LogStore.StoredRecord fin = reader.read(last, last).get(0);
    Part head;
    try {
      FsRecord fr = Records.parse(fin.payload());
      if (!fr.hasCheckpoint()) {
        throw new IllegalArgumentException("it is not a checkpoint record");
      }
      head = decodeHead(fr.getCheckpoint());
      if (!head.last() || head.part() >= last - 1 || head.commitRecno() >= last - head.part()) {
        throw new IllegalArgumentException("it is not the final part of a checkpoint after its commit");
      }
      List<LogStore.StoredRecord> recs = head.part() == 0 ? List.of(fin)
          : reader.read(last - head.part(), last);
      List<NamespaceIndex.Version> entries = new ArrayList<>();
      List<EntryKey> keys = new ArrayList<>();
      for (int i = 0; i < recs.size(); i++) {
        if (multiWriter && !Records.parse(recs.get(i).payload()).hasCheckpoint()) {
          return null; // another writer's commit interleaved with this checkpoint's parts
        }
        DirectoryCheckpoint c = i == recs.size() - 1 ? fr.getCheckpoint() : parseCheckpoint(recs.get(i));
        Part p = decodeHead(c);
        if (p.id() != head.id() || p.part() != i || p.last() != (i == recs.size() - 1)
            || p.commitRecno() != head.commitRecno()) {
          throw new IllegalArgumentException("record " + recs.get(i).recno() + " does not continue the checkpoint");
        }
        for (CheckpointEntry ce : c.getEntriesList()) {
          if (!ce.hasEntry() || ce.getVersionRecno() < 2 || ce.getVersionRecno() > head.commitRecno()) {
            throw new IllegalArgumentException("entry " + ce.getPath() + " has no valid version");
          }
          keys.add(CommitCodec.keyOf(ce.getNamespace(), ce.getPath()));
          entries.add(new NamespaceIndex.Version(ce.getVersionRecno(), DirEntry.fromProto(ce.getEntry())));
        }
      }
      index.loadCheckpoint(head.commitFirstRecno(), head.commitRecno(), head.commitNanos(), keys, entries);
      DirectoryCheckpoint f = fr.getCheckpoint();
      if (f.getHorizonRecno() > last || f.getReclaimedRecno() > f.getHorizonRecno()) {
        throw new IllegalArgumentException("its retention horizon " + f.getHorizonRecno() + " does not fit");
      }
      index.raiseRetention(Math.max(1, f.getHorizonRecno()), f.getReclaimedRecno());
      for (org.gdpstore.fs.internal.proto.DirectoryLogIntent i : f.getOpenIntentsList()) {
        LogIntents.Intent intent = LogIntents.decode(i, 0);
        if (intent.recno() >= last) {
          throw new IllegalArgumentException("it carries an intent of record " + intent.recno() + ", not before it");
        }
        index.addIntent(intent);
      }
    } catch (IllegalArgumentException e) {
      throw new IntegrityException("/", "directory checkpoint ending at record " + last + " is malformed: "
          + e.getMessage());
    }
    return head;
  }

  /** The per-path change index of one checkpoint (format 4), filtered to some keys. */
  record Changes(boolean complete, long previous, long previousCommit, long commit, Map<EntryKey, long[]> keys) {}

  /**
   * Reads the change index of the checkpoint ending at {@code last}: for every key {@code wanted}
   * accepts, the commits in its interval that changed it. {@code complete} is false if it has none.
   */
  static Changes changes(Reader reader, long last, java.util.function.Predicate<EntryKey> wanted) throws FsException {
    List<LogStore.StoredRecord> fin = reader.read(last, last);
    try {
      DirectoryCheckpoint c = parseCheckpoint(fin.get(0));
      Part head = decodeHead(c);
      if (!head.last() || head.part() >= last - 1) {
        throw new IllegalArgumentException("it is not the final part of a checkpoint");
      }
      if (!c.getHasChanges()) {
        return new Changes(false, head.previous(), 0, head.commitRecno(), Map.of());
      }
      List<LogStore.StoredRecord> recs = head.part() == 0 ? fin : reader.read(last - head.part(), last);
      Map<EntryKey, long[]> out = new java.util.HashMap<>();
      for (int i = 0; i < recs.size(); i++) {
        DirectoryCheckpoint p = i == recs.size() - 1 ? c : parseCheckpoint(recs.get(i));
        Part ph = decodeHead(p);
        if (ph.id() != head.id() || ph.part() != i) {
          throw new IllegalArgumentException("record " + recs.get(i).recno() + " does not continue the checkpoint");
        }
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
