package org.gdpstore.fs;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Options of a {@link GdpFileSystem}. Immutable; build with {@link #builder()}.
 *
 * @param chunkSize bytes per file chunk record (at most {@link #MAX_CHUNK_SIZE} so a record fits
 *     one 65,535-byte PDU with its signature and headers)
 * @param cacheBytes chunk cache capacity in bytes (0 disables caching)
 * @param readAheadChunks chunks fetched ahead once reads of a file are sequential (0 = off); a file
 *     larger than a quarter of {@code cacheBytes} is streamed instead (about 8 MB in flight, past the cache)
 * @param verify verify every record (log-client signatures) and every whole-file content hash
 * @param inlineLimit key-value values up to this many bytes live inside the directory entry
 * @param inlineFileBytes files of at most this many bytes are stored inside their directory entry
 *     (creating one is a single signed directory record, no file log); larger files, and files
 *     of filesystems made before format version 2, get a file log. 0 = every file gets a log
 * @param appendWindow file chunks in flight (appended but not yet acknowledged) per writer
 * @param logPool file logs created ahead of need, so a new file does not wait for log creation
 *     (0 = create each log when the file is opened)
 * @param clock the writer's clock (modification and commit times)
 * @param checkpointEveryCommits the writer appends a checkpoint of the live namespace after this
 *     many commits since the last one (default 1,000; 0 = never by count); format version 3 only
 * @param checkpointEveryBytes ... or once the commit records since the last one pass this many
 *     bytes (default 4 MiB; 0 = never by size)
 * @param readCheckpoints an open starts from the latest checkpoint (default); false replays the
 *     whole directory log (for checks and tests)
 * @param chainedLogs new directory and file logs are hash-chained (one signature per APPEND,
 *     docs/log-client.md "Chained logs"; default); false creates them signed per record, as
 *     stores before chaining did (a REFERENCE-mode client creates unchained logs either way)
 * @param orphanGrace age of an intent after which gc deletes its file logs no commit references
 *     (format 5; default 24 h; see {@link Builder#orphanGrace})
 */
public record FsOptions(int chunkSize, long cacheBytes, int readAheadChunks, boolean verify,
    int inlineLimit, int inlineFileBytes, int appendWindow, int logPool, Clock clock,
    int checkpointEveryCommits, long checkpointEveryBytes, boolean readCheckpoints, boolean chainedLogs,
    Duration orphanGrace) {

  /** Largest chunk: 65,535-byte PDU minus GDP headers, signature, record framing. */
  public static final int MAX_CHUNK_SIZE = 61_440;
  /** The default options. */
  public static final FsOptions DEFAULT = builder().build();

  public FsOptions {
    if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
      throw new IllegalArgumentException("chunkSize must be in [1, " + MAX_CHUNK_SIZE + "], got " + chunkSize);
    }
    if (cacheBytes < 0) {
      throw new IllegalArgumentException("cacheBytes must be >= 0, got " + cacheBytes);
    }
    if (readAheadChunks < 0 || readAheadChunks > 256) {
      throw new IllegalArgumentException("readAheadChunks must be in [0, 256], got " + readAheadChunks);
    }
    if (inlineLimit < 0 || inlineLimit > 4096) {
      throw new IllegalArgumentException("inlineLimit must be in [0, 4096], got " + inlineLimit);
    }
    if (inlineFileBytes < 0 || inlineFileBytes > 4096) {
      throw new IllegalArgumentException("inlineFileBytes must be in [0, 4096], got " + inlineFileBytes);
    }
    if (appendWindow < 1 || appendWindow > 1024) {
      throw new IllegalArgumentException("appendWindow must be in [1, 1024], got " + appendWindow);
    }
    if (logPool < 0 || logPool > 64) {
      throw new IllegalArgumentException("logPool must be in [0, 64], got " + logPool);
    }
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(orphanGrace, "orphanGrace");
    if (checkpointEveryCommits < 0) {
      throw new IllegalArgumentException("checkpointEveryCommits must be >= 0, got " + checkpointEveryCommits);
    }
    if (checkpointEveryBytes < 0) {
      throw new IllegalArgumentException("checkpointEveryBytes must be >= 0, got " + checkpointEveryBytes);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.chunkSize = chunkSize;
    b.cacheBytes = cacheBytes;
    b.readAheadChunks = readAheadChunks;
    b.verify = verify;
    b.inlineLimit = inlineLimit;
    b.inlineFileBytes = inlineFileBytes;
    b.checkpointEveryCommits = checkpointEveryCommits;
    b.checkpointEveryBytes = checkpointEveryBytes;
    b.readCheckpoints = readCheckpoints;
    b.appendWindow = appendWindow;
    b.logPool = logPool;
    b.clock = clock;
    b.chainedLogs = chainedLogs;
    b.orphanGrace = orphanGrace;
    return b;
  }

  /** Builder of {@link FsOptions}; not thread-safe. */
  public static final class Builder {
    private int chunkSize = MAX_CHUNK_SIZE;
    private long cacheBytes = 64L << 20;
    private int readAheadChunks = 8;
    private boolean verify = true;
    private int inlineLimit = 1024;
    private int inlineFileBytes = 1024;
    private int checkpointEveryCommits = 1000;
    private long checkpointEveryBytes = 4L << 20;
    private boolean readCheckpoints = true;
    private int appendWindow = 32;
    private int logPool = 4;
    private Clock clock = Clock.systemUTC();
    private boolean chainedLogs = true;
    private Duration orphanGrace = Duration.ofHours(24);

    private Builder() {}

    public Builder chunkSize(int v) {
      chunkSize = v;
      return this;
    }

    public Builder cacheBytes(long v) {
      cacheBytes = v;
      return this;
    }

    public Builder readAheadChunks(int v) {
      readAheadChunks = v;
      return this;
    }

    /** {@code false} opts out of verification: faster, but tampered data may be returned. */
    public Builder verify(boolean v) {
      verify = v;
      return this;
    }

    public Builder inlineLimit(int v) {
      inlineLimit = v;
      return this;
    }

    public Builder inlineFileBytes(int v) {
      inlineFileBytes = v;
      return this;
    }

    public Builder appendWindow(int v) {
      appendWindow = v;
      return this;
    }

    public Builder logPool(int v) {
      logPool = v;
      return this;
    }

    /** A checkpoint after this many commits since the last one (0: never by count). */
    public Builder checkpointEveryCommits(int v) {
      checkpointEveryCommits = v;
      return this;
    }

    /** A checkpoint once the commit records since the last one exceed this many bytes (0: never by size). */
    public Builder checkpointEveryBytes(long v) {
      checkpointEveryBytes = v;
      return this;
    }

    /** Whether an open starts from the latest checkpoint (false: replays the whole log). */
    public Builder readCheckpoints(boolean v) {
      readCheckpoints = v;
      return this;
    }

    /**
     * How old an intent must be before gc deletes its logs that no commit references (format 5;
     * default 24 h). A writer uses a log for at most half of it after its intent, so it must
     * exceed twice the longest a file stays open for writing, plus any clock skew between writers
     * and the process running gc.
     */
    public Builder orphanGrace(Duration v) {
      if (v.isNegative() || v.isZero()) {
        throw new IllegalArgumentException("orphanGrace must be positive, got " + v);
      }
      orphanGrace = v;
      return this;
    }

    /** Whether new logs are hash-chained (default true); existing logs stay as their metadata says. */
    public Builder chainedLogs(boolean v) {
      chainedLogs = v;
      return this;
    }

    public Builder clock(Clock v) {
      clock = Objects.requireNonNull(v, "clock");
      return this;
    }

    public FsOptions build() {
      return new FsOptions(chunkSize, cacheBytes, readAheadChunks, verify, inlineLimit, inlineFileBytes, appendWindow,
          logPool, clock, checkpointEveryCommits, checkpointEveryBytes, readCheckpoints, chainedLogs, orphanGrace);
    }
  }
}
