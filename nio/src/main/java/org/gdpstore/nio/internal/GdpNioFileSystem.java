package org.gdpstore.nio.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.gdpstore.client.LogReader;
import org.gdpstore.fs.CommitListener;
import org.gdpstore.fs.CommitResult;
import org.gdpstore.fs.WritableFileSystem;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.GdpFileSystem;
import org.gdpstore.fs.Transaction;
import org.gdpstore.nio.GdpFileSystemProvider;
import org.gdpstore.nio.GdpTransaction;
import org.gdpstore.wire.KeyEntry;
import org.gdpstore.wire.LogMetadata;

/**
 * One gdp filesystem opened through {@code java.nio.file}: an fs-engine {@link GdpFileSystem}
 * over a {@link ClientLease}, the paths of this filesystem, the channels it has open (a file
 * exists here from the moment a channel creates it) and its watch services. Every change made
 * outside a {@link GdpTransaction} is one commit. Thread-safe.
 */
public final class GdpNioFileSystem extends FileSystem {
  public static final String SCHEME = "gdp";

  private final GdpFileSystemProvider provider;
  private final String authority;
  private final ClientLease connection;
  private final GdpFileSystem engine;
  private final boolean readOnly;
  private final Runnable onClose;
  private final Ops ops = new Ops(this);
  private final GdpFileStore store;
  /** Files created by channels still open, by engine path: they exist in this instance. */
  final Map<String, GdpChannel> creating = new ConcurrentHashMap<>();
  private final Set<GdpChannel> channels = ConcurrentHashMap.newKeySet();
  private final List<GdpWatchService> watchers = new CopyOnWriteArrayList<>();
  private GdpFileSystem.Watch engineWatch; // guarded by this
  private volatile String signer;
  private volatile boolean open = true;

  GdpNioFileSystem(GdpFileSystemProvider provider, String authority, ClientLease connection,
      GdpFileSystem engine, boolean readOnly, Runnable onClose) {
    this.provider = provider;
    this.authority = authority;
    this.connection = connection;
    this.engine = engine;
    this.readOnly = readOnly;
    this.onClose = onClose;
    this.store = new GdpFileStore(this);
  }

  String authority() {
    return authority;
  }

  GdpFileSystem engine() {
    return engine;
  }

  Ops ops() {
    return ops;
  }

  GdpFileStore store() {
    return store;
  }

  void checkOpen() {
    if (!open) {
      throw new ClosedFileSystemException();
    }
  }

  /** Refuses writes: ReadOnlyFileSystemException when opened read-only, AccessDenied without the writer key. */
  void checkWritable(GdpPath p) throws AccessDeniedException {
    checkOpen();
    if (readOnly) {
      throw new ReadOnlyFileSystemException();
    }
    if (!engine.isWritable()) {
      throw new AccessDeniedException(p.toString(), null,
          "this process does not hold the writer key of " + authority + " (set " + "writerKey)");
    }
  }

  boolean canWrite() {
    return !readOnly && engine.isWritable();
  }

  /** Where reads of {@code p} go: its transaction, or the live filesystem. */
  WritableFileSystem view(GdpPath p) {
    checkOpen();
    TxnContext t = p.txn();
    if (t != null) {
      return t.transaction();
    }
    return engine;
  }

  interface Change<T> {
    T apply(WritableFileSystem ops) throws FsException, IOException;
  }

  /**
   * Runs a change of {@code p}: inside the path's transaction, or as one commit of its own (a
   * short engine transaction, so the commit's paths reach the watch services).
   */
  <T> T change(GdpPath p, Change<T> change) throws FsException, IOException {
    checkWritable(p);
    TxnContext t = p.txn();
    if (t != null) {
      return change.apply(t.transaction());
    }
    try (Transaction tx = engine.newTransaction()) {
      T result = change.apply(tx);
      committed(tx.commit());
      return result;
    }
  }

