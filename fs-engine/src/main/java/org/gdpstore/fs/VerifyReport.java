package org.gdpstore.fs;

import java.util.Map;
import java.util.TreeMap;

/**
 * What {@link GdpFileSystem#verifyAll()} found: how many files and values were read and how many
 * bytes, and every path (or {@code kv:} key) that failed with the reason. Immutable.
 */
public record VerifyReport(long recno, long entries, long bytes, Map<String, String> failures) {
  public VerifyReport {
    failures = java.util.Collections.unmodifiableMap(new TreeMap<>(failures));
  }

  /** True if nothing failed. */
  public boolean ok() {
    return failures.isEmpty();
  }
}
