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
 * One log on disk: an append-only file {@code <pname>.glog}.
 *
 * <pre>
 * header : magic "GDPSLOG1" (8) | u32 metadata length | metadata | u32 CRC32C(metadata)
 * record : u32 payload length | u32 CRC32C(payload) | payload (a serialized GdpDatum)
 * </pre>
 *
 * A file is created complete (written to a temporary name, synced, renamed, directory synced), so
 * its header is never torn. Records are appended with one write per batch; {@link #sync()} makes
 * them durable. {@link #open} keeps every intact record and truncates the file after the first
 * torn or corrupt one. Not thread-safe: the log server's thread owns it.
 */
public final class LogFile implements Closeable {
  static final byte[] MAGIC = "GDPSLOG1".getBytes(StandardCharsets.US_ASCII);
  /** Largest payload a record frame may declare; larger lengths mean a torn or corrupt frame. */
  static final int MAX_FRAME = 1 << 20;

  private final Path path;
  private final FileChannel ch;
  private long size;
  private boolean dirty;

  /** Injected write failures, for tests of a full disk: how many more writes fail. */
  private final StorageFaults storageFaults;

  private LogFile(Path path, FileChannel ch, long size, StorageFaults storageFaults) {
    this.path = path;
    this.ch = ch;
    this.size = size;
    this.storageFaults = storageFaults;
  }

  /** Receives each intact record during recovery. */
  @FunctionalInterface
  public interface RecordSink {
    /**
     * @param offset where the record's frame starts
     * @return false to stop here: this record and everything after it is dropped as a torn tail
     */
    boolean accept(long offset, byte[] payload);
  }

  /** Creates a new log file holding only the header; durable when this returns. */
  public static LogFile create(Path dir, String fileName, byte[] metadata, StorageFaults faults) throws IOException {
    Files.createDirectories(dir);
    Path target = dir.resolve(fileName);
    if (Files.exists(target)) {
      throw new IOException("log file exists: " + target);
    }
    Path tmp = dir.resolve(fileName + ".tmp");
    ByteBuffer header = ByteBuffer.allocate(MAGIC.length + 8 + metadata.length);
    header.put(MAGIC).putInt(metadata.length).put(metadata).putInt(crc(metadata, 0, metadata.length)).flip();
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
    return new LogFile(target, ch, ch.size(), faults);
  }

  /** Reads just the metadata of a log file. */
  public static byte[] readMetadata(Path file) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      return readHeader(new DataInputStream(in), file);
    }
  }

  private static byte[] readHeader(DataInputStream in, Path file) throws IOException {
    byte[] magic = new byte[MAGIC.length];
    try {
      in.readFully(magic);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
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
      return md;
    } catch (java.io.EOFException e) {
      throw new IOException("not a log file (too short): " + file, e);
    }
  }

  /** Opens an existing log file; call {@link #recover} before appending. */
  public static LogFile openExisting(Path file, StorageFaults faults) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      return new LogFile(file, ch, ch.size(), faults);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /**
   * Hands every intact record to {@code sink} in order and truncates the file after the last one
   * kept (a torn or corrupt tail, or where the sink stopped). Reads sequentially, so files larger
   * than memory are fine. Returns the number of bytes cut off.
   *
   * @throws IOException if the header is unreadable (the file is not a log)
   */
  public long recover(RecordSink sink) throws IOException {
    long fileSize = ch.size();
    long good;
    try (InputStream raw = Files.newInputStream(path);
         DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
      byte[] md = readHeader(in, path);
      long pos = MAGIC.length + 8L + md.length;
      good = pos;
      while (fileSize - pos >= 8) {
        int len = in.readInt();
        int sum = in.readInt();
        if (len < 0 || len > MAX_FRAME || len > fileSize - pos - 8) {
          break;
        }
        byte[] payload = new byte[len];
        in.readFully(payload);
        if (crc(payload, 0, len) != sum || !sink.accept(pos, payload)) {
          break;
        }
        pos += 8 + len;
        good = pos;
      }
    }
    long truncated = fileSize - good;
    if (truncated > 0) {
      ch.truncate(good);
      ch.force(true);
    }
    size = good;
    return truncated;
  }

  /**
   * Reads back the payload of the record whose frame starts at {@code offset}.
   *
   * @throws IOException if it cannot be read or its checksum does not match
   */
  public byte[] read(long offset) throws IOException {
    ByteBuffer head = ByteBuffer.allocate(8);
    readFully(head, offset);
    head.flip();
    int len = head.getInt();
    int sum = head.getInt();
    if (len < 0 || len > MAX_FRAME || offset + 8 + len > size) {
      throw new IOException("bad record frame at " + offset + " in " + path);
    }
    ByteBuffer body = ByteBuffer.allocate(len);
    readFully(body, offset + 8);
    byte[] payload = body.array();
    if (crc(payload, 0, len) != sum) {
      throw new IOException("record checksum mismatch at " + offset + " in " + path);
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
    int total = 0;
    long[] offsets = new long[payloads.size()];
    for (int i = 0; i < offsets.length; i++) {
      offsets[i] = size + total;
      total += 8 + payloads.get(i).length;
    }
    ByteBuffer buf = ByteBuffer.allocate(total);
    for (byte[] p : payloads) {
      buf.putInt(p.length).putInt(crc(p, 0, p.length)).put(p);
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