  public GdpTransaction beginTransaction() throws IOException {
    checkOpen();
    try {
      return new TxnContext(this, engine.newTransaction());
    } catch (FsException e) {
      throw Errors.map(e, "/");
    }
  }

  /** A commit of this process became visible: tell the watch services. */
  void committed(CommitResult c) {
    if (!watchers.isEmpty()) {
      WatchEvents.dispatch(engine, c, watchers);
    }
  }

  void channelOpened(GdpChannel ch) {
    channels.add(ch);
  }

  void channelClosed(GdpChannel ch) {
    channels.remove(ch);
  }

  /** Hex public key of the filesystem's writer, from the directory log's metadata. */
  String signer() {
    String s = signer;
    if (s == null) {
      try (LogReader r = connection.client().openReader(engine.rootName())) {
        s = r.metadata().find(LogMetadata.WPK)
            .map(e -> {
              byte[] der = new byte[KeyEntry.parse(e.valueBytes()).der().remaining()];
              KeyEntry.parse(e.valueBytes()).der().get(der);
              return HexFormat.of().formatHex(der, Math.max(0, der.length - 32), der.length);
            })
            .orElse("");
      } catch (RuntimeException e) {
        s = "";
      }
      signer = s;
    }
    return s;
  }

  void watcherOpened(GdpWatchService w) throws IOException {
    checkOpen();
    watchers.add(w);
    synchronized (this) {
      if (engineWatch == null) {
        try {
          engineWatch = engine.watch(new CommitListener() {
            @Override
            public void onCommit(CommitResult commit) {
              WatchEvents.dispatch(engine, commit, watchers);
            }
          });
        } catch (FsException e) {
          throw Errors.map(e, "/");
        }
      }
    }
  }

  void watcherClosed(GdpWatchService w) {
    watchers.remove(w);
  }

  @Override
  public GdpFileSystemProvider provider() {
    return provider;
  }

  /** Closes open channels (publishing files written outside transactions), watch services and the engine. */
  @Override
  public void close() throws IOException {
    synchronized (this) {
      if (!open) {
        return;
      }
      open = false;
    }
    try {
      for (GdpChannel ch : List.copyOf(channels)) {
        try {
          ch.close();
        } catch (IOException ignored) {
          // a failed publish of an abandoned channel loses only that file's new content
        }
      }
      for (GdpWatchService w : List.copyOf(watchers)) {
        w.close();
      }
      synchronized (this) {
        if (engineWatch != null) {
          engineWatch.close();
        }
      }
      engine.close();
    } finally {
      connection.close();
      onClose.run();
    }
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public boolean isReadOnly() {
    return readOnly;
  }

  @Override
  public String getSeparator() {
    return "/";
  }

  @Override
  public Iterable<Path> getRootDirectories() {
    checkOpen();
    return List.of(GdpPath.parse(this, null, "/"));
  }

  @Override
  public Iterable<FileStore> getFileStores() {
    checkOpen();
    return List.of(store);
  }

  @Override
  public Set<String> supportedFileAttributeViews() {
    return Set.of("basic", "gdp");
  }

  @Override
  public GdpPath getPath(String first, String... more) {
    checkOpen();
    return GdpPath.parse(this, null, first, more);
  }

  @Override
  public PathMatcher getPathMatcher(String syntaxAndPattern) {
    return Matchers.of(syntaxAndPattern);
  }

  @Override
  public UserPrincipalLookupService getUserPrincipalLookupService() {
    throw new UnsupportedOperationException("gdp filesystems have no users or groups (one writer key)");
  }

  @Override
  public WatchService newWatchService() throws IOException {
    GdpWatchService w = new GdpWatchService(this);
    watcherOpened(w);
    return w;
  }

  @Override
  public String toString() {
    return "gdp://" + authority + " (" + engine.rootName().printable() + (canWrite() ? ", writable" : ", read-only") + ")";
  }
}
