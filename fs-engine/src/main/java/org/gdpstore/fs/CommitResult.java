package org.gdpstore.fs;

import java.util.List;

/**
 * The outcome of a commit: the directory-log record number that made the changes visible (the
 * snapshot id to pin or travel back to), the commit time (writer's clock, ns since the epoch) and
 * the paths (and {@code kv:} keys) the commit changed, sorted.
 */
public record CommitResult(long recno, long commitNanos, List<String> paths) {
  public CommitResult {
    paths = List.copyOf(paths);
  }
}
