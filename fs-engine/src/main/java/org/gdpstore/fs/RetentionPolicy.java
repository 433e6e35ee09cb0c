package org.gdpstore.fs;

import java.time.Duration;
import java.util.Objects;

/**
 * What a garbage collection ({@link GdpFileSystem#gc}) keeps: every snapshot from the oldest of
 * the last {@code keepCommits} commits on, and every snapshot from the one current
 * {@code keepFor} ago on. With both set a snapshot is kept if either keeps it; with neither
 * ({@link #KEEP_ALL}) nothing is collected. Snapshots older than the resulting retention horizon
 * can no longer be read; the file logs only they reference are deleted.
 *
 * @param keepCommits how many of the newest commits stay readable (0: not set)
 * @param keepFor how long back from now snapshots stay readable (null: not set)
 */
public record RetentionPolicy(int keepCommits, Duration keepFor) {
  /** Keep everything (the default: no gc). */
  public static final RetentionPolicy KEEP_ALL = new RetentionPolicy(0, null);

  public RetentionPolicy {
    if (keepCommits < 0) {
      throw new IllegalArgumentException("keepCommits must be >= 0, got " + keepCommits);
    }
    if (keepFor != null && keepFor.isNegative()) {
      throw new IllegalArgumentException("keepFor must not be negative, got " + keepFor);
    }
  }

  /** Keep the snapshots of the last {@code n} commits (n >= 1; 1 keeps only the newest). */
  public static RetentionPolicy keepCommits(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("keep at least 1 commit, got " + n);
    }
    return new RetentionPolicy(n, null);
  }

  /** Keep every snapshot current at some time within {@code d} before now. */
  public static RetentionPolicy keepFor(Duration d) {
    return new RetentionPolicy(0, Objects.requireNonNull(d, "d"));
  }

  /** Whether this policy keeps everything. */
  public boolean keepsAll() {
    return keepCommits == 0 && keepFor == null;
  }
}
