package org.gdpstore.sim.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
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

  /** A file's contents after recovery. */
  public record Recovered(LogFile file, byte[] metadata, List<byte[]> records, long truncatedBytes) {}

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

  /**
   * Opens an existing file, reads its records and truncates a torn tail.
   *
   * @throws IOException if the header is unreadable (the file is not a log)
   */
  public static Recovered open(Path file, StorageFaults faults) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      long fileSize = ch.size();
      ByteBuffer all = ByteBuffer.allocate((int) Math.min(fileSize, Integer.MAX_VALUE - 16));
      while (all.hasRemaining() && ch.read(all, all.position()) > 0) {
        // read the whole file; logs of the simulator fit in memory anyway
      }
      all.flip();
      if (all.remaining() < MAGIC.length + 8) {
        throw new IOException("not a log file (too short): " + file);
      }
      byte[] magic = new byte[MAGIC.length];
      all.get(magic);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw new IOException("not a log file (bad magic): " + file);
      }
      int mdLen = all.getInt();
      if (mdLen < 0 || mdLen > all.remaining() - 4) {
        throw new IOException("log file header is corrupt: " + file);
      }
      byte[] md = new byte[mdLen];
      all.get(md);
      if (all.getInt() != crc(md, 0, md.length)) {
        throw new IOException("log file header checksum mismatch: " + file);
      }
      List<byte[]> records = new ArrayList<>();
      long good = all.position();
      while (all.remaining() >= 8) {
        int len = all.getInt();
        int sum = all.getInt();
        if (len < 0 || len > MAX_FRAME || len > all.remaining()) {
          break;
        }
        byte[] payload = new byte[len];
        all.get(payload);
        if (crc(payload, 0, len) != sum) {
          break;
        }
        records.add(payload);
        good = all.position();
      }
      long truncated = fileSize - good;
      if (truncated > 0) {
        ch.truncate(good);
        ch.force(true);
      }
      return new Recovered(new LogFile(file, ch, good, faults), md, records, truncated);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /**
   * Appends record payloads in one write. On failure the file is cut back to its previous size,
   * so nothing of the batch remains.
   */
  public void append(List<byte[]> payloads) throws IOException {
    int total = 0;
    for (byte[] p : payloads) {
      total += 8 + p.length;
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
