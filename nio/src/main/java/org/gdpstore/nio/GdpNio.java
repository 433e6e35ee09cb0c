package org.gdpstore.nio;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.ProviderMismatchException;
import org.gdpstore.nio.internal.GdpNioFileSystem;

/**
 * Entry points of the gdp {@code java.nio.file} provider beyond what {@code java.nio.file} has:
 * the keys of the environment map of {@code FileSystems.newFileSystem(URI, env)} and
 * {@link #beginTransaction(FileSystem)}. Every key is optional; docs/nio.md describes them.
 */
public final class GdpNio {
  /** URI scheme of the provider: {@code gdp://FS/path}, FS an alias in the home or a 43-character root name. */
  public static final String SCHEME = "gdp";
  /** String {@code HOST:PORT} of a GDP router (TCP). Default: the embedded durable store in the home. */
  public static final String ROUTER = "router";
  /** String: the log server (creation service) new logs are created on, a printable or human name. */
  public static final String SERVER_NAME = "serverName";
  /** Boolean: the servers are the reference gdplogd (needs {@link #ROUTER}). */
  public static final String REFERENCE = "reference";
  /** Path or String: the gdpstore home; default {@code $GDPSTORE_HOME}, else {@code ~/.gdpstore}. */
  public static final String HOME = "home";
  /** String (a key name in the home's {@code keys/}) or an {@code org.gdpstore.wire.Ed25519Keys}. */
  public static final String WRITER_KEY = "writerKey";
  /** Boolean: open read-only (every write throws {@code ReadOnlyFileSystemException}). */
  public static final String READ_ONLY = "readOnly";
  /** Boolean: create the filesystem (mkfs) and record its alias when the alias is missing. */
  public static final String CREATE = "create";
  /** {@code org.gdpstore.fs.FsOptions}: all engine options at once (the knobs below override it). */
  public static final String FS_OPTIONS = "fsOptions";
  /** An {@code org.gdpstore.client.GdpClient} to use (stays the caller's; overrides ROUTER and the embedded store). */
  public static final String CLIENT = "client";
  /** FsOptions knobs, each a Number/Boolean or its String form. */
  public static final String CHUNK_SIZE = "chunkSize";
  public static final String CACHE_BYTES = "cacheBytes";
  public static final String READ_AHEAD_CHUNKS = "readAheadChunks";
  public static final String VERIFY = "verify";
  public static final String INLINE_LIMIT = "inlineLimit";
  public static final String INLINE_FILE_BYTES = "inlineFileBytes";
  public static final String APPEND_WINDOW = "appendWindow";
  public static final String LOG_POOL = "logPool";

  private GdpNio() {}

  /**
   * Starts a transaction on a gdp filesystem: paths obtained from it read the transaction's
   * snapshot plus its own changes, and every {@code Files.*} write through them becomes visible
   * at once with {@link GdpTransaction#commit()}, or not at all.
   *
   * @throws ProviderMismatchException if {@code fs} is not a gdp filesystem
   */
  public static GdpTransaction beginTransaction(FileSystem fs) throws IOException {
    if (!(fs instanceof GdpNioFileSystem g)) {
      throw new ProviderMismatchException("not a gdp filesystem: " + fs);
    }
    return g.beginTransaction();
  }
}
