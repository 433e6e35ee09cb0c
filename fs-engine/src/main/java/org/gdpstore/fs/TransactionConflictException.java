package org.gdpstore.fs;

/**
 * A transaction could not commit because paths it changed (or their parent directories) were
 * changed by a commit made after the transaction started. Nothing of the transaction became
 * visible; it is aborted. Code {@link FsCode#ABORTED}.
 */
public final class TransactionConflictException extends FsException {
  private static final long serialVersionUID = 1L;

  public TransactionConflictException(String path, String reason) {
    super(FsCode.ABORTED, path, reason);
  }
}
