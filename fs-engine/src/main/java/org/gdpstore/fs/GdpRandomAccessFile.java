package org.gdpstore.fs;

import java.nio.ByteBuffer;

/**
 * Read access to one file as it was when it was opened (TensorFlow's RandomAccessFile; named apart from {@code java.io.RandomAccessFile}): a later
 * overwrite of the path does not change what this object reads. Thread-safe. Closing is
 * idempotent and only releases bookkeeping.
 */
public interface GdpRandomAccessFile extends AutoCloseable {
  /** The normalized path the file was opened with. */
  String name();

  /** The file's length. */
  long length();

  /**
   * Reads up to {@code dst.remaining()} bytes at {@code offset} into {@code dst} and returns how
   * many were read. A short count means the end of the file was reached (TensorFlow's
   * OUT_OF_RANGE with partial data); reading at or past the end returns 0.
   *
   * @throws IntegrityException if a record or the file's content hash fails verification
   */
  int read(long offset, ByteBuffer dst) throws FsException;

  /**
   * Reads exactly {@code n} bytes at {@code offset}.
   *
   * @throws FsException with {@link FsCode#OUT_OF_RANGE} if the file ends first
   */
  byte[] readFully(long offset, int n) throws FsException;

  @Override
  void close();
}
