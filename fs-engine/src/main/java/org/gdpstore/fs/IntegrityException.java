package org.gdpstore.fs;

/**
 * Stored data failed verification: a record's signature or integrity check, a malformed record,
 * or a file's content hash. Code {@link FsCode#DATA_LOSS}. The bad bytes are never returned.
 */
public final class IntegrityException extends FsException {
  private static final long serialVersionUID = 1L;

  public IntegrityException(String path, String reason) {
    super(FsCode.DATA_LOSS, path, reason);
  }

  public IntegrityException(String path, String reason, Throwable cause) {
    super(FsCode.DATA_LOSS, path, reason, cause);
  }
}
