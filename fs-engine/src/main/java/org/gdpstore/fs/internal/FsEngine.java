package org.gdpstore.fs.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.gdpstore.fs.CommitListener;
import org.gdpstore.fs.FsCode;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.FsOptions;
import org.gdpstore.fs.FsPaths;
import org.gdpstore.fs.SnapshotExpiredException;
import org.gdpstore.fs.internal.proto.LogKind;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;

/**
 * The engine behind {@code GdpFileSystem}, as wiring only: it opens the {@link DirectoryLog},
 * builds the parts (namespace index, transactions, mutations, content reads, file writers, history)
 * and closes them in order. Each part has one job; see docs/architecture.md.
 */
public final class FsEngine implements AutoCloseable {
  private final LogStore store;
  private final FsOptions opts;
  private final GdpName root;
  private final NamespaceIndex index;
  private final DirectoryLog dirLog;
  private final Resources resources = new Resources();
  private final ContentReader content;
  private final Transactions transactions;
  private final Mutations mutations;
  private final PathHistory history;
  private final FileVersionWriter.Context writerContext;
  private final GarbageCollector gc;
  private final boolean ownsStore;

  private FsEngine(LogStore store, FsOptions opts, Ed25519Keys keys, NamespaceIndex index,
      DirectoryLog dirLog, boolean ownsStore) {
    this.store = store;
    this.opts = opts;
    this.root = dirLog.root();
    this.index = index;
    this.dirLog = dirLog;
    this.ownsStore = ownsStore;
    this.content = new ContentReader(store, opts);
    this.transactions = new Transactions(index, dirLog, opts, resources);
    this.mutations = new Mutations(opts);
    this.history = new PathHistory(index, dirLog, content);
    this.gc = new GarbageCollector(this, store, opts);
    // a directory log older than format version 2 gets no inline files: its readers would not know them
    int inlineLimit = dirLog.header().getFormatVersion() >= Records.INLINE_FILES_VERSION ? opts.inlineFileBytes() : 0;
    // format 5: file logs get derived names announced by intents, so gc finds those never committed
    IntentSlots slots = keys != null && dirLog.header().getFormatVersion() >= Records.INTENTS_VERSION
        ? new IntentSlots(dirLog, opts) : null;
    LogPool pool = new LogPool(store, keys, opts, root, keys == null ? 0 : opts.logPool(), slots,
        slots == null ? null : new IntentRenewer(dirLog, opts));
    this.writerContext = new FileVersionWriter.Context(store, keys, opts, pool, content, resources,
        transactions, mutations, inlineLimit);
  }

  /** Creates a new, empty filesystem in {@code store} and opens it; {@code ownsStore}: close it too. */
  public static FsEngine mkfs(LogStore store, Ed25519Keys keys, FsOptions opts, boolean ownsStore)
      throws FsException {
    GdpName root = Await.await(store.createLog(keys, "gdpstore directory"), "/");
    LogStore.Appender app = Await.await(store.openAppender(root, keys), "/");
    ByteBuffer header = Records.header(LogKind.DIRECTORY, opts.chunkSize(), WriterClock.nowNanos(opts), null,
        "gdpstore directory");
    Await.await(app.append(header), "/");
    app.close();
    return open(store, root, keys, opts, ownsStore);
  }

  /** Opens and replays filesystem {@code root}; writable with its writer's {@code keys} (or null). */
  public static FsEngine open(LogStore store, GdpName root, Ed25519Keys keys, FsOptions opts, boolean ownsStore)
      throws FsException {
    NamespaceIndex index = new NamespaceIndex();
    DirectoryLog dirLog = DirectoryLog.open(store, root, opts, keys, index);
    FsEngine engine = new FsEngine(store, opts, keys, index, dirLog, ownsStore);
    try {
      dirLog.refresh();
    } catch (FsException e) {
      engine.close();
      throw e;
    }
    return engine;
  }

  public GdpName root() {
    return root;
  }

  public FsOptions options() {
    return opts;
  }

  public NamespaceIndex index() {
    return index;
  }

  public DirectoryLog directoryLog() {
    return dirLog;
  }

  public Transactions transactions() {
    return transactions;
  }

  public ContentReader content() {
    return content;
  }

  /**
   * History and verification of {@code path} (normalized; a directory with everything under it).
   * They need every version of its keys: a filesystem opened from a checkpoint gets them from the
   * checkpoints' per-path change indexes and the path's own commits ({@link PathIndex}), or, if a
   * checkpoint has none (format 3), by replaying the whole directory log.
   */
  public PathHistory history(String path) throws FsException {
    if (index.base() <= 1) {
      return history;
    }
    java.util.function.Predicate<EntryKey> wanted = path.equals("/") ? k -> true : k -> {
      if (k.kv()) {
        return false;
      }
      return k.name().equals(path) || k.compareTo(EntryKey.subtreeStart(path)) >= 0
          && k.compareTo(EntryKey.subtreeEnd(path)) < 0;
    };
    NamespaceIndex versions = PathIndex.load(dirLog, index, wanted);
    return new PathHistory(index, versions != null ? versions : dirLog.loadFull(index.head()), dirLog, content);
  }

