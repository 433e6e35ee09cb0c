package org.gdpstore.fs;

import java.nio.file.FileSystemException;
import java.util.Objects;

/**
 * The one exception type of the filesystem API: a {@link FileSystemException} (so it fits code that
 * handles {@code java.nio.file} errors) carrying a TensorFlow status {@link #code()}. Callers branch
 * on the code; the subclasses {@link IntegrityException}, {@link TransactionConflictException} and
 * {@link SnapshotExpiredException} exist for the cases callers most often catch by type.
 */
public class FsException extends FileSystemException {
  private static final long serialVersionUID = 1L;

  private final FsCode code;

  public FsException(FsCode code, String path, String reason) {
    super(path, null, reason);
    this.code = Objects.requireNonNull(code, "code");
    if (code == FsCode.OK) {
      throw new IllegalArgumentException("an exception cannot carry OK");
    }
  }

  public FsException(FsCode code, String path, String reason, Throwable cause) {
    this(code, path, reason);
    initCause(cause);
  }

  /** The TensorFlow status code. */
  public FsCode code() {
    return code;
  }

  @Override
  public String getMessage() {
    return code + ": " + super.getMessage();
  }
}
