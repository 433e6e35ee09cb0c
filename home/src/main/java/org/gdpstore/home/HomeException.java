package org.gdpstore.home;

import java.io.IOException;

/**
 * A problem with the gdpstore home or the connection it selects, with a {@link Reason} that
 * front ends map to their own errors (the CLI to exit codes, the nio provider to
 * {@code java.nio.file} exceptions). The message is one line meant for a user.
 */
public final class HomeException extends IOException {
  private static final long serialVersionUID = 1L;

  /** What kind of problem it is. */
  public enum Reason {
    /** A key or alias name that is not allowed (letters, digits, {@code . _ -}). */
    BAD_NAME,
    /** No such alias (nor a root log name). */
    NOT_FOUND,
    /** The key or alias exists already and is never replaced without being asked to. */
    EXISTS,
    /** The key file is missing. */
    NO_KEY,
    /** The key file is not a gdpstore key. */
    BAD_KEY,
    /** The alias names a raw log where a filesystem was wanted. */
    WRONG_KIND,
    /** {@code aliases.properties} holds a line that is not an alias. */
    MALFORMED,
    /** The embedded store is in use by another process (or a simulator serves its directory). */
    BUSY,
    /** The router cannot be resolved or reached. */
    UNREACHABLE,
    /** Anything else (the embedded store cannot be opened, a lock cannot be taken). */
    FAILED
  }

  private final Reason reason;

  public HomeException(Reason reason, String message) {
    this(reason, message, null);
  }

  public HomeException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
