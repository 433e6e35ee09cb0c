package org.gdpstore.fs.internal;

import com.google.protobuf.ByteString;
import java.util.Arrays;
import org.gdpstore.fs.internal.proto.EntryKind;
import org.gdpstore.wire.GdpName;

/**
 * One live directory entry (file, directory or key-value value) as the engine holds it; the
 * in-memory twin of the on-log {@code StoredEntry} message (named apart from it and from {@code Map.Entry}). Immutable.
 */
public final class DirEntry {
  /** What the entry is. */
  public enum Kind { FILE, DIR, VALUE }

  private static final byte[] NONE = new byte[0];

  public final Kind kind;
  /** The file log, or null (directories, inline values). */
  public final GdpName log;
  public final long size;
  private final byte[] sha256;
  public final long mtimeNanos;
  public final long lastRecno;
  private final byte[] inline;

  private DirEntry(Kind kind, GdpName log, long size, byte[] sha256, long mtimeNanos, long lastRecno,
      byte[] inline) {
    this.kind = kind;
    this.log = log;
    this.size = size;
    this.sha256 = sha256;
    this.mtimeNanos = mtimeNanos;
    this.lastRecno = lastRecno;
    this.inline = inline;
  }

  public static DirEntry dir(long mtimeNanos) {
    return new DirEntry(Kind.DIR, null, 0, NONE, mtimeNanos, 0, NONE);
  }

  public static DirEntry file(Kind kind, GdpName log, long size, byte[] sha256, long mtimeNanos,
      long lastRecno) {
    return new DirEntry(kind, log, size, sha256.clone(), mtimeNanos, lastRecno, NONE);
  }

  /** A key-value value stored inside its directory entry. */
  public static DirEntry inline(byte[] data, byte[] sha256, long mtimeNanos) {
    return inline(Kind.VALUE, data, sha256, mtimeNanos);
  }

  /**
   * A file ({@code FILE}, format version 2) or value ({@code VALUE}) whose content is stored inside
   * its directory entry: no file log, {@code log == null}, {@code lastRecno == 0}.
   */
  public static DirEntry inline(Kind kind, byte[] data, byte[] sha256, long mtimeNanos) {
    if (kind == Kind.DIR) {
      throw new IllegalArgumentException("a directory has no content");
    }
    return new DirEntry(kind, null, data.length, sha256.clone(), mtimeNanos, 0, data.clone());
  }

  public boolean isDir() {
    return kind == Kind.DIR;
  }

  public boolean isInline() {
    return log == null && kind != Kind.DIR;
  }

  public byte[] sha256() {
    return sha256.clone();
  }

  public byte[] inlineData() {
    return inline.clone();
  }

  /** The same entry with another modification time. */
  public DirEntry withMtime(long nanos) {
    return new DirEntry(kind, log, size, sha256, nanos, lastRecno, inline);
  }

  public org.gdpstore.fs.internal.proto.StoredEntry toProto() {
    org.gdpstore.fs.internal.proto.StoredEntry.Builder b = org.gdpstore.fs.internal.proto.StoredEntry.newBuilder()
        .setKind(switch (kind) {
          case FILE -> EntryKind.REGULAR_FILE;
          case DIR -> EntryKind.DIR;
          case VALUE -> EntryKind.VALUE;
        })
        .setSize(size)
        .setMtimeUnixNanos(mtimeNanos)
        .setLastRecno(lastRecno);
    if (log != null) {
      b.setLogName(ByteString.copyFrom(log.toBytes()));
    }
    if (sha256.length > 0) {
      b.setSha256(ByteString.copyFrom(sha256));
    }
    if (inline.length > 0) {
      b.setInlineData(ByteString.copyFrom(inline));
    }
    return b.build();
  }

