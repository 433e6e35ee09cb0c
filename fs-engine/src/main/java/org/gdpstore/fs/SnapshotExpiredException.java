package org.gdpstore.fs;

/**
 * A snapshot older than the retention horizon was asked for: a gc may have deleted its file logs,
 * so it is refused rather than read in part. Code {@link FsCode#FAILED_PRECONDITION}.
 */
public final class SnapshotExpiredException extends FsException {
  private static final long serialVersionUID = 1L;

  private final long recno;
  private final long horizon;

  public SnapshotExpiredException(long recno, long horizon) {
    super(FsCode.FAILED_PRECONDITION, "/", "snapshot " + recno + " is older than the retention horizon "
        + horizon + " (garbage collected)");
    this.recno = recno;
    this.horizon = horizon;
  }

  /** The directory record asked for. */
  public long recno() {
    return recno;
  }

  /** The oldest snapshot still readable. */
  public long horizon() {
    return horizon;
  }
}
