package org.gdpstore.fs;

/**
 * Told about commits this process learns from the directory log (see
 * {@link GdpFileSystem#watch}). Calls come one commit at a time, in commit order, without gaps,
 * on the watch's own thread; they may read the filesystem but should not take long.
 */
public interface CommitListener {
  /** A commit became visible in this process's view (its snapshot id, time and paths). */
  void onCommit(CommitResult commit);

  /** Following the directory log failed (e.g. an {@link IntegrityException}); the watch goes on. */
  default void onError(FsException error) {}
}
