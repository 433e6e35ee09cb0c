package org.gdpstore.fs;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.gdpstore.client.GdpClient;
import org.gdpstore.fs.internal.ClientLogStore;
import org.gdpstore.fs.internal.Glob;
import org.gdpstore.fs.internal.LogStore;
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
public final class GdpFileSystem extends BaseOps implements AutoCloseable {
  private final KeyValueStore kv;

  private GdpFileSystem(FsCore core) {
    super(core);
    this.kv = new KeyValueStore(core);
  }

  /**
   * Creates a new, empty filesystem (mkfs) whose single writer is {@code writer}; its name is
   * {@link #rootName()}. {@code store} is the log back end.
   */
  public static GdpFileSystem mkfs(LogStore store, Ed25519Keys writer, FsOptions options)
      throws FsException {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(writer, "writer");
    Objects.requireNonNull(options, "options");
    return new GdpFileSystem(FsCore.mkfs(store, writer, options));
  }

  /**
   * Opens the filesystem whose directory log is {@code root}, replaying the directory log. With
   * {@code writer} (its key pair) the filesystem is writable, with null it is read-only.
   *
   * @throws FsException NOT_FOUND if no such log, FAILED_PRECONDITION if it is not a gdpstore
   *     directory log, PERMISSION_DENIED if {@code writer} is not the log's writer,
   *     DATA_LOSS if a record fails verification
   */
  public static GdpFileSystem open(LogStore store, GdpName root, Ed25519Keys writer,
      FsOptions options) throws FsException {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(options, "options");
    return new GdpFileSystem(FsCore.open(store, root, writer, options));
  }

  /**
   * Creates a new filesystem in GDP logs through {@code client} (mkfs); see
   * {@link #mkfs(LogStore, Ed25519Keys, FsOptions)}. The client stays the caller's to close.
   */
  public static GdpFileSystem mkfs(GdpClient client, Ed25519Keys writer, FsOptions options)
      throws FsException {
    GdpFileSystem fs = mkfs(new ClientLogStore(client), writer, options);
    fs.core.ownsStore = true;
    return fs;
  }

