package org.gdpstore.nio.internal;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemNotFoundException;
import org.gdpstore.home.HomeException;

/** The home library's errors as {@code java.nio.file} exceptions (the reason kept in the message, the original as cause). */
final class HomeErrors {
  private HomeErrors() {}

  /** A bad key or alias name is a bad argument; a missing alias is a missing filesystem. */
  static RuntimeException unchecked(HomeException e) {
    RuntimeException out = switch (e.reason()) {
      case BAD_NAME -> new IllegalArgumentException(e.getMessage(), e);
      case NOT_FOUND -> new FileSystemNotFoundException(e.getMessage());
      default -> null;
    };
    if (out != null && out.getCause() == null) {
      out.initCause(e);
    }
    return out;
  }

  /** Every other reason: a {@code FileSystemException} on {@code file} ({@code FileAlreadyExistsException} for EXISTS). */
  static FileSystemException map(HomeException e, String file) {
    RuntimeException u = unchecked(e);
    if (u != null) {
      throw u;
    }
    FileSystemException out = e.reason() == HomeException.Reason.EXISTS
        ? new FileAlreadyExistsException(file, null, e.getMessage())
        : new FileSystemException(file, null, e.getMessage());
    out.initCause(e);
    return out;
  }
}
