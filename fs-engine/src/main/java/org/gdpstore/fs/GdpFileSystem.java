package org.gdpstore.fs;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.gdpstore.client.GdpClient;
import org.gdpstore.fs.internal.ClientLogStore;
import org.gdpstore.fs.internal.FsEngine;
import org.gdpstore.fs.internal.NamespaceIndex;
import org.gdpstore.fs.internal.Glob;
import org.gdpstore.fs.internal.LogStore;
import org.gdpstore.fs.internal.WriteCalls;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;

/**
 * A gdpstore filesystem: files, directories and key-value pairs kept in signed GDP logs (one
 * directory log per filesystem, one log per file), with TensorFlow's FileSystem method set and
 * status codes, TensorFlow's transaction calls with real all-or-nothing meaning, snapshots and
 * time travel, and a chunk cache.
 *
 * <p>Create one with {@link #mkfs} (a new filesystem; remember {@link #rootName()}) or open an
 * existing one with {@link #open}. With the writer key the filesystem is writable; without it every
 * write fails with {@link FsCode#PERMISSION_DENIED} and {@link #refresh()} picks up the writer's
 * later commits. Every call that changes something outside a transaction is one atomic commit.
 *
 * <p>Threading: all methods are thread-safe; writes are serialized (single writer). Blocking: calls
 * wait for the log server. {@link #close()} aborts open transactions, publishes files still open
 * outside transactions and releases the logs; it is idempotent.
 */
public final class GdpFileSystem implements WritableFileSystem, AutoCloseable {
  private final FsEngine engine;
  private final WriteCalls calls;
  private final KeyValueStore kv;

  /** The engine (for tests of this package). */
  FsEngine engine() {
    return engine;
  }

  private GdpFileSystem(FsEngine engine) {
    this.engine = engine;
    this.calls = WriteCalls.atHead(engine);
    this.kv = new KeyValueStore(engine);
  }

  /**
   * Creates a new, empty filesystem (mkfs) in another log back end than a GDP client (tests use an
   * in-memory one); the store stays the caller's. Not public: the log-store port is internal.
   */
  static GdpFileSystem mkfs(LogStore store, Ed25519Keys writer, FsOptions options)
      throws FsException {
    return mkfs(store, writer, options, false);
  }

  private static GdpFileSystem mkfs(LogStore store, Ed25519Keys writer, FsOptions options,
      boolean ownsStore) throws FsException {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(writer, "writer");
    Objects.requireNonNull(options, "options");
    return new GdpFileSystem(FsEngine.mkfs(store, writer, options, ownsStore));
  }

  /** Opens a filesystem in another log back end than a GDP client (tests); the store stays the caller's. */
  static GdpFileSystem open(LogStore store, GdpName root, Ed25519Keys writer,
      FsOptions options) throws FsException {
    return open(store, root, writer, options, false);
  }

  private static GdpFileSystem open(LogStore store, GdpName root, Ed25519Keys writer,
      FsOptions options, boolean ownsStore) throws FsException {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(options, "options");
    return new GdpFileSystem(FsEngine.open(store, root, writer, options, ownsStore));
  }

  /**
   * Creates a new, empty filesystem (mkfs) in GDP logs through {@code client}, whose single writer
   * is {@code writer}; its name is {@link #rootName()}. The client stays the caller's to close.
   */
  public static GdpFileSystem mkfs(GdpClient client, Ed25519Keys writer, FsOptions options)
      throws FsException {
    return mkfs(new ClientLogStore(client, options.chainedLogs()), writer, options, true);
  }

  /**
   * Opens the filesystem whose directory log is {@code root} through {@code client}, replaying the
   * directory log. With {@code writer} (its key pair) the filesystem is writable, with null it is
   * read-only. The client stays the caller's to close.
   *
   * @throws FsException NOT_FOUND if no such log, FAILED_PRECONDITION if it is not a gdpstore
   *     directory log, PERMISSION_DENIED if {@code writer} is not the log's writer,
   *     DATA_LOSS if a record fails verification
   */
  public static GdpFileSystem open(GdpClient client, GdpName root, Ed25519Keys writer,
      FsOptions options) throws FsException {
    ClientLogStore store = new ClientLogStore(client, options.chainedLogs());
    try {
      return open(store, root, writer, options, true);
    } catch (FsException e) {
      store.close();
      throw e;
    }
  }

  /**
   * Creates a new, empty filesystem and returns the name of its directory log (mkfs without
   * keeping it open); open it with {@link #open(GdpClient, GdpName, Ed25519Keys, FsOptions)}.
   */
  public static GdpName format(GdpClient client, Ed25519Keys writer, FsOptions options)
      throws FsException {
    try (GdpFileSystem fs = mkfs(client, writer, options)) {
      return fs.rootName();
    }
  }

