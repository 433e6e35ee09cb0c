package org.gdpstore.nio.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.gdpstore.fs.FsException;

/**
 * Turns the engine's {@link FsException} (TensorFlow codes) into the plain {@code java.nio.file}
 * exception a caller of {@code Files} expects, keeping the engine's reason. Cases where the right
 * type depends on the operation (a non-empty directory, a file where a directory is needed) are
 * checked by the operation itself before it calls the engine.
 */
final class Errors {
  private Errors() {}

  static IOException map(FsException e, String path) {
    return map(e, path, null);
  }

  static IOException map(FsException e, String path, String other) {
    String reason = e.getReason();
    IOException out = switch (e.code()) {
      case NOT_FOUND -> new NoSuchFileException(path, other, reason);
      case ALREADY_EXISTS -> new FileAlreadyExistsException(path, other, reason);
      case PERMISSION_DENIED -> new AccessDeniedException(path, other, reason);
      case DATA_LOSS -> new FileSystemException(path, other, "integrity check failed, no data returned: " + reason);
      case ABORTED -> new FileSystemException(path, other, "transaction conflict, nothing committed: " + reason);
      case UNAVAILABLE -> new FileSystemException(path, other, "log server unavailable, outcome unknown: " + reason);
      default -> new FileSystemException(path, other, e.code() + ": " + reason);
    };
    out.initCause(e);
    return out;
  }
}
