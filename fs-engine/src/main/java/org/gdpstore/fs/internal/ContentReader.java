package org.gdpstore.fs.internal;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.gdpstore.fs.FsCode;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.FsOptions;
import org.gdpstore.fs.IntegrityException;
import org.gdpstore.fs.internal.proto.FsRecord;
import org.gdpstore.fs.internal.proto.LogHeader;
import org.gdpstore.fs.internal.proto.LogKind;
import org.gdpstore.wire.GdpName;

/**
 * Reads file content: file logs (opened once per process), chunks through the {@link ChunkCache},
 * read-ahead, and whole-content reads checked against the entry's SHA-256. Thread-safe.
 */
public final class ContentReader implements AutoCloseable {
  private final LogStore store;
  private final FsOptions opts;
  private final ChunkCache cache;
  private final Map<GdpName, FileLog> fileLogs = new ConcurrentHashMap<>();
  /**
   * File versions whose whole content this process has already checked against the content hash
   * (log, last recno, size, hash): later sequential readers skip re-hashing. Their chunks are still
   * verified record by record whenever they are fetched.
   */
  private final Set<List<Object>> verifiedContent = ConcurrentHashMap.newKeySet();

  ContentReader(LogStore store, FsOptions opts) {
    this.store = store;
    this.opts = opts;
    this.cache = new ChunkCache(opts.cacheBytes());
  }

  public ChunkCache cache() {
    return cache;
  }

  public boolean verifies() {
    return opts.verify();
  }

  /** One file log as the reader knows it: source, chunk size, learned chunk positions. */
  private static final class FileLog {
    final GdpName name;
    final LogStore.Source source;
    final int chunkSize;
    /** offset -> {recno, length} of chunks seen so far. */
    final ConcurrentSkipListMap<Long, long[]> byOffset = new ConcurrentSkipListMap<>();
    /** recno -> the read-ahead fetching it (completes once its chunks are in the cache, or failed). */
    final Map<Long, CompletableFuture<Void>> prefetching = new ConcurrentHashMap<>();

    FileLog(GdpName name, LogStore.Source source, int chunkSize) {
      this.name = name;
      this.source = source;
      this.chunkSize = chunkSize;
    }

    void learn(long recno, ChunkCache.Chunk c) {
      byOffset.putIfAbsent(c.offset(), new long[] {recno, c.data().length});
    }
  }

  private FileLog fileLog(GdpName name, String path) throws FsException {
    FileLog fl = fileLogs.get(name);
    if (fl != null) {
      return fl;
    }
    LogStore.Source src = Await.await(store.openSource(name, opts.verify()), path);
    LogHeader h;
    try {
      h = Records.parseHeader(Await.await(src.read(1), path).payload(), LogKind.FILE);
    } catch (IllegalArgumentException e) {
      src.close();
      throw new IntegrityException(path, "file log " + name + ": " + e.getMessage());
    } catch (FsException e) {
      src.close();
      throw e;
    }
    FileLog created = new FileLog(name, src, h.getChunkSize());
    FileLog prev = fileLogs.putIfAbsent(name, created);
    if (prev != null) {
      src.close();
      return prev;
    }
    return created;
  }

  private static ChunkCache.Chunk decodeChunk(FileLog fl, LogStore.StoredRecord r, String path)
      throws IntegrityException {
    FsRecord fr;
    try {
      fr = Records.parse(r.payload());
    } catch (IllegalArgumentException e) {
      throw new IntegrityException(path, "record " + r.recno() + " of file log " + fl.name + ": " + e.getMessage());
    }
    if (!fr.hasChunk()) {
      throw new IntegrityException(path, "record " + r.recno() + " of file log " + fl.name + " is not a chunk");
    }
    ChunkCache.Chunk c = new ChunkCache.Chunk(fr.getChunk().getOffset(), fr.getChunk().getData().toByteArray());
    fl.learn(r.recno(), c);
    return c;
  }

  private ChunkCache.Chunk chunk(FileLog fl, long recno, String path) throws FsException {
    ChunkCache.Key key = new ChunkCache.Key(fl.name, recno);
    CompletableFuture<Void> ahead = fl.prefetching.get(recno);
    if (ahead != null && !cache.contains(key)) {
      // a read-ahead is fetching this chunk: wait for it rather than fetch the chunk a second time
      awaitQuietly(ahead, path);
    }
    try {
      return cache.get(key, k -> {
        try {
          return decodeChunk(fl, Await.await(fl.source.read(recno), path), path);
        } catch (FsException e) {
          throw new CompletionException(e);
        }
      });
    } catch (CompletionException e) {
      if (e.getCause() instanceof FsException fe) {
        throw fe;
      }
      throw e;
    }
  }

