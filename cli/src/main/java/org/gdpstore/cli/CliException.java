package org.gdpstore.cli;

import org.gdpstore.home.HomeException;

/**
 * A user error: printed as one line ({@code gdpfs: <message>}) without a stack trace, and the
 * process exits with {@link #exitCode()}. Anything else that escapes a command is an internal
 * error (exit code {@link ExitCodes#FAILURE}).
 */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int exitCode;

  public CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public CliException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** The process exit code for this error, one of {@link ExitCodes}. */
  public int exitCode() {
    return exitCode;
  }

  static CliException notFound(String message) {
    return new CliException(ExitCodes.NOT_FOUND, message);
  }

  static CliException usage(String message) {
    return new CliException(ExitCodes.USAGE, message);
  }

  static CliException exists(String message) {
    return new CliException(ExitCodes.EXISTS, message);
  }

  static CliException key(String message) {
    return new CliException(ExitCodes.KEY, message);
  }

  static CliException unreachable(String message, Throwable cause) {
    return new CliException(ExitCodes.UNREACHABLE, message, cause);
  }

  static CliException integrity(String message) {
    return new CliException(ExitCodes.INTEGRITY, message);
  }

  /** The home library's error as the exit code of its reason (same message). */
  static CliException of(HomeException e) {
    int code = switch (e.reason()) {
      case BAD_NAME, WRONG_KIND -> ExitCodes.USAGE;
      case NOT_FOUND -> ExitCodes.NOT_FOUND;
      case EXISTS, BUSY -> ExitCodes.EXISTS;
      case NO_KEY, BAD_KEY -> ExitCodes.KEY;
      case UNREACHABLE -> ExitCodes.UNREACHABLE;
      case MALFORMED, FAILED -> ExitCodes.FAILURE;
    };
    return new CliException(code, e.getMessage(), e);
  }

  static CliException notAvailable(String what) {
    return new CliException(ExitCodes.NOT_AVAILABLE, what + " is not available yet in this build");
  }
}
