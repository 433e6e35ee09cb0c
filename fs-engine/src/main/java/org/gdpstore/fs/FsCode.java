package org.gdpstore.fs;

/**
 * Status codes of the filesystem API: TensorFlow's (absl) status codes with the same numbers, so a
 * TensorFlow user reads them as he knows them. {@code OK} never appears in an exception; it is
 * returned by calls that report a status per item ({@link GdpFileSystem#filesExist}).
 */
public enum FsCode {
  OK(0),
  CANCELLED(1),
  UNKNOWN(2),
  /** Bad argument: malformed path or pattern, empty file for a memory region. */
  INVALID_ARGUMENT(3),
  DEADLINE_EXCEEDED(4),
  /** The path, a parent, a token or a key does not exist. */
  NOT_FOUND(5),
  /** {@code createDir} of an existing path. */
  ALREADY_EXISTS(6),
  /** A write without the filesystem's writer key. */
  PERMISSION_DENIED(7),
  RESOURCE_EXHAUSTED(8),
  /** Wrong kind (file where a directory is needed or vice versa, a parent is a file), directory
   * not empty, path held by another transaction, closed file. */
  FAILED_PRECONDITION(9),
  /** A transaction conflicted with changes committed after it started; nothing was committed. */
  ABORTED(10),
  /** A read reached the end of the file. */
  OUT_OF_RANGE(11),
  UNIMPLEMENTED(12),
  INTERNAL(13),
  /** The log server is unreachable or the writer lost its connection; the outcome is unknown. */
  UNAVAILABLE(14),
  /** Stored data failed verification (signature, record integrity or content hash). */
  DATA_LOSS(15);

  private final int value;

  FsCode(int value) {
    this.value = value;
  }

  /** TensorFlow's numeric value of the code. */
  public int value() {
    return value;
  }
}