  /**
   * Opens a filesystem by its URI {@code gdp://<root>} (or the bare printable root name), see
   * {@link #open(GdpClient, GdpName, Ed25519Keys, FsOptions)}.
   *
   * @throws FsException INVALID_ARGUMENT if the root is not a 43-character printable GDP name
   */
  public static GdpFileSystem open(GdpClient client, String rootUri, Ed25519Keys writer,
      FsOptions options) throws FsException {
    return open(client, rootName(rootUri), writer, options);
  }

  /** The directory-log name in {@code gdp://<root>[/path]} or a bare printable name. */
  public static GdpName rootName(String rootUri) throws FsException {
    String s = rootUri.startsWith(FsPaths.SCHEME) ? rootUri.substring(FsPaths.SCHEME.length()) : rootUri;
    int slash = s.indexOf('/');
    String name = slash < 0 ? s : s.substring(0, slash);
    try {
      return GdpName.parse(name);
    } catch (IllegalArgumentException e) {
      throw new FsException(FsCode.INVALID_ARGUMENT, rootUri, "not a printable GDP name: " + e.getMessage());
    }
  }

  /** This filesystem's URI, {@code gdp://<root>}. */
  public String uri() {
    return FsPaths.SCHEME + engine.root().printable();
  }

  /** The name of the directory log: pass it to {@link #open} to reopen this filesystem. */
  public GdpName rootName() {
    return engine.root();
  }

  /** Whether this process can write (holds the writer key and has not lost the writer). */
  public boolean isWritable() {
    return engine.transactions().isWritable();
  }

  /** The directory record number of the newest commit this process knows (1 = empty). */
  public long head() {
    return engine.index().head();
  }

  /** Reads commits appended since open or the last refresh; returns the new head. */
  public long refresh() throws FsException {
    return engine.directoryLog().refresh();
  }

  /**
   * Follows the directory log: commits appended by the writer (another process) are applied to
   * this filesystem's view as they arrive (no polling), and {@code listener} hears of each one,
   * in order, without gaps. Also works on the writer itself for commits it did not make in this
   * process; its own commits are returned by its calls and not reported. Close the watch to stop.
   */
  public Watch watch(CommitListener listener) throws FsException {
    AutoCloseable handle = engine.watch(Objects.requireNonNull(listener, "listener"));
    return () -> {
      try {
        handle.close();
      } catch (Exception e) {
        throw new IllegalStateException(e); // never: the handle's close throws nothing
      }
    };
  }

