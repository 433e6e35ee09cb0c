package org.gdpstore.sim.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Walks the record frames of a log file (see {@link LogFile} for the layout) and finds its way
 * back to the next intact frame after damaged bytes. Format 2 frames carry a magic number and a
 * header checksum, so a frame is recognised wherever it starts; format 1 frames are recognised by
 * a plausible length whose payload checksum matches (a false match has odds of 2^-32 per offset).
 */
final class FrameScanner {
  /** What the scan found, in file order. */
  interface Sink {
    /** An intact frame; {@code headerRecno} is 0 in format 1 (the number is in the payload). */
    void frame(long offset, long headerRecno, byte[] payload);

    /** Format 2: a frame whose header is intact but whose payload fails its checksum. */
    void damagedFrame(long offset, long headerRecno, int length);

    /** Bytes in which no frame was found, followed by a frame. */
    void unreadable(long from, long to);
  }

  /**
   * The bytes after the last frame, if any. {@code torn} when they can be what a crash leaves of
   * an unfinished append (a prefix of a frame, or zeros); otherwise they are damage.
   */
  record Tail(long offset, long length, boolean torn) {}

  private enum Kind { OK, DAMAGED, NONE }

  private final FileChannel ch;
  private final int version;
  private final long size;
  private byte[] buf = new byte[1 << 16];
  private long base;
  private int len;
  // the last frame tried
  private Kind kind;
  private long recno;
  private int length;
  private byte[] payload;

  private FrameScanner(FileChannel ch, int version, long size) {
    this.ch = ch;
    this.version = version;
    this.size = size;
  }

  /** Scans {@code [start, size)} of a file of the given format version; returns its tail, or null. */
  static Tail scan(FileChannel ch, int version, long start, long size, Sink sink) throws IOException {
    return new FrameScanner(ch, version, size).run(start, sink);
  }

  private int head() {
    return version == 1 ? LogFile.V1_HEAD : LogFile.V2_HEAD;
  }

  private Tail run(long start, Sink sink) throws IOException {
    long pos = start;
    long lastEnd = start;
    while (pos < size) {
      tryFrame(pos);
      if (kind == Kind.NONE) {
        pos++;
        continue;
      }
      if (pos > lastEnd) {
        sink.unreadable(lastEnd, pos);
      }
      if (kind == Kind.OK) {
        sink.frame(pos, recno, payload);
      } else {
        sink.damagedFrame(pos, recno, length);
      }
      pos += head() + length;
      lastEnd = pos;
    }
    return lastEnd < size ? new Tail(lastEnd, size - lastEnd, torn(lastEnd)) : null;
  }

  /** Looks for a complete frame at {@code pos}; sets {@link #kind} and the frame's fields. */
  private void tryFrame(long pos) throws IOException {
    kind = Kind.NONE;
    if (!load(pos, head())) {
      return;
    }
    if (version == 1) {
      length = getInt(pos);
      int sum = getInt(pos + 4);
      if (length < 1 || length > LogFile.MAX_FRAME || pos + 8 + length > size || !load(pos + 8, length)) {
        return;
      }
      if (LogFile.crc(buf, off(pos + 8), length) == sum) {
        recno = 0;
        payload = bytes(pos + 8, length);
        kind = Kind.OK;
      }
      return;
    }
    if (!v2HeaderValid(pos)) {
      return;
    }
    length = getInt(pos + 4);
    recno = getLong(pos + 8);
    int sum = getInt(pos + 16);
    if (pos + LogFile.V2_HEAD + length > size || !load(pos + LogFile.V2_HEAD, length)) {
      return;
    }
    if (LogFile.crc(buf, off(pos + LogFile.V2_HEAD), length) == sum) {
      payload = bytes(pos + LogFile.V2_HEAD, length);
      kind = Kind.OK;
    } else {
      kind = Kind.DAMAGED;
    }
  }

  private boolean v2HeaderValid(long pos) {
    if (getInt(pos) != LogFile.FRAME_MAGIC || LogFile.crc(buf, off(pos), 20) != getInt(pos + 20)) {
      return false;
    }
    int l = getInt(pos + 4);
    return l >= 0 && l <= LogFile.MAX_FRAME && getLong(pos + 8) > 0;
  }

  /** Can the bytes from {@code from} to the end be the unfinished last append? */
  private boolean torn(long from) throws IOException {
    long n = size - from;
    if (n > LogFile.MAX_FRAME + LogFile.V2_HEAD) {
      return false;
    }
    load(from, (int) n);
    boolean zeros = true;
    for (long p = from; p < size && zeros; p++) {
      zeros = buf[off(p)] == 0;
    }
    if (zeros) {
      return true;
    }
    if (version == 1) {
      if (n < LogFile.V1_HEAD) {
        return true;
      }
      int l = getInt(from);
      return l >= 1 && l <= LogFile.MAX_FRAME && from + LogFile.V1_HEAD + l > size;
    }
    if (n < LogFile.V2_HEAD) {
      ByteBuffer magic = ByteBuffer.allocate(4).putInt(LogFile.FRAME_MAGIC);
      for (int i = 0; i < Math.min(4, n); i++) {
        if (buf[off(from + i)] != magic.get(i)) {
          return false;
        }
      }
      return true;
    }
    return v2HeaderValid(from) && from + LogFile.V2_HEAD + getInt(from + 4) > size;
  }

  // ---------------------------------------------------------------- a window on the file

  /** Makes {@code [pos, pos + n)} readable from {@link #buf}; false if it passes the end of the file. */
  private boolean load(long pos, int n) throws IOException {
    if (pos + n > size) {
      return false;
    }
    if (pos >= base && pos + n <= base + len) {
      return true;
    }
    if (buf.length < n) {
      buf = new byte[n];
    }
    int want = (int) Math.min(buf.length, size - pos);
    ByteBuffer bb = ByteBuffer.wrap(buf, 0, want);
    while (bb.hasRemaining()) {
      if (ch.read(bb, pos + bb.position()) < 0) {
        break;
      }
    }
    base = pos;
    len = bb.position();
    return pos + n <= base + len;
  }

  private int off(long pos) {
    return (int) (pos - base);
  }

  private int getInt(long pos) {
    return ByteBuffer.wrap(buf, off(pos), 4).getInt();
  }

  private long getLong(long pos) {
    return ByteBuffer.wrap(buf, off(pos), 8).getLong();
  }

  private byte[] bytes(long pos, int n) {
    byte[] b = new byte[n];
    System.arraycopy(buf, off(pos), b, 0, n);
    return b;
  }
}
