package org.gdpstore.fs;

/**
 * {@code deleteRecursively} failed and reports, as TensorFlow's DeleteRecursively does, what it
 * left undeleted (a missing path: NOT_FOUND with one undeleted directory, no undeleted file).
 */
public final class DeleteIncompleteException extends FsException {
  private static final long serialVersionUID = 1L;

  private final DeleteResult undeleted;

  public DeleteIncompleteException(FsCode code, String path, String reason, DeleteResult undeleted) {
    super(code, path, reason);
    this.undeleted = undeleted;
  }

  /** TensorFlow's undeleted_files / undeleted_dirs counters. */
  public DeleteResult undeleted() {
    return undeleted;
  }
}
