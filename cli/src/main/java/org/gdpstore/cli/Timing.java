package org.gdpstore.cli;

/**
 * Where a command's time goes, for tuning start-up: with {@code -Dgdpfs.timing=true} (e.g. in
 * {@code GDPFS_JAVA_OPTS}) each phase's end is printed to stderr as milliseconds since the JVM
 * started. Off by default; then a mark costs one field read.
 */
final class Timing {
  private static final boolean ON = Boolean.getBoolean("gdpfs.timing");
  private static final long START_MS = ON ? ProcessHandle.current().info().startInstant()
      .map(java.time.Instant::toEpochMilli).orElse(System.currentTimeMillis()) : 0;

  private Timing() {}

  /** Records that {@code phase} ended now. */
  static void mark(String phase) {
    if (ON) {
      System.err.printf("gdpfs: timing: %5d ms  %s%n", System.currentTimeMillis() - START_MS, phase);
    }
  }
}
