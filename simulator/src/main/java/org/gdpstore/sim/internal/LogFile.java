package org.gdpstore.sim.internal;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * One log on disk: an append-only file {@code <pname>.glog}. Format 2 (written since issue 11):
 *
 * <pre>
 * header : magic "GDPSLOG2" (8) | u32 metadata length | metadata | u32 CRC32C(metadata)
 * record : u32 frame magic "GDFR" | u32 payload length | u64 record number | u32 CRC32C(payload)
 *          | u32 CRC32C(the 20 bytes before) | payload (a serialized GdpDatum)
 * </pre>
 *
 * A frame with an empty payload is a hole marker: the record number was damaged and salvaged away.
 * Format 1 files ("GDPSLOG1", frames {@code u32 length | u32 CRC32C(payload) | payload}) are still
 * read and appended to in their own format; nothing rewrites a file on open.
 *
 * <p>A file is created complete (written to a temporary name, synced, renamed, directory synced), so
 * its header is never torn. Records are appended with one write per batch; {@link #sync()} makes
 * them durable. {@link #scan} reports every frame and every damaged stretch ({@link FrameScanner});
 * only a torn tail may be cut ({@link #cutTornTail}). Not thread-safe: the log server's thread owns it.
 */
public final class LogFile implements Closeable {
  static final byte[] MAGIC_V1 = "GDPSLOG1".getBytes(StandardCharsets.US_ASCII);
  static final byte[] MAGIC_V2 = "GDPSLOG2".getBytes(StandardCharsets.US_ASCII);
  /** The current format, written by {@link #create}. */
  static final int VERSION = 2;
  /** "GDFR": the start of every format 2 frame. */
  static final int FRAME_MAGIC = 0x47444652;
  static final int V1_HEAD = 8;
  static final int V2_HEAD = 24;
  /** Largest payload a record frame may declare; larger lengths mean a torn or corrupt frame. */
  static final int MAX_FRAME = 1 << 20;

  private final Path path;
  private final FileChannel ch;
  private final int version;
  /** Where the first frame starts. */
  private final long headerEnd;
  private long size;
  /** The record number the next appended frame carries (format 2). */
  private long nextRecno = 1;
  private boolean dirty;

  /** Injected write failures, for tests of a full disk: how many more writes fail. */
  private final StorageFaults storageFaults;

  private LogFile(Path path, FileChannel ch, Header header, long size, StorageFaults storageFaults) {
    this.path = path;
    this.ch = ch;
    this.version = header.version();
    this.headerEnd = header.end();
    this.size = size;
    this.storageFaults = storageFaults;
  }

  /** A log file's header: its format version, the log's metadata, and where the first frame starts. */
  record Header(int version, byte[] metadata, long end) {}

  /** A frame that fails its checksums: the record stored there is damaged. */
  static final class CorruptFrameException extends IOException {
    private static final long serialVersionUID = 1L;

    CorruptFrameException(String message) {
      super(message);
    }
  }

  /** Creates a new log file holding only the header; durable when this returns. */
  public static LogFile create(Path dir, String fileName, byte[] metadata, StorageFaults faults) throws IOException {
    Files.createDirectories(dir);
    Path target = dir.resolve(fileName);
    if (Files.exists(target)) {
      throw new IOException("log file exists: " + target);
    }
    Path tmp = dir.resolve(fileName + ".tmp");
    ByteBuffer header = ByteBuffer.allocate(MAGIC_V2.length + 8 + metadata.length);
    header.put(MAGIC_V2).putInt(metadata.length).put(metadata).putInt(crc(metadata, 0, metadata.length)).flip();
    faults.beforeWrite();
    try (FileChannel t = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      while (header.hasRemaining()) {
        t.write(header);
      }
      t.force(true);
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target);
    }
    syncDirectory(dir);
    FileChannel ch = FileChannel.open(target, StandardOpenOption.READ, StandardOpenOption.WRITE);
    return new LogFile(target, ch, new Header(VERSION, metadata, header.limit()), ch.size(), faults);
  }

  /** Reads just the header of a log file. */
  public static Header readHeader(Path file) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      return readHeader(new DataInputStream(in), file);
    }
  }

  private static Header readHeader(DataInputStream in, Path file) throws IOException {
    byte[] magic = new byte[MAGIC_V2.length];
    try {
      in.readFully(magic);
      int version = java.util.Arrays.equals(magic, MAGIC_V2) ? 2 : java.util.Arrays.equals(magic, MAGIC_V1) ? 1 : 0;
      if (version == 0) {
        throw new IOException("not a log file (bad magic): " + file);
      }
      int mdLen = in.readInt();
      if (mdLen < 0 || mdLen > MAX_FRAME) {
        throw new IOException("log file header is corrupt: " + file);
      }
      byte[] md = new byte[mdLen];
      in.readFully(md);
      if (in.readInt() != crc(md, 0, md.length)) {
        throw new IOException("log file header checksum mismatch: " + file);
      }
      return new Header(version, md, MAGIC_V2.length + 8L + mdLen);
    } catch (java.io.EOFException e) {
      throw new IOException("not a log file (too short): " + file, e);
    }
  }

  /** Opens an existing log file; {@link #scan} it, then {@link #resumeAppends} before appending. */
  public static LogFile openExisting(Path file, StorageFaults faults) throws IOException {
    Header h = readHeader(file);
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      return new LogFile(file, ch, h, ch.size(), faults);
    } catch (RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /** Reports every frame and damaged stretch to {@code sink}; returns the bytes after the last frame, or null. */
  FrameScanner.Tail scan(FrameScanner.Sink sink) throws IOException {
    return FrameScanner.scan(ch, version, headerEnd, ch.size(), sink);
  }

  /** Cuts a torn tail (an append that a crash left unfinished) at {@code offset}; durable when this returns. */
  void cutTornTail(long offset) throws IOException {
    ch.truncate(offset);
    ch.force(true);
  }

  /** After a scan: appends go to the end of the file and carry record numbers from {@code next} on. */
  void resumeAppends(long next) throws IOException {
    size = ch.size();
    nextRecno = next;
  }

  int version() {
    return version;
  }

  /**
   * Reads back the payload of the record whose frame starts at {@code offset}.
   *
   * @throws IOException if it cannot be read or its checksum does not match
   */
  public byte[] read(long offset) throws IOException {
    int head = version == 1 ? V1_HEAD : V2_HEAD;
    if (offset < headerEnd || offset + head > size) {
      throw new CorruptFrameException("no record frame at " + offset + " in " + path);
    }
    ByteBuffer h = ByteBuffer.allocate(head);
    readFully(h, offset);
    int len;
    int sum;
    if (version == 1) {
      len = h.getInt(0);
      sum = h.getInt(4);
    } else {
      if (h.getInt(0) != FRAME_MAGIC || crc(h.array(), 0, 20) != h.getInt(20)) {
        throw new CorruptFrameException("record frame header damaged at offset " + offset + " in " + path);
      }
      len = h.getInt(4);
      sum = h.getInt(16);
    }
    if (len < 0 || len > MAX_FRAME || offset + head + len > size) {
      throw new CorruptFrameException("bad record frame length at offset " + offset + " in " + path);
    }
    ByteBuffer body = ByteBuffer.allocate(len);
    readFully(body, offset + head);
    byte[] payload = body.array();
    if (crc(payload, 0, len) != sum) {
      throw new CorruptFrameException("record checksum mismatch at offset " + offset + " in " + path);
    }
    return payload;
  }

  private void readFully(ByteBuffer buf, long pos) throws IOException {
    while (buf.hasRemaining()) {
      int r = ch.read(buf, pos + buf.position());
      if (r < 0) {
        throw new java.io.EOFException("end of " + path + " at " + (pos + buf.position()));
      }
    }
  }

  /**
   * Appends record payloads in one write and returns where each frame starts. On failure the file
   * is cut back to its previous size, so nothing of the batch remains.
   */
  public long[] append(List<byte[]> payloads) throws IOException {
    long[] recnos = new long[payloads.size()];
    for (int i = 0; i < recnos.length; i++) {
      recnos[i] = nextRecno + i;
    }
    return append(recnos, payloads);
  }

  /** Appends frames with the given record numbers (salvage writes holes); see {@link #append(List)}. */
  long[] append(long[] recnos, List<byte[]> payloads) throws IOException {
    int head = version == 1 ? V1_HEAD : V2_HEAD;
    int total = 0;
    long[] offsets = new long[payloads.size()];
    for (int i = 0; i < offsets.length; i++) {
      offsets[i] = size + total;
      total += head + payloads.get(i).length;
    }
    ByteBuffer buf = ByteBuffer.allocate(total);
    for (int i = 0; i < offsets.length; i++) {
      byte[] p = payloads.get(i);
      if (version == 1) {
        buf.putInt(p.length).putInt(crc(p, 0, p.length)).put(p);
      } else {
        int at = buf.position();
        buf.putInt(FRAME_MAGIC).putInt(p.length).putLong(recnos[i]).putInt(crc(p, 0, p.length));
        buf.putInt(crc(buf.array(), at, 20)).put(p);
      }
    }
    buf.flip();
    long before = size;
    try {
      storageFaults.duringWrite(ch, buf, before);
      long pos = before;
      while (buf.hasRemaining()) {
        pos += ch.write(buf, pos);
      }
      size = pos;
      if (recnos.length > 0) {
        nextRecno = Math.max(nextRecno, recnos[recnos.length - 1] + 1);
      }
      dirty = true;
      return offsets;
    } catch (IOException e) {
      try {
        ch.truncate(before);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      size = before;
      throw e;
    }
  }

  /** True if appended data has not been synced yet. */
  public boolean isDirty() {
    return dirty;
  }

  /** Forces appended records to stable storage. */
  public void sync() throws IOException {
    if (dirty) {
      ch.force(false);
      dirty = false;
    }
  }

  public Path path() {
    return path;
  }

  public long size() {
    return size;
  }

  /** Closes and removes the file. */
  public void delete() throws IOException {
    close();
    Files.deleteIfExists(path);
    syncDirectory(path.getParent());
  }

  @Override
  public void close() throws IOException {
    ch.close();
  }

  static int crc(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    return (int) c.getValue();
  }

  static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // not every platform can sync a directory; the rename is still atomic
    }
  }
}
