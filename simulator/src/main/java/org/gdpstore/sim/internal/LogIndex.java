package org.gdpstore.sim.internal;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * What a clean shutdown of the log server knew about one log file, kept beside it as
 * {@code <name>.glog.idx}: for every record its frame offset, timestamp and record hash. With it
 * the first use of the log after a start reads 52 bytes per record instead of reading, parsing and
 * re-hashing the whole file (for a 1 GiB file about a second of CPU and a read of the file).
 *
 * <p>The index is trusted only if its own checksum holds and the log file still has exactly the
 * size and modification time it had when the index was written; it is deleted when read, so once
 * the log changes only the next clean shutdown writes one again, and a crash leaves none (the next
 * start scans the file with every check of {@link LogRecovery}). Damage to a record's bytes that
 * keeps the file's size and time is still found: every read checks its frame's checksum. A log
 * with damaged records gets no index. The log file's own format is unchanged: an index is a cache
 * that older versions ignore.
 *
 * <pre>
 * "GDPSIDX1" | u64 log file size | u64 log file mtime (ns) | u64 nrecs
 *   | nrecs x (u64 frame offset | u64 ts sec | u32 ts nsec | 32-byte record hash) | u32 CRC32C(all before)
 * </pre>
 */
final class LogIndex {
  static final byte[] MAGIC = "GDPSIDX1".getBytes(StandardCharsets.US_ASCII);
  private static final int HEAD = 8 + 3 * 8;
  private static final int PER_RECORD = 8 + 8 + 4 + 32;

  private LogIndex() {}

  /** Where the index of {@code logFile} is kept. */
  static Path of(Path logFile) {
    return logFile.resolveSibling(logFile.getFileName() + ".idx");
  }

  /**
   * Writes the index of a durable log whose file is synced and is not written again before it is
   * closed. Not synced itself: a torn or lost index fails its checksum or is missing, and the next
   * start scans the file.
   */
  static void write(SimLog log) throws IOException {
    Path f = log.file.path();
    long size = Files.size(f);
    long mtime = Files.getLastModifiedTime(f).to(TimeUnit.NANOSECONDS);
    Path idx = of(f);
    Path tmp = idx.resolveSibling(idx.getFileName() + ".tmp");
    CRC32C crc = new CRC32C();
    try (OutputStream raw = Files.newOutputStream(tmp);
         DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new CheckedOutputStream(raw, crc), 1 << 16))) {
      out.write(MAGIC);
      out.writeLong(size);
      out.writeLong(mtime);
      long n = log.nrecs();
      out.writeLong(n);
      for (long r = 1; r <= n; r++) {
        out.writeLong(log.offsetAt(r));
        out.writeLong(log.tsSecAt(r));
        out.writeInt(log.tsNsecAt(r));
        out.write(log.hashAt(r));
      }
      out.flush();
      raw.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    try {
      Files.move(tmp, idx, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, idx, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Fills the empty {@code log}, whose file is {@code logFile}, from the file's index if there is
   * one and it matches the file; deletes the index either way. False (and {@code log} untouched)
   * when there is none or it does not match: then the file must be scanned.
   */
  static boolean load(Path logFile, SimLog log) {
    Path idx = of(logFile);
    if (!Files.exists(idx)) {
      return false;
    }
    try {
      byte[] b = Files.readAllBytes(idx);
      Files.delete(idx); // consumed: from now on the log may change
      if (b.length < HEAD + 4 || !Arrays.equals(b, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
        return false;
      }
      CRC32C crc = new CRC32C();
      crc.update(b, 0, b.length - 4);
      ByteBuffer in = ByteBuffer.wrap(b);
      if ((int) crc.getValue() != in.getInt(b.length - 4)) {
        return false;
      }
      in.position(MAGIC.length);
      long size = in.getLong();
      long mtime = in.getLong();
      long n = in.getLong();
      if (size != Files.size(logFile)
          || mtime != Files.getLastModifiedTime(logFile).to(TimeUnit.NANOSECONDS)
          || n < 0 || n != (b.length - HEAD - 4) / PER_RECORD || (b.length - HEAD - 4) % PER_RECORD != 0
          || log.nrecs() != 0) {
        return false;
      }
      for (long r = 1; r <= n; r++) {
        int at = in.position();
        log.addStored(in.getLong(at), in.getLong(at + 8), in.getInt(at + 16), b, at + 20);
        in.position(at + PER_RECORD);
      }
      return true;
    } catch (IOException e) {
      return false; // unreadable index: scan the file
    }
  }
}
