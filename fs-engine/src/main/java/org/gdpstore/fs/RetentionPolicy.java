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
 * @param orphanGrace file logs that no commit references (format 5: a writer that died before its
 *     commit, an aborted transaction, a pooled log never used) are deleted once their intent is
 *     this old; null: the filesystem's {@link FsOptions#orphanGrace()} (default 24 h). Collected
 *     whatever else the policy keeps, {@link #KEEP_ALL} included.
 */
public record RetentionPolicy(int keepCommits, Duration keepFor, Duration orphanGrace) {
  /** Keep every snapshot (the default); only logs no commit references are collected. */
  public static final RetentionPolicy KEEP_ALL = new RetentionPolicy(0, null);

  /** A policy with the filesystem's orphan grace. */
  public RetentionPolicy(int keepCommits, Duration keepFor) {
    this(keepCommits, keepFor, null);
  }

  public RetentionPolicy {
    if (keepCommits < 0) {
      throw new IllegalArgumentException("keepCommits must be >= 0, got " + keepCommits);
    }
    if (keepFor != null && keepFor.isNegative()) {
      throw new IllegalArgumentException("keepFor must not be negative, got " + keepFor);
    }
    if (orphanGrace != null && (orphanGrace.isNegative() || orphanGrace.isZero())) {
      throw new IllegalArgumentException("orphanGrace must be positive, got " + orphanGrace);
    }
  }

  /** This policy with another orphan grace (see the record's {@code orphanGrace}). */
  public RetentionPolicy withOrphanGrace(Duration grace) {
    return new RetentionPolicy(keepCommits, keepFor, Objects.requireNonNull(grace, "grace"));
  }

  /** Keep the snapshots of the last {@code n} commits (n >= 1; 1 keeps only the newest). */
  public static RetentionPolicy keepCommits(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("keep at least 1 commit, got " + n);
    }
    return new RetentionPolicy(n, null, null);
  }

  /** Keep every snapshot current at some time within {@code d} before now. */
  public static RetentionPolicy keepFor(Duration d) {
    return new RetentionPolicy(0, Objects.requireNonNull(d, "d"), null);
  }

  /** Whether this policy keeps every snapshot. */
  public boolean keepsAll() {
    return keepCommits == 0 && keepFor == null;
  }
}
