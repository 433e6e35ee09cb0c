package org.gdpstore.fs;

import java.nio.ByteBuffer;

/**
 * A file being written (TensorFlow's WritableFile). A file of at most
 * {@link FsOptions#inlineFileBytes()} bytes is kept in memory and published inside its directory
 * entry; beyond that the bytes go into a new file log (or continue the file's log for an
 * appendable file) as chunk records. The path shows the new content only when the file is closed
 * (or, inside a transaction, when the transaction commits). Not thread-safe: one thread writes a
 * file.
 *
 * <p>Durability words: {@link #flush()} hands complete chunks to the log client; {@link #sync()}
 * returns once the log server acknowledged every chunk appended so far (the unfinished tail chunk
 * stays buffered, as does the whole content of a file still inline: it is invisible and
 * meaningless until the file is published); {@link #close()}
 * appends the tail, syncs, and publishes.
 */
public interface WritableFile extends AutoCloseable {
  String name();

  /** Appends the remaining bytes of {@code data} (copied; its position moves to its limit). */
  void append(ByteBuffer data) throws FsException;

  default void append(byte[] data) throws FsException {
    append(ByteBuffer.wrap(data));
  }

  /** Bytes written so far (the length the file will have). */
  long tell() throws FsException;

  void flush() throws FsException;

  void sync() throws FsException;

  /** Publishes the file; FAILED_PRECONDITION if already closed (TensorFlow's contract). */
  @Override
  void close() throws FsException;
}