  /** Verification of the current snapshot (needs no history: the live index). */
  public PathHistory currentState() {
    return history;
  }

  /** Recnos of every commit, oldest first (a filesystem opened from a checkpoint replays for them). */
  public List<Long> commitRecnos() throws FsException {
    return index.base() <= 1 ? index.commitRecnos() : dirLog.loadFull(index.head()).commitRecnos();
  }

  /**
   * The index answering snapshot {@code at}: this one if {@code at} is at or after its base, else
   * one loaded from the nearest checkpoint at or before {@code at}.
   */
  public NamespaceIndex indexFor(long at) throws FsException {
    return at >= index.base() ? index : dirLog.loadSnapshot(at);
  }

  /** The newest directory record whose commit time is at most {@code nanos} (1 if none). */
  public long recordAtTime(long nanos) throws FsException {
    long base = index.base();
    if (base <= 1 || index.commitTime(base) <= nanos) {
      return index.recnoAtTime(nanos);
    }
    return dirLog.recordAtTime(nanos, base - 1);
  }

  /** Garbage collection with {@code policy} (see {@link GarbageCollector}). */
  public org.gdpstore.fs.GcReport gc(org.gdpstore.fs.RetentionPolicy policy, boolean dryRun) throws FsException {
    return gc.run(policy, dryRun);
  }

  /**
   * {@link SnapshotExpiredException} (FAILED_PRECONDITION) if snapshot {@code at} is older than the retention horizon (its file logs
   * may be deleted): such a snapshot is never read, so no reader gets partial data.
   */
  public void requireRetained(long at) throws FsException {
    long h = index.horizon();
    if (at < h) {
      throw new SnapshotExpiredException(at, h);
    }
  }

  /**
   * A read of snapshot {@code at} failed: if a gc (this process's or, after a refresh, the
   * writer's) has moved the horizon past it meanwhile, that is the reason; else {@code e} itself.
   */
  public FsException explainFailedRead(long at, FsException e) {
    if (at >= index.horizon() && fromLogStore(e)) {
      try {
        dirLog.refresh();
      } catch (FsException | RuntimeException ignored) {
        return e; // cannot tell: report the read's own error
      }
    }
    try {
      requireRetained(at);
      return e;
    } catch (FsException expired) {
      expired.initCause(e);
      return expired;
    }
  }

  private static boolean fromLogStore(Throwable t) {
    for (; t != null; t = t.getCause()) {
      if (t instanceof LogStoreException) {
        return true;
      }
    }
    return false;
  }

  Mutations mutations() {
    return mutations;
  }

  FileVersionWriter.Context writerContext() {
    return writerContext;
  }

  /** Writes {@code value} of a key-value key into a log of its own; returns its unpublished entry. */
  public DirEntry writeValueLog(EntryKey key, byte[] value) throws FsException {
    FileVersionWriter w = transactions.mutate(0, key.display(),
        t -> FileVersionWriter.open(writerContext, key, DirEntry.Kind.VALUE, 0, null));
    w.append(ByteBuffer.wrap(value));
    return w.finish();
  }

  /**
   * Normalizes a path of this filesystem; a {@code gdp://<root>/...} URI must name this
   * filesystem's directory log (printable name), else INVALID_ARGUMENT.
   */
  public String path(String p) throws FsException {
    if (p != null && p.startsWith(FsPaths.SCHEME)) {
      String rest = p.substring(FsPaths.SCHEME.length());
      int slash = rest.indexOf('/');
      String authority = slash < 0 ? rest : rest.substring(0, slash);
      if (!authority.equals(root.printable())) {
        throw new FsException(FsCode.INVALID_ARGUMENT, p, "names another filesystem than " + root.printable());
      }
    }
    return FsPaths.normalize(p);
  }

  /** Follows the directory log; the returned handle stops it (and is closed with the engine). */
  public AutoCloseable watch(CommitListener listener) throws FsException {
    return dirLog.watch(listener, resources);
  }

  public boolean isClosed() {
    return resources.isClosed();
  }

  /**
   * Aborts open transactions, closes open files and watches (under the writer lock, so running
   * writes finish first), then the logs. Idempotent.
   */
  @Override
  public void close() {
    if (resources.isClosed()) {
      return;
    }
    List<Throwable> errors = new ArrayList<>();
    transactions.underLock(() -> {
      errors.addAll(transactions.abortAll());
      errors.addAll(resources.closeAll());
    });
    transactions.awaitCommits();
    content.close();
    writerContext.logPool().close();
    dirLog.close();
    if (ownsStore) {
      store.close();
    }
    if (!errors.isEmpty()) {
      IllegalStateException e = new IllegalStateException("errors while closing open files", errors.get(0));
      errors.stream().skip(1).forEach(e::addSuppressed);
      throw e;
    }
  }
}