  /** A running {@link #watch}; closing it (idempotent) stops following and its thread. */
  public interface Watch extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Garbage collection: moves the retention horizon to what {@code policy} keeps (never back) and
   * deletes the file logs that only older snapshots reference, through GDP DELETE. The horizon is
   * recorded in the directory log before anything is deleted; from then on older snapshots are
   * refused ({@link FsCode#FAILED_PRECONDITION}, "older than the retention horizon"). Logs the
   * log server cannot delete (the reference gdplogd has no DELETE) are reported, not fatal; a
   * later gc tries them again, and a gc interrupted by a crash is finished by the next one.
   * {@code dryRun}: report what would be deleted and change nothing (works read-only too).
   *
   * @throws FsException FAILED_PRECONDITION on a filesystem of on-log format version 3 or older,
   *     PERMISSION_DENIED without the writer key, UNAVAILABLE if the gc record cannot be written
   */
  public GcReport gc(RetentionPolicy policy, boolean dryRun) throws FsException {
    return engine.gc(Objects.requireNonNull(policy, "policy"), dryRun);
  }

  /** The retention horizon: the oldest snapshot still readable (1: every one). */
  public long retentionHorizon() {
    return engine.index().horizon();
  }

  /** Directory record numbers of all commits, oldest first. */
  public List<Long> commits() throws FsException {
    return engine.commitRecnos();
  }

  /** A read-only view pinned at the current head. */
  public FsSnapshot snapshot() {
    return new FsSnapshot(engine, engine.index(), head());
  }

  /**
   * The filesystem as of directory record {@code recno}: the state of the last complete commit
   * at or before it. OUT_OF_RANGE if {@code recno} is beyond the head or below 1,
   * FAILED_PRECONDITION if it is older than the retention horizon (see {@link #gc}).
   */
  public FsSnapshot at(long recno) throws FsException {
    if (recno < 1 || recno > head()) {
      throw new FsException(FsCode.OUT_OF_RANGE, "/", "record " + recno + " is outside 1.." + head());
    }
    engine.requireRetained(recno);
    NamespaceIndex idx = engine.indexFor(recno); // older than the checkpoint opened from: loaded
    return new FsSnapshot(engine, idx, idx.commitAtOrBefore(recno));
  }

  /**
   * The filesystem as of an instant: the last commit whose commit time is not after it.
   * FAILED_PRECONDITION if that snapshot is older than the retention horizon.
   */
  public FsSnapshot at(Instant time) throws FsException {
    long nanos = time.getEpochSecond() * 1_000_000_000L + time.getNano();
    long recno = engine.recordAtTime(nanos);
    engine.requireRetained(recno);
    NamespaceIndex idx = engine.indexFor(recno);
    return new FsSnapshot(engine, idx, idx.commitAtOrBefore(recno));
  }

  /** The key-value namespace of this filesystem. */
  public KeyValueStore kv() {
    return kv;
  }

  // ---------------------------------------------------------------- transactions (TensorFlow)

  /** TensorFlow's StartTransaction. */
  public TransactionToken startTransaction() throws FsException {
    return token(engine.transactions().start());
  }

  /** TensorFlow's AddToTransaction: the path (existing or not) is held by the transaction. */
  public void addToTransaction(String path, TransactionToken token) throws FsException {
    engine.transactions().add(engine.path(path), txnId(token));
  }

  /** TensorFlow's GetTransactionForPath: NOT_FOUND if the path is in no open transaction. */
  public TransactionToken getTransactionForPath(String path) throws FsException {
    return token(engine.transactions().holderOf(engine.path(path)));
  }

  /** TensorFlow's GetTokenOrStartTransaction. */
  public TransactionToken getTokenOrStartTransaction(String path) throws FsException {
    return token(engine.transactions().holderOrStart(engine.path(path)));
  }

  /** TensorFlow's DecodeTransaction: a human-readable description. */
  public String decodeTransaction(TransactionToken token) throws FsException {
    return engine.transactions().describe(txnId(token), engine.root().printable());
  }

  /**
   * TensorFlow's EndTransaction = commit: closes the transaction's open files, checks for
   * conflicts and appends one directory record; returns it.
   *
   * @throws TransactionConflictException if a path it changed was changed after it started (then
   *     nothing is committed and the transaction is gone)
   */
  public CommitResult endTransaction(TransactionToken token) throws FsException {
    return engine.transactions().end(txnId(token));
  }

  /** Discards a transaction (the RFC's missing abort). */
  public void abortTransaction(TransactionToken token) throws FsException {
    engine.transactions().abort(txnId(token));
  }

  /** Starts a transaction and returns it as a view (use with try-with-resources). */
  public Transaction newTransaction() throws FsException {
    TransactionToken t = startTransaction();
    return new Transaction(this, t, WriteCalls.inTransaction(engine, t.id()));
  }

  /** The view of an open transaction (TensorFlow's WrappedFileSystem). */
  public Transaction inTransaction(TransactionToken token) throws FsException {
    engine.transactions().requireOpen(txnId(token));
    return new Transaction(this, token, WriteCalls.inTransaction(engine, token.id()));
  }

  private TransactionToken token(long id) {
    return new TransactionToken(id, engine);
  }

  /** The transaction id of a token of this filesystem; INVALID_ARGUMENT for another's. */
  private long txnId(TransactionToken token) throws FsException {
    Objects.requireNonNull(token, "token");
    if (token.owner() != engine) {
      throw new FsException(FsCode.INVALID_ARGUMENT, String.valueOf(token.id()), "token of another filesystem");
    }
    return token.id();
  }

  /**
   * Reads every file and key-value value of the current snapshot in full and checks it (record
   * signatures, chunk layout, content hash), like an fsck. Failures are collected, not thrown.
   */
  public VerifyReport verifyAll() {
    return engine.currentState().verifyAll(head());
  }

  // ---------------------------------------------------------------- history and verification of a path

  /**
   * The history of {@code path} as of the newest commit, oldest first: every commit that created,
   * changed or deleted it (for a directory: it or anything under it; for {@code /}: every commit,
   * key-value pairs and the filesystem's creation included), with the directory record read back
   * and verified. Costs one directory-record read per commit that touched the path, whatever the
   * length of the whole history. Empty if the path was never written.
   *
   * @throws FsException INVALID_ARGUMENT for a malformed path, DATA_LOSS if a record fails verification
   */
  public List<PathChange> history(String path) throws FsException {
    String p = engine.path(path);
    return engine.history(p).history(p, head());
  }

  /**
   * Verifies one path (a file, or a directory with everything under it; {@code /} is the whole
   * filesystem, key-value pairs included) as of the newest commit: the directory records of every
   * commit that changed it are read back, their signatures checked and the entries they carry
   * compared with the replayed ones, and every live file under it is read in full against its
   * content hash. Failures are collected in the report, not thrown.
   *
   * @throws FsException NOT_FOUND if the path does not exist (FAILED_PRECONDITION if a parent is a file)
   */
  public VerifyReport verify(String path) throws FsException {
    String p = engine.path(path);
    return engine.history(p).verify(p, head());
  }

  // ---------------------------------------------------------------- cache and misc

  /** Chunk cache statistics. */
  public CacheStats cacheStats() {
    var cache = engine.content().cache();
    return new CacheStats(cache.hits(), cache.misses(), cache.evictions(),
        cache.residentBytes(), cache.loadedBytes(), cache.readAheadRecords());
  }

  /** TensorFlow's FlushCaches: empties the chunk cache (a cold start for the next reads). */
  public void flushCaches() {
    engine.content().cache().invalidateAll();
  }

  /**
   * TensorFlow's Match: whether a normalized path matches a glob pattern component by component
   * ({@code *}, {@code ?}, {@code [...]}, {@code [^...]}, {@code \} escapes; none crosses '/').
   */
  public static boolean match(String path, String pattern) {
    List<String> p = Glob.components(FsPaths.stripScheme(pattern));
    List<String> n = Glob.components(path);
    if (p.size() != n.size()) {
      return false;
    }
    for (int i = 0; i < p.size(); i++) {
      if (!Glob.matches(p.get(i), n.get(i))) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- TensorFlow's methods

  @Override
  public GdpRandomAccessFile newRandomAccessFile(String path) throws FsException {
    return calls.newRandomAccessFile(path);
  }

  @Override
  public ReadOnlyMemoryRegion newReadOnlyMemoryRegionFromFile(String path) throws FsException {
    return calls.newReadOnlyMemoryRegionFromFile(path);
  }

  @Override
  public void fileExists(String path) throws FsException {
    calls.fileExists(path);
  }

  @Override
  public boolean exists(String path) {
    return calls.exists(path);
  }

  @Override
  public List<FsCode> filesExist(List<String> paths) {
    return calls.filesExist(paths);
  }

  @Override
  public List<String> getChildren(String dir) throws FsException {
    return calls.getChildren(dir);
  }

  @Override
  public List<String> getMatchingPaths(String pattern) throws FsException {
    return calls.getMatchingPaths(pattern);
  }

  @Override
  public FileStatistics stat(String path) throws FsException {
    return calls.stat(path);
  }

  @Override
  public EntryInfo entryInfo(String path) throws FsException {
    return calls.entryInfo(path);
  }

  @Override
  public long getFileSize(String path) throws FsException {
    return calls.getFileSize(path);
  }

  @Override
  public void isDirectory(String path) throws FsException {
    calls.isDirectory(path);
  }

  @Override
  public byte[] readFile(String path) throws FsException {
    return calls.readFile(path);
  }

  @Override
  public WritableFile newWritableFile(String path) throws FsException {
    return calls.newWritableFile(path);
  }

  @Override
  public WritableFile newAppendableFile(String path) throws FsException {
    return calls.newAppendableFile(path);
  }

  @Override
  public void deleteFile(String path) throws FsException {
    calls.deleteFile(path);
  }

  @Override
  public void createDir(String path) throws FsException {
    calls.createDir(path);
  }

  @Override
  public void recursivelyCreateDir(String path) throws FsException {
    calls.recursivelyCreateDir(path);
  }

  @Override
  public void deleteDir(String path) throws FsException {
    calls.deleteDir(path);
  }

  @Override
  public DeleteResult deleteRecursively(String path) throws FsException {
    return calls.deleteRecursively(path);
  }

  @Override
  public void renameFile(String src, String target) throws FsException {
    calls.renameFile(src, target);
  }

  @Override
  public void renamePath(String src, String target) throws FsException {
    calls.renamePath(src, target);
  }

  @Override
  public void copyFile(String src, String target) throws FsException {
    calls.copyFile(src, target);
  }

  @Override
  public boolean hasAtomicMove(String path) throws FsException {
    return calls.hasAtomicMove(path);
  }

  @Override
  public boolean canCreateTempFile(String path) throws FsException {
    return calls.canCreateTempFile(path);
  }

  @Override
  public void writeFile(String path, byte[] content) throws FsException {
    calls.writeFile(path, content);
  }

  @Override
  public void close() {
    engine.close();
  }

  @Override
  public String toString() {
    return "GdpFileSystem[" + engine.root().printable() + " head=" + head()
        + (isWritable() ? " writable" : " read-only") + "]";
  }
}
