package org.gdpstore.nio;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A transaction of a gdp filesystem reachable from {@code java.nio.file}: it hands out its own
 * paths; {@code Files.*} calls and channels on them are staged in the transaction and read its
 * snapshot plus its own changes. {@link #commit()} publishes every change with one directory
 * record (it maps onto {@code org.gdpstore.fs.Transaction}); {@link #close()} without commit
 * aborts, so try-with-resources is all-or-nothing. Close channels opened on its paths before
 * committing. Thread-safe.
 */
public interface GdpTransaction extends AutoCloseable {
  /** A path of this transaction ({@code Path.of}-style joining, Unix syntax). */
  Path path(String first, String... more);

  /** The same path of this filesystem, bound to this transaction. */
  Path path(Path path);

  /**
   * Commits: one directory record makes every change visible; returns its record number.
   *
   * @throws java.nio.file.FileSystemException if a path it changed was changed by a commit made
   *     after it started (nothing is committed), or the log server did not acknowledge
   */
  long commit() throws IOException;

  /** Discards every staged change. */
  void abort() throws IOException;

  /** Aborts unless committed or aborted; idempotent. */
  @Override
  void close() throws IOException;
}
