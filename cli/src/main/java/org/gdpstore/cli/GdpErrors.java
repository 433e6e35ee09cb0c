package org.gdpstore.cli;

import org.gdpstore.client.GdpException;
import org.gdpstore.client.GdpStatus;

/** Turns log-client failures into user errors with the CLI's exit codes and readable messages. */
final class GdpErrors {
  private GdpErrors() {}

  /** The first log-client failure in a cause chain (what the network or the log server said), or null. */
  static GdpException cause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof GdpException g) {
        return g;
      }
    }
    return null;
  }

  /** True only if the router or log server gave no answer at all (nothing came back in time, or no connection). */
  static boolean noAnswer(GdpException g) {
    return g.code() == GdpStatus.Code.UNAVAILABLE || g.code() == GdpStatus.Code.DEADLINE_EXCEEDED;
  }

  /**
   * Another writer got there first (GDP 201 CONFLICT, or the engine's ABORTED): exit 7, one line
   * naming what was written, the server's or engine's reason, and {@code advice} (may be null).
   */
  static CliException conflict(String what, Throwable cause, String advice) {
    GdpException g = cause(cause);
    // the engine's own verdict names the commit that won; otherwise what the log server said
    String reason = cause instanceof org.gdpstore.fs.TransactionConflictException fe && fe.getReason() != null
        ? fe.getReason() : g != null && !g.status().description().isEmpty() ? g.status().description()
        : cause instanceof org.gdpstore.fs.FsException fe && fe.getReason() != null ? fe.getReason() : "CONFLICT";
    return new CliException(ExitCodes.EXISTS, "conflict: " + (what == null || what.isEmpty() ? "" : what + ": ")
        + "another writer got there first (" + reason + ")" + (advice == null ? "" : "; " + advice), cause);
  }

  /**
   * @param e the failure
   * @param what what was being done, e.g. "log gdp-log-name" (may be null)
   */
  static CliException toCli(GdpException e, String what) {
    if (e.code() == GdpStatus.Code.CONFLICT) {
      return conflict(what, e, null);
    }
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
      default -> new CliException(ExitCodes.FAILURE, about + e.getMessage(), e);
    };
  }
}
