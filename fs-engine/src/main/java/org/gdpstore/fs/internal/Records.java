package org.gdpstore.fs.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.nio.ByteBuffer;
import org.gdpstore.fs.internal.proto.FsRecord;
import org.gdpstore.fs.internal.proto.LogHeader;
import org.gdpstore.fs.internal.proto.LogKind;
import org.gdpstore.wire.GdpName;

/** Encoding and checked decoding of on-log records (docs/on-log-format.md). Stateless. */
public final class Records {
  /**
   * The format version this code writes and the newest it reads. Version 2 adds files stored
   * inline in their directory entry (REGULAR_FILE entries with {@code inline_data}); a writer
   * continuing a version-1 filesystem keeps writing every file into a file log. Version 3 adds
   * directory checkpoints ({@code DirectoryCheckpoint} records, {@code checkpoint_recno} in commits);
   * a writer continuing a version-1 or -2 filesystem writes none. Version 4 lets several writers
   * share the directory log: commits carry an id and the record they were checked against
   * ({@code commit_id}, {@code base_recno}); a writer continuing an older filesystem keeps its
   * single-writer rules. Version 4 also adds garbage collection records ({@code DirectoryGc}) and
   * the retention horizon in checkpoints; only a version-4 filesystem can be garbage collected.
   * Version 5 adds intent records ({@code DirectoryLogIntent}): file logs get names derived from
   * them, so gc also finds the logs no commit references; a writer continuing a version-4 (or
   * older) filesystem writes no intents and creates file logs with random names, as before.
   * Version 6 detaches checkpoints from the commit path (see {@link #DETACHED_CHECKPOINTS_VERSION});
   * a writer continuing a version-5 filesystem writes version-5 checkpoints.
   * Version 7 adds intent renewals (see {@link #RENEWALS_VERSION}); a writer continuing a
   * version-6 filesystem renews nothing.
   */
  public static final int FORMAT_VERSION = 7;
  /**
   * The first format version whose writers renew the intents of the logs they hold open
   * (docs/on-log-format.md "Intents"), so a file written for longer than the orphan grace keeps its log.
   */
  public static final int RENEWALS_VERSION = 7;
  /**
   * The first format version whose checkpoints are detached: written beside later commits, their
   * parts anywhere after their commit, the final part listing them (docs/on-log-format.md 3.5).
   */
  public static final int DETACHED_CHECKPOINTS_VERSION = 6;
  /** The first format version whose directory log holds intents (file logs with derived names). */
  public static final int INTENTS_VERSION = 5;
  /** The first format version whose commits carry an id and a base record (several writers). */
  public static final int COMMIT_IDS_VERSION = 4;
  /** The first format version whose directory log may hold gc records (a retention horizon). */
  public static final int GC_VERSION = 4;
  /** The first format version whose directory log may hold checkpoints. */
  public static final int CHECKPOINTS_VERSION = 3;
  /** The first format version whose directory log may hold inline files. */
  public static final int INLINE_FILES_VERSION = 2;

  private Records() {}

  public static ByteBuffer header(LogKind kind, int chunkSize, long createdNanos, GdpName fs,
      String label) {
    LogHeader.Builder h = LogHeader.newBuilder()
        .setKind(kind)
        .setFormatVersion(FORMAT_VERSION)
        .setChunkSize(chunkSize)
        .setCreatedUnixNanos(createdNanos)
        .setLabel(label);
    if (fs != null) {
      h.setFilesystem(ByteString.copyFrom(fs.toBytes()));
    }
    return ByteBuffer.wrap(FsRecord.newBuilder().setHeader(h).build().toByteArray());
  }

  /**
   * A chunk record, encoded straight from {@code data} into an array of its exact size: the bytes
   * the generated {@code FsRecord} code writes (proto3: a zero offset and empty data are left out),
   * with one copy of the data instead of three.
   */
  public static ByteBuffer chunk(long offset, byte[] data, int off, int len) {
    int inner = (offset != 0 ? CodedOutputStream.computeUInt64Size(1, offset) : 0)
        + (len != 0 ? CodedOutputStream.computeTagSize(2) + CodedOutputStream.computeUInt32SizeNoTag(len) + len : 0);
    byte[] out = new byte[CodedOutputStream.computeTagSize(2) + CodedOutputStream.computeUInt32SizeNoTag(inner) + inner];
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    try {
      o.writeTag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      o.writeUInt32NoTag(inner);
      if (offset != 0) {
        o.writeUInt64(1, offset);
      }
      if (len != 0) {
        o.writeByteArray(2, data, off, len);
      }
      o.checkNoSpaceLeft();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("chunk record of " + len + " bytes miscounted", e);
    }
    return ByteBuffer.wrap(out);
  }

  /** Parses a record; a malformed one is an integrity failure (IllegalArgumentException). */
  public static FsRecord parse(ByteBuffer payload) {
    try {
      return FsRecord.parseFrom(payload.duplicate());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("record is not a gdpfs record: " + e.getMessage(), e);
    }
  }

  /** Parses and checks a header record of the expected kind. */
  public static LogHeader parseHeader(ByteBuffer payload, LogKind expected) {
    FsRecord r = parse(payload);
    if (!r.hasHeader()) {
      throw new IllegalArgumentException("record 1 is not a log header");
    }
    LogHeader h = r.getHeader();
    if (h.getKind() != expected) {
      throw new IllegalArgumentException("log is a " + h.getKind() + " log, expected " + expected);
    }
    if (h.getFormatVersion() < 1 || h.getFormatVersion() > FORMAT_VERSION) {
      throw new IllegalArgumentException("unsupported format version " + h.getFormatVersion());
    }
    if (expected == LogKind.FILE && h.getChunkSize() < 1) {
      throw new IllegalArgumentException("file log header has chunk size 0");
    }
    return h;
  }
}
