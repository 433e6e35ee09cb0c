package org.gdpstore.fs.internal;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gdpstore.fs.FsPaths;
import org.gdpstore.fs.internal.proto.Change;
import org.gdpstore.fs.internal.proto.DirectoryCommit;
import org.gdpstore.fs.internal.proto.FsRecord;
import org.gdpstore.fs.internal.proto.Namespace;
import org.gdpstore.fs.internal.proto.Tombstone;

/**
 * Encoding and checked decoding of directory commits (docs/on-log-format.md): a change set becomes
 * one record, or a run of parts when it does not fit one. Pure functions, no state.
 */
public final class CommitCodec {
  /** Largest encoded directory record part; leaves room in a 65,535-byte PDU for signatures. */
  public static final int MAX_COMMIT_PART_BYTES = 60_000;

  private CommitCodec() {}

  /**
   * One decoded directory record: a part of commit {@code txnId}; a null entry is a delete.
   * {@code commitId} and {@code baseRecno} are empty / 0 before format version 4.
   */
  public record Part(long txnId, int part, boolean last, long commitNanos,
      Map<EntryKey, DirEntry> changes, ByteString commitId, long baseRecno) {}

  /** Length of a commit id (format version 4). */
  public static final int COMMIT_ID_BYTES = 16;

  /** As {@link #encode(long, long, Map, long)} for a log without checkpoints. */
  public static List<ByteBuffer> encode(long txnId, long commitNanos, Map<EntryKey, DirEntry> changes) {
    return encode(txnId, commitNanos, changes, 0);
  }

  /** The records of one commit of {@code changes} (parts 0..n, the last one marked last). */
  public static List<ByteBuffer> encode(long txnId, long commitNanos, Map<EntryKey, DirEntry> changes,
      long checkpointRecno) {
    return encode(txnId, commitNanos, changes, checkpointRecno, ByteString.EMPTY, 0);
  }

  /**
   * As {@link #encode(long, long, Map, long)} with a commit id and the record the commit was
   * checked against (format version 4; an empty id and 0 write a version-3 commit).
   */
  public static List<ByteBuffer> encode(long txnId, long commitNanos, Map<EntryKey, DirEntry> changes,
      long checkpointRecno, ByteString commitId, long baseRecno) {
    List<ByteBuffer> parts = new ArrayList<>();
    DirectoryCommit.Builder cur = DirectoryCommit.newBuilder().setTxnId(txnId).setPart(0)
        .setCommitUnixNanos(commitNanos).setCheckpointRecno(checkpointRecno)
        .setCommitId(commitId).setBaseRecno(baseRecno);
    int curSize = 0;
    for (Map.Entry<EntryKey, DirEntry> e : changes.entrySet()) {
      EntryKey key = e.getKey();
      Change.Builder ch = Change.newBuilder()
          .setNamespace(key.kv() ? Namespace.KV : Namespace.FS)
          .setPath(key.kv() ? key.name() : key.name().substring(1));
      if (e.getValue() == null) {
        ch.setDelete(Tombstone.getDefaultInstance());
      } else {
        ch.setPut(e.getValue().toProto());
      }
      Change c = ch.build();
      int sz = c.getSerializedSize() + 8;
      if (curSize > 0 && curSize + sz > MAX_COMMIT_PART_BYTES) {
        parts.add(ByteBuffer.wrap(FsRecord.newBuilder().setCommit(cur).build().toByteArray()));
        cur = DirectoryCommit.newBuilder().setTxnId(txnId).setPart(parts.size()).setCommitUnixNanos(commitNanos)
            .setCheckpointRecno(checkpointRecno).setCommitId(commitId).setBaseRecno(baseRecno);
        curSize = 0;
      }
      cur.addChanges(c);
      curSize += sz;
    }
    cur.setLast(true);
    parts.add(ByteBuffer.wrap(FsRecord.newBuilder().setCommit(cur).build().toByteArray()));
    return parts;
  }

  /**
   * Decodes one directory record of a log of format version {@code formatVersion}.
   *
   * @throws IllegalArgumentException if it is not a well-formed directory commit
   */
  public static Part decode(ByteBuffer payload, int formatVersion) {
    return decode(Records.parse(payload), formatVersion);
  }

  /** As {@link #decode(ByteBuffer, int)} for a parsed record. */
  public static Part decode(FsRecord fr, int formatVersion) {
    if (!fr.hasCommit()) {
      throw new IllegalArgumentException("not a directory commit");
    }
    DirectoryCommit c = fr.getCommit();
    Map<EntryKey, DirEntry> changes = new LinkedHashMap<>();
    for (Change ch : c.getChangesList()) {
      EntryKey key = keyOf(ch.getNamespace(), ch.getPath());
      DirEntry put = ch.hasPut() ? DirEntry.fromProto(ch.getPut()) : null;
      if (put != null && put.kind == DirEntry.Kind.FILE && put.isInline()
          && formatVersion < Records.INLINE_FILES_VERSION) {
        throw new IllegalArgumentException("inline file " + ch.getPath() + " in a version-"
            + formatVersion + " directory log");
      }
      changes.put(key, put);
    }
    if (formatVersion >= Records.COMMIT_IDS_VERSION && c.getCommitId().size() != COMMIT_ID_BYTES) {
      throw new IllegalArgumentException("commit without a " + COMMIT_ID_BYTES + "-byte id in a version-"
          + formatVersion + " directory log");
    }
    return new Part(c.getTxnId(), c.getPart(), c.getLast(), c.getCommitUnixNanos(), changes,
        c.getCommitId(), c.getBaseRecno());
  }

  static Change.Builder change(EntryKey key) {
    return Change.newBuilder().setNamespace(key.kv() ? Namespace.KV : Namespace.FS)
        .setPath(key.kv() ? key.name() : key.name().substring(1));
  }

  static EntryKey keyOf(Namespace ns, String path) {
    if (ns == Namespace.KV) {
      return EntryKey.kv(path);
    }
    String norm;
    try {
      norm = FsPaths.normalize("/" + path);
    } catch (org.gdpstore.fs.FsException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    if (norm.equals("/") || !norm.equals("/" + path)) {
      throw new IllegalArgumentException(new org.gdpstore.fs.FsException(org.gdpstore.fs.FsCode.INVALID_ARGUMENT,
          path, "path in a directory record is not normalized").getMessage());
    }
    return EntryKey.path(norm);
  }
}
