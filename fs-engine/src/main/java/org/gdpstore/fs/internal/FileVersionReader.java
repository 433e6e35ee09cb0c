package org.gdpstore.fs.internal;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import org.gdpstore.fs.FsCode;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.GdpRandomAccessFile;
import org.gdpstore.fs.IntegrityException;

/**
 * Reads one published file version. Thread-safe. Tracks sequential access: in a file too large
 * to sit in the chunk cache ({@link ContentReader#streams}), from the second read in order on,
 * chunks come from a {@link ChunkStream} (many range reads in flight, past the cache) until a read
 * elsewhere; other reads go through the cache (with read-ahead once they are in order). Hashes
 * bytes read in order from offset 0 so a file read to its end is checked against the content hash
 * of its directory entry.
 */
public final class FileVersionReader implements GdpRandomAccessFile {
  private final ContentReader content;
  private final String path;
  private final DirEntry entry;
  private final Object lock = new Object();
  private long expectNext;
  private final MessageDigest sha = Hashes.newSha256();
  private long hashedUpTo;
  /** Whether reads in order from 0 still need hashing (off once this version was checked). */
  private final boolean hashing;
  private boolean closed;
  private final boolean streams;
  /** The stream of a reader going on in order, and where its next byte is; null when not streaming. */
  private ChunkStream stream;
  private ChunkStream.Piece piece;
  private long streamPos;

  public FileVersionReader(ContentReader content, String path, DirEntry entry) {
    this.content = content;
    this.path = path;
    this.entry = entry;
    this.hashing = content.verifies() && !entry.isInline() && !content.contentVerified(entry);
    this.streams = content.streams(entry);
  }

  @Override
  public String name() {
    return path;
  }

  @Override
  public long length() {
    return entry.size;
  }

  @Override
  public int read(long offset, ByteBuffer dst) throws FsException {
    if (closed) {
      throw new FsException(FsCode.FAILED_PRECONDITION, path, "file is closed");
    }
    int start = dst.position();
    int n;
    boolean sequential;
    synchronized (lock) {
      sequential = offset == expectNext && offset > 0;
      if (sequential && streams) {
        n = readStreamed(offset, dst);
        afterRead(offset, dst, start, n);
        return n;
      }
      stream = null;
      piece = null;
    }
    n = content.read(entry, path, offset, dst, sequential);
    synchronized (lock) {
      afterRead(offset, dst, start, n);
    }
    return n;
  }

  /** Under the lock: reads the next bytes in order from the stream (opened here if need be). */
  private int readStreamed(long offset, ByteBuffer dst) throws FsException {
    if (stream == null || streamPos != offset) {
      stream = content.openStream(entry, path, offset);
      piece = null;
    }
    long pos = offset;
    int total = 0;
    try {
      while (dst.hasRemaining() && pos < entry.size) {
        if (piece == null || pos >= piece.end()) {
          piece = stream.next();
          if (piece == null) {
            throw new IntegrityException(path, "file log " + entry.log + " ends at offset " + pos + " of " + entry.size);
          }
          if (pos < piece.offset() || pos >= piece.end()) {
            throw new IntegrityException(path, "chunk " + piece.recno() + " of file log " + entry.log
                + " holds offsets " + piece.offset() + ".." + piece.end() + ", expected " + pos);
          }
        }
        int from = (int) (pos - piece.offset());
        int n = (int) Math.min(Math.min(dst.remaining(), piece.data().size() - from), entry.size - pos);
        piece.data().substring(from, from + n).copyTo(dst);
        pos += n;
        total += n;
      }
    } catch (FsException | RuntimeException e) {
      stream = null; // a failed stream is not continued: the next read starts afresh
      piece = null;
      throw e;
    }
    streamPos = pos;
    return total;
  }

  /** Under the lock: notes where the next read in order starts, and hashes reads in order from 0. */
  private void afterRead(long offset, ByteBuffer dst, int start, int n) throws FsException {
    expectNext = offset + n;
    if (hashing && n > 0 && offset == hashedUpTo) {
      ByteBuffer got = dst.duplicate();
      got.position(start).limit(start + n);
      sha.update(got);
      hashedUpTo += n;
      if (hashedUpTo == entry.size) {
        if (!Arrays.equals(sha.digest(), entry.sha256())) {
          throw new IntegrityException(path, "content hash mismatch: the data does not match its directory entry");
        }
        content.markContentVerified(entry);
      }
    }
  }

  @Override
  public byte[] readFully(long offset, int n) throws FsException {
    if (n < 0) {
      throw new FsException(FsCode.INVALID_ARGUMENT, path, "negative length " + n);
    }
    ByteBuffer b = ByteBuffer.allocate(n);
    int got = read(offset, b);
    if (got < n) {
      throw new FsException(FsCode.OUT_OF_RANGE, path, "read " + got + " of " + n + " bytes at offset "
          + offset + ": end of file (length " + entry.size + ")");
    }
    return b.array();
  }

  @Override
  public void close() {
    closed = true;
    synchronized (lock) {
      stream = null;
      piece = null;
    }
  }
}
