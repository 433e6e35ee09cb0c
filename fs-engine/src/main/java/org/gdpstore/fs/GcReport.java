package org.gdpstore.fs;

import java.util.List;
import java.util.Map;

/**
 * What a garbage collection did (or, for a dry run, would do).
 *
 * @param horizon the retention horizon after it: the oldest snapshot (directory record) still
 *     readable; 1 if every snapshot is
 * @param dryRun whether nothing was changed
 * @param deleted printable names of the file logs deleted now (dry run: that would be deleted)
 * @param deletedBytes content bytes those logs held (the largest version of each)
 * @param alreadyGone logs chosen that an earlier, interrupted gc had already deleted
 * @param notDeleted logs that could not be deleted, with why (e.g. a reference gdplogd, which
 *     has no DELETE); a later gc tries them again. The filesystem is intact either way.
 * @param orphansDeleted printable names of file logs no commit referenced, deleted now (dry run:
 *     the names that would be deleted if they exist; most slots of an intent were never used)
 * @param intentsSettled intents whose unreferenced logs are all gone now (dry run: would be)
 */
public record GcReport(long horizon, boolean dryRun, List<String> deleted, long deletedBytes,
    int alreadyGone, Map<String, String> notDeleted, List<String> orphansDeleted, int intentsSettled) {
  public GcReport {
    deleted = List.copyOf(deleted);
    notDeleted = Map.copyOf(notDeleted);
    orphansDeleted = List.copyOf(orphansDeleted);
  }

  /** A report without orphans (format 4 and older). */
  public GcReport(long horizon, boolean dryRun, List<String> deleted, long deletedBytes, int alreadyGone,
      Map<String, String> notDeleted) {
    this(horizon, dryRun, deleted, deletedBytes, alreadyGone, notDeleted, List.of(), 0);
  }

  /** True if every log the gc chose is gone (then it recorded itself as done). */
  public boolean complete() {
    return notDeleted.isEmpty();
  }
}
