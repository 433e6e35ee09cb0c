package org.gdpstore.fs.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.gdpstore.wire.GdpName;

/**
 * File chunks by (file log, recno), in a Caffeine cache weighed by bytes. A capacity of 0 turns
 * caching off (every lookup loads). Thread-safe.
 */
public final class ChunkCache {
  /** A cache key. */
  public record Key(GdpName log, long recno) {}

  /** A decoded chunk: file bytes [offset, offset + data.length). Never mutated. */
  public record Chunk(long offset, byte[] data) {
    public long end() {
      return offset + data.length;
    }
  }

  private final Cache<Key, Chunk> cache;
  private final AtomicLong loadedBytes = new AtomicLong();
  private final AtomicLong readAhead = new AtomicLong();
  private final AtomicLong uncachedLookups = new AtomicLong();

  public ChunkCache(long capacityBytes) {
    this.cache = capacityBytes == 0 ? null : Caffeine.newBuilder()
        .maximumWeight(capacityBytes)
        .weigher((Key k, Chunk c) -> c.data.length + 96)
        .recordStats()
        // maintenance on the calling thread: never depend on the (possibly 1-thread) common pool
        .executor(Runnable::run)
        .build();
  }

  /**
   * The cached chunk, loading it on a miss. The loader runs on the calling thread and outside any
   * cache lock: it may block on the network, and the network's callbacks insert read-ahead chunks
   * into this cache (loading inside Caffeine's compute could deadlock against them). Two threads
   * missing the same chunk at once may both load it.
   */
  public Chunk get(Key key, Function<Key, Chunk> loader) {
    if (cache == null) {
      uncachedLookups.incrementAndGet();
      Chunk c = loader.apply(key);
      loadedBytes.addAndGet(c.data.length);
      return c;
    }
    Chunk c = cache.getIfPresent(key);
    if (c != null) {
      return c;
    }
    c = loader.apply(key);
    loadedBytes.addAndGet(c.data.length);
    Chunk prev = cache.asMap().putIfAbsent(key, c);
    return prev != null ? prev : c;
  }

  public boolean contains(Key key) {
    return cache != null && cache.asMap().containsKey(key);
  }

  /** Stores a chunk fetched by read-ahead. */
  public void putReadAhead(Key key, Chunk c) {
    readAhead.incrementAndGet();
    if (cache != null) {
      loadedBytes.addAndGet(c.data.length);
      cache.asMap().putIfAbsent(key, c);
    }
  }

  public void invalidateAll() {
    if (cache != null) {
      cache.invalidateAll();
      cache.cleanUp();
    }
  }

  public long hits() {
    return cache == null ? 0 : cache.stats().hitCount();
  }

  public long misses() {
    return cache == null ? uncachedLookups.get() : cache.stats().missCount();
  }

  public long evictions() {
    return cache == null ? 0 : cache.stats().evictionCount();
  }

  public long residentBytes() {
    if (cache == null) {
      return 0;
    }
    cache.cleanUp();
    return cache.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
  }

  public long loadedBytes() {
    return loadedBytes.get();
  }

  public long readAheadRecords() {
    return readAhead.get();
  }
}
