package org.gdpstore.fs;

/**
 * Chunk-cache statistics: lookups that hit and missed, chunks evicted, bytes now resident (the
 * cache's weight), bytes loaded from logs on misses, and records fetched by read-ahead.
 */
public record CacheStats(long hits, long misses, long evictions, long residentBytes,
    long loadedBytes, long readAheadRecords) {
  /** Hits / lookups, 1.0 when there was no lookup. */
  public double hitRate() {
    long n = hits + misses;
    return n == 0 ? 1.0 : (double) hits / n;
  }
}
