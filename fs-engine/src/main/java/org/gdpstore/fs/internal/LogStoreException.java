package org.gdpstore.fs.internal;

/** A failure of the {@link LogStore} port, classified for the fs error model. */
public final class LogStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, as far as the fs engine cares. */
  public enum Kind {
    /** The log does not exist. */
    NOT_FOUND,
    /** A record failed verification (signature, hash chain, or was tampered with). */
    INTEGRITY,
    /** Not the log's writer. */
    PERMISSION,
    /** The record does not exist (beyond the end of the log). */
    OUT_OF_RANGE,
    /** The connection or server is gone; the outcome of an append is unknown. */
    UNAVAILABLE,
    /** An append's record number was taken by another writer: nothing of it was stored there. */
    CONFLICT,
    /** The log server does not implement the operation (DELETE on the reference gdplogd). */
    UNSUPPORTED,
    /** Anything else. */
    OTHER
  }

  private final Kind kind;

  public LogStoreException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public LogStoreException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