  /**
   * Opens the filesystem rooted at directory log {@code root} through {@code client}; writable
   * with the writer key, read-only with null. The client stays the caller's to close.
   */
  public static GdpFileSystem open(GdpClient client, GdpName root, Ed25519Keys writer,
      FsOptions options) throws FsException {
    ClientLogStore store = new ClientLogStore(client);
    try {
      GdpFileSystem fs = open(store, root, writer, options);
      fs.core.ownsStore = true;
      return fs;
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
    return FsPaths.SCHEME + core.root.printable();
  }

  @Override
  TransactionToken token() {
    return null;
  }

  @Override
  <T> T withView(ViewFn<T> fn) throws FsException {
    return fn.apply(core.headView());
  }

  /** The name of the directory log: pass it to {@link #open} to reopen this filesystem. */
  public GdpName rootName() {
    return core.root;
  }

  /** Whether this process can write (holds the writer key and has not lost the writer). */
  public boolean isWritable() {
    return core.isWritable();
  }

  /** The directory record number of the newest commit this process knows (1 = empty). */
  public long head() {
    return core.index.head();
  }

  /** Reads commits appended since open or the last refresh; returns the new head. */
  public long refresh() throws FsException {
    return core.refresh();
  }

  /**
   * Follows the directory log: commits appended by the writer (another process) are applied to
   * this filesystem's view as they arrive (no polling), and {@code listener} hears of each one,
   * in order, without gaps. Also works on the writer itself for commits it did not make in this
   * process; its own commits are returned by its calls and not reported. Close the watch to stop.
   */
  public Watch watch(CommitListener listener) throws FsException {
    return core.watch(Objects.requireNonNull(listener, "listener"));
  }

  /** A running {@link #watch}; closing it (idempotent) stops following and its thread. */
  public interface Watch extends AutoCloseable {
    @Override
    void close();
  }

  /** Directory record numbers of all commits, oldest first. */
  public List<Long> commits() {
    return core.index.commitRecnos();
  }

  /** A read-only view pinned at the current head. */
  public FsSnapshot snapshot() {
    return new FsSnapshot(core, head());
  }

  /**
   * The filesystem as of directory record {@code recno}: the state of the last complete commit
   * at or before it. OUT_OF_RANGE if {@code recno} is beyond the head or below 1.
   */
  public FsSnapshot at(long recno) throws FsException {
    if (recno < 1 || recno > head()) {
      throw new FsException(FsCode.OUT_OF_RANGE, "/", "record " + recno + " is outside 1.." + head());
    }
    return new FsSnapshot(core, core.index.commitAtOrBefore(recno));
  }

  /** The filesystem as of an instant: the last commit whose commit time is not after it. */
  public FsSnapshot at(Instant time) {
    long nanos = time.getEpochSecond() * 1_000_000_000L + time.getNano();
    return new FsSnapshot(core, core.index.recnoAtTime(nanos));
  }

  /** The key-value namespace of this filesystem. */
  public KeyValueStore kv() {
    return kv;
  }

  // ---------------------------------------------------------------- transactions (TensorFlow)

  /** TensorFlow's StartTransaction. */
  public TransactionToken startTransaction() throws FsException {
    return core.startTransaction();
  }

  /** TensorFlow's AddToTransaction: the path (existing or not) is held by the transaction. */
  public void addToTransaction(String path, TransactionToken token) throws FsException {
    core.addToTransaction(core.path(path), Objects.requireNonNull(token, "token"));
  }

  /** TensorFlow's GetTransactionForPath: NOT_FOUND if the path is in no open transaction. */
  public TransactionToken getTransactionForPath(String path) throws FsException {
    return core.getTransactionForPath(core.path(path));
  }

  /** TensorFlow's GetTokenOrStartTransaction. */
  public TransactionToken getTokenOrStartTransaction(String path) throws FsException {
    return core.getTokenOrStartTransaction(core.path(path));
  }

  /** TensorFlow's DecodeTransaction: a human-readable description. */
  public String decodeTransaction(TransactionToken token) throws FsException {
    return core.decodeTransaction(Objects.requireNonNull(token, "token"));
  }

  /**
   * TensorFlow's EndTransaction = commit: closes the transaction's open files, checks for
   * conflicts and appends one directory record; returns it.
   *
   * @throws TransactionConflictException if a path it changed was changed after it started (then
   *     nothing is committed and the transaction is gone)
   */
  public CommitResult endTransaction(TransactionToken token) throws FsException {
    return core.endTransaction(Objects.requireNonNull(token, "token"));
  }

  /** Discards a transaction (the RFC's missing abort). */
  public void abortTransaction(TransactionToken token) throws FsException {
    core.abortTransaction(Objects.requireNonNull(token, "token"));
  }

  /** Starts a transaction and returns it as a view (use with try-with-resources). */
  public Transaction newTransaction() throws FsException {
    return new Transaction(core, startTransaction());
  }

  /** The view of an open transaction (TensorFlow's WrappedFileSystem). */
  public Transaction inTransaction(TransactionToken token) throws FsException {
    core.txn(Objects.requireNonNull(token, "token"));
    return new Transaction(core, token);
  }

  /**
   * Reads every file and key-value value of the current snapshot in full and checks it (record
   * signatures, chunk layout, content hash), like an fsck. Failures are collected, not thrown.
   */
  public VerifyReport verifyAll() {
    return core.verifyAll(head());
  }

  // ---------------------------------------------------------------- cache and misc

  /** Chunk cache statistics. */
  public CacheStats cacheStats() {
    return new CacheStats(core.cache.hits(), core.cache.misses(), core.cache.evictions(),
        core.cache.residentBytes(), core.cache.loadedBytes(), core.cache.readAheadRecords());
  }

  /** TensorFlow's FlushCaches: empties the chunk cache (a cold start for the next reads). */
  public void flushCaches() {
    core.cache.invalidateAll();
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

  @Override
  public void close() {
    core.close();
  }

  @Override
  public String toString() {
    return "GdpFileSystem[" + core.root.printable() + " head=" + head()
        + (isWritable() ? " writable" : " read-only") + "]";
  }
}
