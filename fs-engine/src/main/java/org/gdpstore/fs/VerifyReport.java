package org.gdpstore.fs;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a verification found ({@link GdpFileSystem#verify(String)}, {@link GdpFileSystem#verifyAll()}):
 * the snapshot checked, how many directory records were read back and checked, how many files and
 * values were read in full and how many bytes, and every path (or {@code kv:} key, or
 * {@code directory record N}) that failed, with the reason. Immutable.
 */
public record VerifyReport(long recno, long directoryRecords, long entries, long bytes,
    Map<String, String> failures) {
  public VerifyReport {
    failures = java.util.Collections.unmodifiableMap(new TreeMap<>(failures));
  }

  /** True if nothing failed. */
  public boolean ok() {
    return failures.isEmpty();
  }
}
