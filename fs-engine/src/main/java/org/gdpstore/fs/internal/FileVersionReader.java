package org.gdpstore.fs.internal;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import org.gdpstore.fs.FsCode;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.GdpRandomAccessFile;
import org.gdpstore.fs.IntegrityException;

/**
 * Reads one published file version. Thread-safe. Tracks sequential access for read-ahead, and
 * hashes bytes read in order from offset 0 so a file read to its end is checked against the
 * content hash of its directory entry.
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

  public FileVersionReader(ContentReader content, String path, DirEntry entry) {
    this.content = content;
    this.path = path;
    this.entry = entry;
    this.hashing = content.verifies() && !entry.isInline() && !content.contentVerified(entry);
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
    boolean sequential;
    synchronized (lock) {
      sequential = offset == expectNext && offset > 0;
    }
    int start = dst.position();
    int n = content.read(entry, path, offset, dst, sequential);
    synchronized (lock) {
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
    return n;
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
  }
}