  /** {@link #toProto()}'s {@code getSerializedSize()}, without building the message. */
  int protoSize() {
    int n = 0;
    int k = protoKind();
    if (k != 0) {
      n += com.google.protobuf.CodedOutputStream.computeEnumSize(1, k);
    }
    if (log != null) {
      n += com.google.protobuf.CodedOutputStream.computeTagSize(2)
          + com.google.protobuf.CodedOutputStream.computeUInt32SizeNoTag(GdpName.LENGTH) + GdpName.LENGTH;
    }
    if (size != 0) {
      n += com.google.protobuf.CodedOutputStream.computeUInt64Size(3, size);
    }
    if (sha256.length > 0) {
      n += com.google.protobuf.CodedOutputStream.computeByteArraySize(4, sha256);
    }
    if (mtimeNanos != 0) {
      n += com.google.protobuf.CodedOutputStream.computeInt64Size(5, mtimeNanos);
    }
    if (lastRecno != 0) {
      n += com.google.protobuf.CodedOutputStream.computeUInt64Size(6, lastRecno);
    }
    if (inline.length > 0) {
      n += com.google.protobuf.CodedOutputStream.computeByteArraySize(7, inline);
    }
    return n;
  }

  /**
   * Writes the fields of {@link #toProto()} (the same bytes its {@code writeTo} gives) without
   * building the message or copying the arrays: checkpoints encode every live entry this way.
   */
  void writeProto(com.google.protobuf.CodedOutputStream out) throws java.io.IOException {
    int k = protoKind();
    if (k != 0) {
      out.writeEnum(1, k);
    }
    if (log != null) {
      byte[] name = new byte[GdpName.LENGTH];
      log.copyTo(name, 0);
      out.writeByteArray(2, name);
    }
    if (size != 0) {
      out.writeUInt64(3, size);
    }
    if (sha256.length > 0) {
      out.writeByteArray(4, sha256);
    }
    if (mtimeNanos != 0) {
      out.writeInt64(5, mtimeNanos);
    }
    if (lastRecno != 0) {
      out.writeUInt64(6, lastRecno);
    }
    if (inline.length > 0) {
      out.writeByteArray(7, inline);
    }
  }

  private int protoKind() {
    return switch (kind) {
      case FILE -> EntryKind.REGULAR_FILE.getNumber();
      case DIR -> EntryKind.DIR.getNumber();
      case VALUE -> EntryKind.VALUE.getNumber();
    };
  }

  /** Parses an on-log entry; throws IllegalArgumentException if it breaks the format rules. */
  public static DirEntry fromProto(org.gdpstore.fs.internal.proto.StoredEntry e) {
    Kind kind = switch (e.getKind()) {
      case REGULAR_FILE -> Kind.FILE;
      case DIR -> Kind.DIR;
      case VALUE -> Kind.VALUE;
      default -> throw new IllegalArgumentException("unknown entry kind " + e.getKindValue());
    };
    if (kind == Kind.DIR) {
      return dir(e.getMtimeUnixNanos());
    }
    byte[] sha = e.getSha256().toByteArray();
    if (sha.length != 32) {
      throw new IllegalArgumentException("entry content hash has " + sha.length + " bytes, not 32");
    }
    if (e.getLogName().isEmpty()) {
      byte[] data = e.getInlineData().toByteArray();
      if (data.length != e.getSize()) {
        throw new IllegalArgumentException("inline entry size " + e.getSize() + " != " + data.length);
      }
      return new DirEntry(kind, null, data.length, sha, e.getMtimeUnixNanos(), 0, data);
    }
    if (e.getLogName().size() != GdpName.LENGTH) {
      throw new IllegalArgumentException("entry log name has " + e.getLogName().size() + " bytes");
    }
    if (e.getLastRecno() < 1) {
      throw new IllegalArgumentException("entry last_recno must be >= 1");
    }
    return new DirEntry(kind, GdpName.of(e.getLogName().toByteArray()), e.getSize(), sha,
        e.getMtimeUnixNanos(), e.getLastRecno(), NONE);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DirEntry x && x.kind == kind && java.util.Objects.equals(x.log, log)
        && x.size == size && Arrays.equals(x.sha256, sha256) && x.mtimeNanos == mtimeNanos
        && x.lastRecno == lastRecno && Arrays.equals(x.inline, inline);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(kind, log, size, mtimeNanos, lastRecno);
  }

  @Override
  public String toString() {
    return kind + (log != null ? "[" + log.printable() + " size=" + size + " last=" + lastRecno + "]"
        : kind == Kind.DIR ? "" : "[inline size=" + size + "]");
  }
}