  /** The recno of the chunk holding byte {@code x} of a file published as {@code e}. */
  private long locate(FileLog fl, DirEntry e, long x, String path) throws FsException {
    Map.Entry<Long, long[]> fe = fl.byOffset.floorEntry(x);
    if (fe != null && x < fe.getKey() + fe.getValue()[1] && fe.getValue()[0] <= e.lastRecno) {
      return fe.getValue()[0];
    }
    long lo = 2;
    long hi = e.lastRecno;
    long guess = clamp(2 + x / fl.chunkSize, lo, hi);
    while (lo <= hi) {
      ChunkCache.Chunk c = chunk(fl, guess, path);
      if (x < c.offset()) {
        hi = guess - 1;
        guess = guess - Math.max(1, (c.offset() - x + fl.chunkSize - 1) / fl.chunkSize);
      } else if (x >= c.end()) {
        lo = guess + 1;
        guess = guess + Math.max(1, (x - c.end()) / fl.chunkSize + 1);
      } else {
        return guess;
      }
      guess = clamp(guess, lo, hi);
    }
    throw new IntegrityException(path, "no chunk of file log " + fl.name + " holds offset " + x
        + " (records 2.." + e.lastRecno + ")");
  }

  private static long clamp(long v, long lo, long hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  /**
   * Reads up to {@code dst.remaining()} bytes of a file at {@code pos}; returns the count. A
   * {@code sequential} read starts fetching the next chunks in the background.
   */
  public int read(DirEntry e, String path, long pos, ByteBuffer dst, boolean sequential) throws FsException {
    if (pos < 0) {
      throw new FsException(FsCode.INVALID_ARGUMENT, path, "negative offset " + pos);
    }
    if (e.isInline()) {
      byte[] d = e.inlineData();
      int n = (int) Math.max(0, Math.min(dst.remaining(), d.length - pos));
      if (n > 0) {
        dst.put(d, (int) pos, n);
      }
      return n;
    }
    int total = 0;
    FileLog fl = null;
    long lastRecno = -1;
    while (dst.hasRemaining() && pos < e.size) {
      if (fl == null) {
        fl = fileLog(e.log, path);
      }
      long recno = locate(fl, e, pos, path);
      ChunkCache.Chunk c = chunk(fl, recno, path);
      int from = (int) (pos - c.offset());
      int n = (int) Math.min(Math.min(dst.remaining(), c.data().length - from), e.size - pos);
      dst.put(c.data(), from, n);
      pos += n;
      total += n;
      lastRecno = recno;
    }
    if (sequential && fl != null && lastRecno > 0 && opts.readAheadChunks() > 0) {
      prefetch(fl, lastRecno + 1, opts.readAheadChunks(), e.lastRecno);
    }
    return total;
  }

  /** Starts fetching records (from, from+count) of a file log into the cache, asynchronously. */
  private void prefetch(FileLog fl, long from, int count, long lastRecno) {
    if (opts.cacheBytes() == 0) {
      return;
    }
    long end = Math.min(lastRecno, from + count - 1);
    CompletableFuture<Void> done = new CompletableFuture<>();
    long first = from;
    while (first <= end && (cache.contains(new ChunkCache.Key(fl.name, first))
        || fl.prefetching.putIfAbsent(first, done) != null)) {
      first++;
    }
    if (first > end) {
      return;
    }
    final long start = first;
    for (long r = start + 1; r <= end; r++) {
      fl.prefetching.putIfAbsent(r, done);
    }
    CompletableFuture<List<LogStore.StoredRecord>> range;
    try {
      range = fl.source.readRange(start, (int) (end - start + 1));
    } catch (RuntimeException e) {
      range = CompletableFuture.failedFuture(e); // `done` must complete whatever happens: readers wait for it
    }
    range.whenComplete((recs, err) -> {
      try {
        if (recs != null) {
          for (LogStore.StoredRecord r : recs) {
            try {
              cache.putReadAhead(new ChunkCache.Key(fl.name, r.recno()), decodeChunk(fl, r, fl.name.toString()));
            } catch (IntegrityException ignored) {
              // a bad record is reported when a read actually needs it (it is not cached)
            }
          }
        }
      } finally {
        for (long r = start; r <= end; r++) {
          fl.prefetching.remove(r, done);
        }
        done.complete(null);
      }
    });
  }

  /** Waits for a read-ahead; its failure is not the caller's (the chunk is then read on its own). */
  private static void awaitQuietly(CompletableFuture<Void> f, String path) throws FsException {
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FsException(FsCode.CANCELLED, path, "interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      // not reached (done only completes normally); read the chunk itself
    }
  }

  private static List<Object> contentId(DirEntry e) {
    return List.of(String.valueOf(e.log), e.lastRecno, e.size, ByteBuffer.wrap(e.sha256()));
  }

  /** Whether this version's whole content was already checked against its hash in this process. */
  public boolean contentVerified(DirEntry e) {
    return verifiedContent.contains(contentId(e));
  }

  public void markContentVerified(DirEntry e) {
    if (verifiedContent.size() > 100_000) {
      verifiedContent.clear(); // a bound, not a policy: the set only saves re-hashing
    }
    verifiedContent.add(contentId(e));
  }

  /** The whole content of a file or value, verified against its content hash. */
  public byte[] readAll(DirEntry e, String path) throws FsException {
    if (e.size > Integer.MAX_VALUE - 16) {
      throw new FsException(FsCode.RESOURCE_EXHAUSTED, path, "file of " + e.size + " bytes does not fit one array");
    }
    byte[] out;
    if (e.isInline()) {
      out = e.inlineData();
    } else {
      byte[] dst = new byte[(int) e.size];
      stream(e, path, (data, pos, n) -> data.copyTo(dst, 0, (int) pos, n));
      out = dst;
    }
    if (opts.verify()) {
      if (!Arrays.equals(Hashes.sha256(out), e.sha256())) {
        throw new IntegrityException(path, HASH_MISMATCH);
      }
      if (!e.isInline()) {
        markContentVerified(e);
      }
    }
    return out;
  }

  private static final String HASH_MISMATCH = "content hash mismatch: the data does not match its directory entry";

  /**
   * Reads a file or value in full, in order, without keeping it, and checks it against its content
   * hash (whatever {@link FsOptions#verify()} says); returns its size.
   *
   * @throws IntegrityException if a record or the content hash fails verification
   */
  public long verifyContent(DirEntry e, String path) throws FsException {
    MessageDigest sha = Hashes.newSha256();
    if (e.isInline()) {
      sha.update(e.inlineData());
    } else {
      stream(e, path, (data, pos, n) -> sha.update(data.substring(0, n).asReadOnlyByteBuffer()));
    }
    if (!Arrays.equals(sha.digest(), e.sha256())) {
      throw new IntegrityException(path, HASH_MISMATCH);
    }
    return e.size;
  }

  /** Receives a file's bytes in order: {@code data[0..n)} is the content at {@code pos}. */
  private interface ChunkSink {
    void accept(com.google.protobuf.ByteString data, long pos, int n);
  }

  /** Feeds a file log's content records 2..lastRecno to {@code sink}, checking their layout. */
  private void stream(DirEntry e, String path, ChunkSink sink) throws FsException {
    FileLog fl = fileLog(e.log, path);
    ChunkStream chunks = new ChunkStream(fl.source, e.log, e, path, 2, 0);
    long pos = 0;
    while (pos < e.size) {
      ChunkStream.Piece p = chunks.next();
      if (p == null) {
        throw new IntegrityException(path, "file log " + e.log + " ends at offset " + pos + " of " + e.size);
      }
      int n = (int) Math.min(p.data().size(), e.size - pos);
      sink.accept(p.data(), pos, n);
      pos += n;
    }
  }

  /**
   * Whether reads in order of this file version are streamed past the cache: a file larger than a
   * quarter of the cache would only evict what else is cached (and churn the heap), and streaming
   * keeps more records in flight than read-ahead does.
   */
  public boolean streams(DirEntry e) {
    return !e.isInline() && e.size > opts.cacheBytes() / 4;
  }

  /**
   * A stream of a file version's chunks from the one holding byte {@code pos} on, for a reader
   * that goes on reading in order (see {@link ChunkStream}).
   */
  ChunkStream openStream(DirEntry e, String path, long pos) throws FsException {
    FileLog fl = fileLog(e.log, path);
    return pos == 0 ? new ChunkStream(fl.source, e.log, e, path, 2, 0)
        : new ChunkStream(fl.source, e.log, e, path, locate(fl, e, pos, path), -1);
  }

  /** Closes every file log opened for reading. */
  @Override
  public void close() {
    for (FileLog fl : fileLogs.values()) {
      fl.source.close();
    }
    fileLogs.clear();
  }
}
