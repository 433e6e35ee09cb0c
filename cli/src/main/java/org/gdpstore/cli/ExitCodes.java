package org.gdpstore.cli;

/** The exit codes of {@code gdpfs}; docs/cli.md lists them too. */
public final class ExitCodes {
  /** Success. */
  public static final int OK = 0;
  /** An unexpected (internal or I/O) failure; {@code --verbose} shows the stack trace. */
  public static final int FAILURE = 1;
  /** Bad command line: unknown option, missing argument, malformed path or address. */
  public static final int USAGE = 2;
  /** Something named does not exist: local file, remote path, alias, log, key. */
  public static final int NOT_FOUND = 3;
  /** The router (or the log server behind it) cannot be reached. */
  public static final int UNREACHABLE = 4;
  /** Key problem: no writer key, or the key is not the writer of that log or filesystem. */
  public static final int KEY = 5;
  /** Verification failed: a signature or content hash does not match. */
  public static final int INTEGRITY = 6;
  /** The target exists already, or a directory is not empty, or a conflict. */
  public static final int EXISTS = 7;
  /** The snapshot asked for ({@code --at}) is older than the retention horizon: a gc reclaimed it. */
  public static final int EXPIRED = 8;
  /** The command needs a part of gdpstore that this build does not have yet. */
  public static final int NOT_AVAILABLE = 69;

  private ExitCodes() {}
}
