package org.gdpstore.cli;

import org.gdpstore.client.GdpException;

/** Turns log-client failures into user errors with the CLI's exit codes and readable messages. */
final class GdpErrors {
  private GdpErrors() {}

  /**
   * @param e the failure
   * @param what what was being done, e.g. "log gdp-log-name" (may be null)
   */
  static CliException toCli(GdpException e, String what) {
    String about = what == null ? "" : what + ": ";
    String detail = e.status().description().isEmpty() ? e.code().name() : e.status().description();
    return switch (e.code()) {
      case NOT_FOUND -> new CliException(ExitCodes.NOT_FOUND, about + "not found (" + detail + ")", e);
      case UNAUTHORIZED, FORBIDDEN -> new CliException(ExitCodes.KEY,
          about + "refused: this key is not the writer (" + detail + ")", e);
      case INTEGRITY -> new CliException(ExitCodes.INTEGRITY, about + "verification failed (" + detail + ")", e);
      case NO_ROUTE -> new CliException(ExitCodes.NOT_FOUND,
          about + "not found: no server on this GDP network serves it (" + detail + ")", e);
      case UNAVAILABLE, DEADLINE_EXCEEDED -> new CliException(ExitCodes.UNREACHABLE,
          about + "the GDP network did not answer (" + detail + ")", e);
      case CONFLICT -> new CliException(ExitCodes.EXISTS, about + "conflict (" + detail + ")", e);
      default -> new CliException(ExitCodes.FAILURE, about + e.getMessage(), e);
    };
  }
}
