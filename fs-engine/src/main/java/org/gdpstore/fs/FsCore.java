package org.gdpstore.fs;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.gdpstore.fs.internal.ChunkCache;
import org.gdpstore.fs.internal.ChunkCache.Chunk;
import org.gdpstore.fs.internal.Entry;
import org.gdpstore.fs.internal.Glob;
import org.gdpstore.fs.internal.LogStore;
import org.gdpstore.fs.internal.LogStoreException;
import org.gdpstore.fs.internal.NamespaceIndex;
import org.gdpstore.fs.internal.Records;
import org.gdpstore.fs.proto.Change;
import org.gdpstore.fs.proto.DirectoryCommit;
import org.gdpstore.fs.proto.FsRecord;
import org.gdpstore.fs.proto.LogHeader;
import org.gdpstore.fs.proto.LogKind;
import org.gdpstore.fs.proto.Namespace;
import org.gdpstore.fs.proto.Tombstone;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;

/**
 * The engine behind {@link GdpFileSystem}: the replayed directory log, the single-writer commit
 * path, transactions, file logs and the chunk cache. Mutations and commits are serialized by
 * {@link #writeLock}; reads are lock-free against {@link NamespaceIndex} snapshots.
 */
final class FsCore implements AutoCloseable {
  /** Largest encoded directory record part; leaves room in a 65,535-byte PDU for signatures. */
  static final int MAX_COMMIT_PART_BYTES = 60_000;
  static final Entry ROOT = Entry.dir(0);

  final LogStore store;
  final FsOptions opts;
  final Ed25519Keys keys;
  final GdpName root;
  final NamespaceIndex index = new NamespaceIndex();
  final ChunkCache cache;
  private final LogStore.Source dirSource;
  private final LogStore.Appender dirAppender;
  final ReentrantLock writeLock = new ReentrantLock();
  private final Map<GdpName, FileLog> fileLogs = new ConcurrentHashMap<>();
  /** File logs with an open appender in this process (one writer per log at a time). */
  final Set<GdpName> logsBeingAppended = ConcurrentHashMap.newKeySet();
  final Set<AutoCloseable> openHandles = ConcurrentHashMap.newKeySet();
  /**
   * File versions whose whole content this process has already checked against the content hash
   * (log, last recno, size, hash): later sequential readers skip re-hashing. Their chunks are still
   * verified record by record whenever they are fetched.
   */
  private final Set<List<Object>> verifiedContent = ConcurrentHashMap.newKeySet();
  private final LogHeader dirHeader;
  final LogPool logPool;

  // Replay state (guarded by replayLock).
  private final Object replayLock = new Object();
  private long replayedUpTo = 1;
  private long pendingTxn = -1;
  private int pendingPart;
  private Map<String, Entry> pending;
  private long nextTxnId = 1;
  /** Commits applied by the running refresh, for the listeners (guarded by replayLock). */
  private List<CommitResult> replayed;
  private final List<CommitListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  // Transactions (guarded by writeLock).
  private final Map<Long, Txn> txns = new HashMap<>();
  private final Map<String, Txn> pathLocks = new HashMap<>();
  private final AtomicLong tokenIds = new AtomicLong();
  private volatile String writerBroken;
  private volatile boolean closed;
  /** Whether {@link #close()} also closes the store (it was made for this filesystem). */
  volatile boolean ownsStore;

  private FsCore(LogStore store, FsOptions opts, Ed25519Keys keys, GdpName root,
      LogStore.Source dirSource, LogStore.Appender dirAppender, LogHeader dirHeader) {
    this.store = store;
    this.opts = opts;
    this.keys = keys;
    this.root = root;
    this.dirSource = dirSource;
    this.dirAppender = dirAppender;
    this.dirHeader = dirHeader;
    this.cache = new ChunkCache(opts.cacheBytes());
    this.logPool = new LogPool(this, keys == null ? 0 : opts.logPool());
  }

  // ---------------------------------------------------------------- opening

  static FsCore mkfs(LogStore store, Ed25519Keys keys, FsOptions opts) throws FsException {
    GdpName root = await(store.createLog(keys, "gdpstore directory"), "/");
    LogStore.Appender app = await(store.openAppender(root, keys), "/");
    ByteBuffer header = Records.header(LogKind.DIRECTORY, opts.chunkSize(), nowNanos(opts), null,
        "gdpstore directory");
    await(app.append(header), "/");
    app.close();
    return open(store, root, keys, opts);
  }

  static FsCore open(LogStore store, GdpName root, Ed25519Keys keys, FsOptions opts)
      throws FsException {
    LogStore.Source src = await(store.openSource(root, opts.verify()), "/");
    LogHeader h;
    try {
      if (await(src.lastRecno(), "/") < 1) {
        throw new IllegalArgumentException("the log is empty");
      }
      h = Records.parseHeader(await(src.read(1), "/").payload(), LogKind.DIRECTORY);
    } catch (IllegalArgumentException e) {
      src.close();
      throw new FsException(FsCode.FAILED_PRECONDITION, "/",
          "log " + root + " is not a gdpstore directory log: " + e.getMessage());
    } catch (FsException e) {
      src.close();
      throw e;
    }
    LogStore.Appender app = null;
    if (keys != null) {
      try {
        app = await(store.openAppender(root, keys), "/");
      } catch (FsException e) {
        src.close();
        throw e;
      }
    }
    FsCore core = new FsCore(store, opts, keys, root, src, app, h);
    try {
      core.refresh();
    } catch (FsException e) {
      core.close();
      throw e;
    }
    return core;
  }

  /** Reads directory records appended since the last refresh (other writers' commits). */
  long refresh() throws FsException {
    List<CommitResult> applied = new ArrayList<>();
    long head;
    synchronized (replayLock) {
      replayed = applied;
      try {
        long last = await(dirSource.lastRecno(), "/");
        while (replayedUpTo < last) {
          int n = (int) Math.min(256, last - replayedUpTo);
          List<LogStore.StoredRecord> recs = await(dirSource.readRange(replayedUpTo + 1, n), "/");
          if (recs.isEmpty()) {
            break;
          }
          for (LogStore.StoredRecord r : recs) {
            replayOne(r);
          }
        }
        head = index.head();
      } finally {
        replayed = null;
      }
    }
    // listeners run outside the lock, in commit order
    for (CommitResult c : applied) {
      for (CommitListener l : listeners) {
        l.onCommit(c);
      }
    }
    return head;
  }

  /** Follows the directory log: every appended record triggers a refresh on the watch's thread. */
  GdpFileSystem.Watch watch(CommitListener listener) throws FsException {
    java.util.concurrent.ExecutorService exec = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "gdpfs-watch-" + root.printable().substring(0, 8));
      t.setDaemon(true);
      return t;
    });
    java.util.concurrent.atomic.AtomicBoolean scheduled = new java.util.concurrent.atomic.AtomicBoolean();
    Runnable trigger = () -> {
      // coalesce: one refresh reads every record appended before it runs
      if (scheduled.compareAndSet(false, true)) {
        try {
          exec.execute(() -> {
            scheduled.set(false);
            try {
              refresh();
            } catch (FsException e) {
              listener.onError(e);
            }
          });
        } catch (java.util.concurrent.RejectedExecutionException closed) {
          // the watch was closed
        }
      }
    };
    listeners.add(listener);
    AutoCloseable sub;
    long from;
    synchronized (replayLock) {
      from = replayedUpTo + 1;
    }
    try {
      sub = dirSource.subscribe(from, r -> trigger.run(),
          e -> exec.execute(() -> listener.onError(translate(e, "/"))));
    } catch (RuntimeException e) {
      listeners.remove(listener);
      exec.shutdownNow();
      throw translate(e, "/");
    }
    GdpFileSystem.Watch[] self = new GdpFileSystem.Watch[1];
    self[0] = () -> {
      openHandles.remove(self[0]);
      listeners.remove(listener);
      try {
        sub.close();
      } catch (Exception ignored) {
        // best effort: the watch's thread stops either way
      }
      exec.shutdownNow();
    };
    openHandles.add(self[0]);
    return self[0];
  }

  private void replayOne(LogStore.StoredRecord r) throws FsException {
    if (r.recno() != replayedUpTo + 1) {
      throw new IntegrityException("/", "directory log returned record " + r.recno()
          + " where " + (replayedUpTo + 1) + " was expected");
    }
    DirectoryCommit c;
    Map<String, Entry> changes = new LinkedHashMap<>();
    try {
      FsRecord fr = Records.parse(r.payload());
      if (!fr.hasCommit()) {
        throw new IllegalArgumentException("not a directory commit");
      }
      c = fr.getCommit();
      for (Change ch : c.getChangesList()) {
        String key = keyOf(ch.getNamespace(), ch.getPath());
        Entry put = ch.hasPut() ? Entry.fromProto(ch.getPut()) : null;
        if (put != null && put.kind == Entry.Kind.FILE && put.isInline()
            && dirHeader.getFormatVersion() < Records.INLINE_FILES_VERSION) {
          throw new IllegalArgumentException("inline file " + ch.getPath() + " in a version-"
              + dirHeader.getFormatVersion() + " directory log");
        }
        changes.put(key, put);
      }
    } catch (IllegalArgumentException | FsException e) {
      throw new IntegrityException("/", "directory record " + r.recno() + " of " + root
          + " is malformed: " + e.getMessage());
    }
    replayedUpTo = r.recno();
    nextTxnId = Math.max(nextTxnId, c.getTxnId() + 1);
    if (c.getPart() == 0) {
      pending = new LinkedHashMap<>(); // an unfinished earlier run, if any, is discarded here
      pendingTxn = c.getTxnId();
      pendingPart = 0;
    } else if (pending == null || c.getTxnId() != pendingTxn || c.getPart() != pendingPart + 1) {
      pending = null; // orphan continuation: part of a commit whose start we discarded
      return;
    } else {
      pendingPart = c.getPart();
    }
    pending.putAll(changes);
    if (c.getLast()) {
      index.apply(r.recno(), c.getCommitUnixNanos(), pending);
      if (replayed != null) {
        replayed.add(new CommitResult(r.recno(), c.getCommitUnixNanos(),
            pending.keySet().stream().sorted().map(FsCore::display).toList()));
      }
      pending = null;
    }
  }

  /**
   * Normalizes a path of this filesystem; a {@code gdp://<root>/...} URI must name this
   * filesystem's directory log (printable name), else INVALID_ARGUMENT.
   */
  String path(String p) throws FsException {
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

  static String keyOf(Namespace ns, String path) throws FsException {
    if (ns == Namespace.KV) {
      return "#" + path;
    }
    String norm = FsPaths.normalize("/" + path);
    if (norm.equals("/") || !norm.equals("/" + path)) {
      throw new FsException(FsCode.INVALID_ARGUMENT, path, "path in a directory record is not normalized");
    }
    return norm;
  }

  // ---------------------------------------------------------------- views

  /** A consistent view: the index at {@code at}, with an optional transaction overlay on top. */
  final class View {
    final long at;
    final TreeMap<String, Entry> overlay; // null value = deleted in the overlay

    View(long at, TreeMap<String, Entry> overlay) {
      this.at = at;
      this.overlay = overlay;
    }

    Entry get(String key) {
      if (key.equals("/")) {
        return ROOT;
      }
      if (overlay != null && overlay.containsKey(key)) {
        return overlay.get(key);
      }
      return index.get(key, at);
    }

    /** Live direct children names of a directory, sorted. */
    TreeSet<String> childNames(String dir, int limit) {
      String prefix = dir.equals("/") ? "/" : dir + "/";
      String end = prefix.substring(0, prefix.length() - 1) + "0";
      TreeSet<String> out = new TreeSet<>();
      String k = index.ceilingKey(prefix, end);
      while (k != null && out.size() < limit) {
        String rest = k.substring(prefix.length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
          if (get(k) != null) {
            out.add(rest);
          }
          k = index.ceilingKey(k + "\0", end);
        } else {
          // skip the subtree of prefix+child
          k = index.ceilingKey(prefix + rest.substring(0, slash) + "0", end);
        }
      }
      if (overlay != null) {
        for (Map.Entry<String, Entry> e : overlay.subMap(prefix, end).entrySet()) {
          String rest = e.getKey().substring(prefix.length());
          if (rest.isEmpty() || rest.indexOf('/') >= 0) {
            continue;
          }
          if (e.getValue() != null) {
            out.add(rest);
          } else {
            out.remove(rest);
          }
        }
        while (out.size() > limit) {
          out.pollLast();
        }
      }
      return out;
    }

    /** All live keys strictly under a directory, sorted. */
    List<String> descendants(String dir) {
      String prefix = dir.equals("/") ? "/" : dir + "/";
      String end = prefix.substring(0, prefix.length() - 1) + "0";
      TreeSet<String> keys = new TreeSet<>();
      for (String k : index.keys(prefix, end)) {
        keys.add(k);
      }
      if (overlay != null) {
        keys.addAll(overlay.subMap(prefix, end).keySet());
      }
      List<String> out = new ArrayList<>();
      for (String k : keys) {
        if (get(k) != null) {
          out.add(k);
        }
      }
      return out;
    }

    /** Live keys of the KV namespace starting with a prefix, sorted. */
    List<String> kvKeys(String prefix) {
      String from = "#" + prefix;
      String end = "$"; // '#' + 1
      TreeSet<String> keys = new TreeSet<>();
      for (String k : index.keys(from, end)) {
        if (!k.startsWith(from)) {
          break;
        }
        keys.add(k);
      }
      if (overlay != null) {
        for (String k : overlay.subMap(from, end).keySet()) {
          if (k.startsWith(from)) {
            keys.add(k);
          }
        }
      }
      List<String> out = new ArrayList<>();
      for (String k : keys) {
        if (get(k) != null) {
          out.add(k.substring(1));
        }
      }
      return out;
    }
  }

  View headView() {
    return new View(index.head(), null);
  }

  // ---------------------------------------------------------------- path checks

  /** Checks every ancestor of {@code path}: NOT_FOUND if missing, FAILED_PRECONDITION if a file. */
  static void checkParents(View v, String path) throws FsException {
    if (path.equals("/")) {
      return;
    }
    int i = 0;
    while ((i = path.indexOf('/', i + 1)) > 0) {
      String anc = path.substring(0, i);
      Entry e = v.get(anc);
      if (e == null) {
        throw new FsException(FsCode.NOT_FOUND, path, "parent directory " + anc + " does not exist");
      }
      if (!e.isDir()) {
        throw new FsException(FsCode.FAILED_PRECONDITION, path, "parent " + anc + " is a file, not a directory");
      }
    }
  }

  /** The entry at a path, with parent errors; NOT_FOUND if missing. */
  static Entry lookup(View v, String path) throws FsException {
    checkParents(v, path);
    Entry e = v.get(path);
    if (e == null) {
      throw new FsException(FsCode.NOT_FOUND, path, "no such file or directory");
    }
    return e;
  }

  static Entry lookupFile(View v, String path) throws FsException {
    Entry e = lookup(v, path);
    if (e.isDir()) {
      throw new FsException(FsCode.FAILED_PRECONDITION, path, "is a directory");
    }
    return e;
  }

  // ---------------------------------------------------------------- read operations

  List<String> getChildren(View v, String dir) throws FsException {
    Entry e = lookup(v, dir);
    if (!e.isDir()) {
      throw new FsException(FsCode.FAILED_PRECONDITION, dir, "not a directory");
    }
    return new ArrayList<>(v.childNames(dir, Integer.MAX_VALUE));
  }

  FileStatistics stat(View v, String path) throws FsException {
    Entry e = lookup(v, path);
    return new FileStatistics(e.isDir() ? 0 : e.size, e.mtimeNanos, e.isDir());
  }

  List<String> getMatchingPaths(View v, String pattern) throws FsException {
    if (pattern.isEmpty()) {
      throw new FsException(FsCode.INVALID_ARGUMENT, pattern, "empty pattern");
    }
    if (pattern.indexOf('\0') >= 0) {
      throw new FsException(FsCode.INVALID_ARGUMENT, pattern, "pattern contains NUL");
    }
    List<String> comps = Glob.components(FsPaths.stripScheme(pattern));
    for (String c : comps) {
      try {
        Glob.validate(c);
      } catch (IllegalArgumentException e) {
        throw new FsException(FsCode.INVALID_ARGUMENT, pattern, e.getMessage());
      }
    }
    List<String> current = List.of("/");
    for (String comp : comps) {
      List<String> next = new ArrayList<>();
      for (String dir : current) {
        Entry de = v.get(dir);
        if (de == null || !de.isDir()) {
          continue;
        }
        if (!Glob.hasWildcard(comp)) {
          String name = Glob.unescape(comp);
          if (name.equals(".")) {
            next.add(dir);
            continue;
          }
          if (name.equals("..")) {
            next.add(FsPaths.dirname(dir));
            continue;
          }
          String child = dir.equals("/") ? "/" + name : dir + "/" + name;
          if (v.get(child) != null) {
            next.add(child);
          }
        } else {
          for (String name : v.childNames(dir, Integer.MAX_VALUE)) {
            if (Glob.matches(comp, name)) {
              next.add(dir.equals("/") ? "/" + name : dir + "/" + name);
            }
          }
        }
      }
      current = next;
    }
    TreeSet<String> out = new TreeSet<>(current);
    return new ArrayList<>(out);
  }

  // ---------------------------------------------------------------- file logs and chunks

  /** One file log as the reader knows it: source, chunk size, learned chunk positions. */
  final class FileLog {
    final GdpName name;
    final LogStore.Source source;
    final int chunkSize;
    /** offset -> {recno, length} of chunks seen so far. */
    final ConcurrentSkipListMap<Long, long[]> byOffset = new ConcurrentSkipListMap<>();
    final Set<Long> prefetching = ConcurrentHashMap.newKeySet();

    FileLog(GdpName name, LogStore.Source source, int chunkSize) {
      this.name = name;
      this.source = source;
      this.chunkSize = chunkSize;
    }

    void learn(long recno, Chunk c) {
      byOffset.putIfAbsent(c.offset(), new long[] {recno, c.data().length});
    }
  }

  FileLog fileLog(GdpName name, String path) throws FsException {
    FileLog fl = fileLogs.get(name);
    if (fl != null) {
      return fl;
    }
    LogStore.Source src = await(store.openSource(name, opts.verify()), path);
    LogHeader h;
    try {
      h = Records.parseHeader(await(src.read(1), path).payload(), LogKind.FILE);
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

  Chunk decodeChunk(FileLog fl, LogStore.StoredRecord r, String path) throws IntegrityException {
    FsRecord fr;
    try {
      fr = Records.parse(r.payload());
    } catch (IllegalArgumentException e) {
      throw new IntegrityException(path, "record " + r.recno() + " of file log " + fl.name + ": " + e.getMessage());
    }
    if (!fr.hasChunk()) {
      throw new IntegrityException(path, "record " + r.recno() + " of file log " + fl.name + " is not a chunk");
    }
    Chunk c = new Chunk(fr.getChunk().getOffset(), fr.getChunk().getData().toByteArray());
    fl.learn(r.recno(), c);
    return c;
  }

  Chunk chunk(FileLog fl, long recno, String path) throws FsException {
    try {
      return cache.get(new ChunkCache.Key(fl.name, recno), k -> {
        try {
          return decodeChunk(fl, await(fl.source.read(recno), path), path);
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
  long locate(FileLog fl, Entry e, long x, String path) throws FsException {
    Map.Entry<Long, long[]> fe = fl.byOffset.floorEntry(x);
    if (fe != null && x < fe.getKey() + fe.getValue()[1] && fe.getValue()[0] <= e.lastRecno) {
      return fe.getValue()[0];
    }
    long lo = 2;
    long hi = e.lastRecno;
    long guess = clamp(2 + x / fl.chunkSize, lo, hi);
    while (lo <= hi) {
      Chunk c = chunk(fl, guess, path);
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

  /** Reads up to {@code dst.remaining()} bytes of a file at {@code pos}; returns the count. */
  int read(Entry e, String path, long pos, ByteBuffer dst, FileReader ra) throws FsException {
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
      Chunk c = chunk(fl, recno, path);
      int from = (int) (pos - c.offset());
      int n = (int) Math.min(Math.min(dst.remaining(), c.data().length - from), e.size - pos);
      dst.put(c.data(), from, n);
      pos += n;
      total += n;
      lastRecno = recno;
    }
    if (ra != null && fl != null && lastRecno > 0) {
      ra.afterRead(this, fl, e, lastRecno);
    }
    return total;
  }

  /** Starts fetching records (from, from+count) of a file log into the cache, asynchronously. */
  void prefetch(FileLog fl, long from, int count, long lastRecno) {
    if (opts.cacheBytes() == 0) {
      return;
    }
    long end = Math.min(lastRecno, from + count - 1);
    long first = from;
    while (first <= end && (cache.contains(new ChunkCache.Key(fl.name, first)) || !fl.prefetching.add(first))) {
      first++;
    }
    if (first > end) {
      return;
    }
    final long start = first;
    for (long r = start + 1; r <= end; r++) {
      fl.prefetching.add(r);
    }
    fl.source.readRange(start, (int) (end - start + 1)).whenComplete((recs, err) -> {
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
          fl.prefetching.remove(r);
        }
      }
    });
  }

  private static List<Object> contentId(Entry e) {
    return List.of(String.valueOf(e.log), e.lastRecno, e.size, ByteBuffer.wrap(e.sha256()));
  }

  boolean contentVerified(Entry e) {
    return verifiedContent.contains(contentId(e));
  }

  void markContentVerified(Entry e) {
    if (verifiedContent.size() > 100_000) {
      verifiedContent.clear(); // a bound, not a policy: the set only saves re-hashing
    }
    verifiedContent.add(contentId(e));
  }

  /** The whole content of a file or value, verified against its content hash. */
  byte[] readAll(Entry e, String path) throws FsException {
    if (e.size > Integer.MAX_VALUE - 16) {
      throw new FsException(FsCode.RESOURCE_EXHAUSTED, path, "file of " + e.size + " bytes does not fit one array");
    }
    byte[] out;
    if (e.isInline()) {
      out = e.inlineData();
    } else {
      out = new byte[(int) e.size];
      FileLog fl = fileLog(e.log, path);
      // range reads of RANGE records, up to DEPTH in flight: the log server, the network and
      // verification work in parallel with copying
      final int range = 16;
      final int depth = 4;
      java.util.ArrayDeque<long[]> asked = new java.util.ArrayDeque<>();
      java.util.ArrayDeque<CompletableFuture<List<LogStore.StoredRecord>>> inFlight = new java.util.ArrayDeque<>();
      long pos = 0;
      long next = 2;
      long issueAt = 2;
      while (pos < e.size) {
        while (inFlight.size() < depth && issueAt <= e.lastRecno) {
          int n = (int) Math.min(range, e.lastRecno - issueAt + 1);
          asked.add(new long[] {issueAt, n});
          inFlight.add(fl.source.readRange(issueAt, n));
          issueAt += n;
        }
        if (inFlight.isEmpty()) {
          throw new IntegrityException(path, "file log " + e.log + " ends at offset " + pos + " of " + e.size);
        }
        long[] a = asked.poll();
        List<LogStore.StoredRecord> recs = await(inFlight.poll(), path);
        long end = a[0] + a[1];
        while (true) {
          for (LogStore.StoredRecord r : recs) {
            if (r.recno() != next) {
              throw new IntegrityException(path, "file log returned record " + r.recno() + " for " + next);
            }
            pos = copyChunk(decodeChunk(fl, r, path), out, pos, e, path, next);
            next++;
            if (pos >= e.size) {
              break;
            }
          }
          if (pos >= e.size || next >= end) {
            break;
          }
          // a short answer: fetch the rest of this range before the ones already in flight
          recs = await(fl.source.readRange(next, (int) (end - next)), path);
          if (recs.isEmpty()) {
            throw new IntegrityException(path, "file log " + e.log + " has no record " + next);
          }
        }
      }
    }
    if (opts.verify()) {
      if (!Arrays.equals(sha256(out), e.sha256())) {
        throw new IntegrityException(path, "content hash mismatch: the data does not match its directory entry");
      }
      if (!e.isInline()) {
        markContentVerified(e);
      }
    }
    return out;
  }

  private static long copyChunk(Chunk c, byte[] out, long pos, Entry e, String path, long recno)
      throws IntegrityException {
    if (c.offset() != pos) {
      throw new IntegrityException(path, "chunk " + recno + " starts at " + c.offset() + ", expected " + pos);
    }
    int n = (int) Math.min(c.data().length, e.size - pos);
    System.arraycopy(c.data(), 0, out, (int) pos, n);
    return pos + n;
  }

  /** Reads every live file and value at snapshot {@code at} in full; see GdpFileSystem#verifyAll. */
  VerifyReport verifyAll(long at) {
    View v = new View(at, null);
    Map<String, String> failures = new TreeMap<>();
    long entries = 0;
    long bytes = 0;
    List<String> keys = new ArrayList<>(v.descendants("/"));
    for (String k : v.kvKeys("")) {
      keys.add("#" + k);
    }
    for (String key : keys) {
      Entry e = v.get(key);
      if (e == null || e.isDir()) {
        continue;
      }
      entries++;
      try {
        bytes += readAll(e, display(key)).length;
      } catch (FsException ex) {
        failures.put(display(key), ex.getMessage());
      }
    }
    return new VerifyReport(at, entries, bytes, failures);
  }

  // ---------------------------------------------------------------- writing

  /**
   * Largest file stored inside its directory entry: {@link FsOptions#inlineFileBytes()}, or 0 if
   * the directory log predates format version 2 (its readers would not know inline files).
   */
  int inlineFileLimit() {
    return dirHeader.getFormatVersion() >= Records.INLINE_FILES_VERSION ? opts.inlineFileBytes() : 0;
  }

  void requireWritable(String path) throws FsException {
    if (closed) {
      throw new FsException(FsCode.FAILED_PRECONDITION, path, "filesystem is closed");
    }
    if (dirAppender == null) {
      throw new FsException(FsCode.PERMISSION_DENIED, path,
          "read-only: this process does not hold the filesystem's writer key");
    }
    if (writerBroken != null) {
      throw new FsException(FsCode.UNAVAILABLE, path, "writer lost its log server (" + writerBroken
          + "); reopen the filesystem to continue");
    }
  }

  /** A set of staged changes: a user transaction or the implicit one of a single call. */
  final class Txn {
    final long id;
    final boolean auto;
    final long base;
    final long startNanos;
    final TreeMap<String, Entry> overlay = new TreeMap<>();
    final Map<String, Long> baseVersions = new HashMap<>();
    final Set<String> locked = new TreeSet<>();
    final Set<FileWriter> writers = ConcurrentHashMap.newKeySet();
    boolean done;

    Txn(long id, boolean auto) {
      this.id = id;
      this.auto = auto;
      this.base = index.head();
      this.startNanos = nowNanos(opts);
    }

    View view() {
      return new View(base, overlay);
    }

    /** Claims a key for this transaction (FAILED_PRECONDITION if another one holds it). */
    void claim(String key) throws FsException {
      Txn owner = pathLocks.get(key);
      if (owner != null && owner != this) {
        throw new FsException(FsCode.FAILED_PRECONDITION, display(key),
            "path is part of open transaction " + owner.id + "; use its token or end it first");
      }
      baseVersions.computeIfAbsent(key, k -> index.versionOf(k, base));
      if (!auto && owner == null) {
        pathLocks.put(key, this);
        locked.add(key);
      }
    }

    void put(String key, Entry e) throws FsException {
      claim(key);
      overlay.put(key, e);
    }
  }

  interface TxnOp<T> {
    T apply(Txn t) throws FsException;
  }

  /** Runs a mutation in the given transaction, or in its own committed-at-once transaction. */
  <T> T mutate(TransactionToken token, String path, TxnOp<T> op) throws FsException {
    requireWritable(path);
    writeLock.lock();
    try {
      Txn t = token == null ? new Txn(0, true) : txn(token);
      T result = op.apply(t);
      if (t.auto && !t.overlay.isEmpty()) {
        commit(t);
      }
      return result;
    } finally {
      writeLock.unlock();
    }
  }

  Txn txn(TransactionToken token) throws FsException {
    if (token.owner() != this) {
      throw new FsException(FsCode.INVALID_ARGUMENT, String.valueOf(token.id()), "token of another filesystem");
    }
    Txn t = txns.get(token.id());
    if (t == null) {
      throw new FsException(FsCode.NOT_FOUND, String.valueOf(token.id()), "no open transaction " + token.id());
    }
    return t;
  }

  /** Appends the transaction's changes as one commit (or a run of parts) and applies them. */
  CommitResult commit(Txn t) throws FsException {
    requireWritable("/");
    if (!t.auto) {
      checkConflicts(t);
    }
    if (t.overlay.isEmpty()) {
      return new CommitResult(index.head(), index.commitTime(index.head()), List.of());
    }
    long txnId;
    synchronized (replayLock) {
      txnId = nextTxnId++;
    }
    long nanos = Math.max(nowNanos(opts), index.commitTime(index.head()));
    List<ByteBuffer> parts = new ArrayList<>();
    DirectoryCommit.Builder cur = DirectoryCommit.newBuilder().setTxnId(txnId).setPart(0)
        .setCommitUnixNanos(nanos);
    int curSize = 0;
    List<String> paths = new ArrayList<>();
    for (Map.Entry<String, Entry> e : t.overlay.entrySet()) {
      String key = e.getKey();
      paths.add(display(key));
      Change.Builder ch = Change.newBuilder();
      if (key.startsWith("#")) {
        ch.setNamespace(Namespace.KV).setPath(key.substring(1));
      } else {
        ch.setNamespace(Namespace.FS).setPath(key.substring(1));
      }
      if (e.getValue() == null) {
        ch.setDelete(Tombstone.getDefaultInstance());
      } else {
        ch.setPut(e.getValue().toProto());
      }
      Change c = ch.build();
      int sz = c.getSerializedSize() + 8;
      if (curSize > 0 && curSize + sz > MAX_COMMIT_PART_BYTES) {
        parts.add(ByteBuffer.wrap(FsRecord.newBuilder().setCommit(cur).build().toByteArray()));
        cur = DirectoryCommit.newBuilder().setTxnId(txnId).setPart(parts.size()).setCommitUnixNanos(nanos);
        curSize = 0;
      }
      cur.addChanges(c);
      curSize += sz;
    }
    cur.setLast(true);
    parts.add(ByteBuffer.wrap(FsRecord.newBuilder().setCommit(cur).build().toByteArray()));
    List<Long> recnos;
    synchronized (replayLock) {
      try {
        recnos = dirAppender.appendBatch(parts).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        writerBroken = "interrupted during commit";
        throw new FsException(FsCode.CANCELLED, "/", "interrupted; commit outcome unknown", e);
      } catch (ExecutionException e) {
        writerBroken = String.valueOf(e.getCause().getMessage());
        FsException fe = translate(e.getCause(), "/");
        throw new FsException(fe.code() == FsCode.PERMISSION_DENIED ? FsCode.PERMISSION_DENIED : FsCode.UNAVAILABLE,
            "/", "commit failed, its outcome is unknown until the filesystem is reopened: " + fe.getMessage(), fe);
      }
      long last = recnos.get(recnos.size() - 1);
      if (last != replayedUpTo + parts.size()) {
        // someone else appended to our directory log: we are not the single writer any more
        writerBroken = "directory log has records this writer did not append";
        throw new FsException(FsCode.ABORTED, "/", "directory log was appended to by another writer");
      }
      replayedUpTo = last;
      index.apply(last, nanos, t.overlay);
      pending = null;
      return new CommitResult(last, nanos, paths);
    }
  }

  private void checkConflicts(Txn t) throws FsException {
    long head = index.head();
    for (Map.Entry<String, Long> e : t.baseVersions.entrySet()) {
      long now = index.versionOf(e.getKey(), head);
      if (now != e.getValue()) {
        throw new TransactionConflictException(display(e.getKey()),
            "changed by commit " + now + " after transaction " + t.id + " started at " + t.base);
      }
    }
    View merged = new View(head, t.overlay);
    for (Map.Entry<String, Entry> e : t.overlay.entrySet()) {
      String key = e.getKey();
      if (key.startsWith("#")) {
        continue;
      }
      if (e.getValue() == null) {
        // a directory this transaction removes must not have gained children meanwhile
        if (!merged.childNames(key, 1).isEmpty()) {
          throw new TransactionConflictException(display(key), "directory removed by transaction " + t.id
              + " got new entries after it started");
        }
        continue;
      }
      String parent = FsPaths.dirname(key);
      Entry p = merged.get(parent);
      if (p == null || !p.isDir()) {
        throw new TransactionConflictException(display(key), "parent directory " + parent
            + " no longer exists at commit time");
      }
    }
  }

  static String display(String key) {
    return key.startsWith("#") ? "kv:" + key.substring(1) : key;
  }

  // ---------------------------------------------------------------- mutations (in a Txn)

  void deleteFile(Txn t, String path) throws FsException {
    View v = t.view();
    Entry e = lookup(v, path);
    if (e.isDir()) {
      throw new FsException(FsCode.FAILED_PRECONDITION, path, "is a directory; use deleteDir");
    }
    t.put(path, null);
  }

  void createDir(Txn t, String path) throws FsException {
    View v = t.view();
    checkParents(v, path);
    if (v.get(path) != null) {
      throw new FsException(FsCode.ALREADY_EXISTS, path, "already exists");
    }
    t.put(path, Entry.dir(nowNanos(opts)));
  }

  void recursivelyCreateDir(Txn t, String path) throws FsException {
    View v = t.view();
    if (path.equals("/")) {
      return;
    }
    int i = 0;
    while (true) {
      i = path.indexOf('/', i + 1);
      String anc = i < 0 ? path : path.substring(0, i);
      Entry e = v.get(anc);
      if (e == null) {
        t.put(anc, Entry.dir(nowNanos(opts)));
      } else if (!e.isDir()) {
        throw new FsException(FsCode.FAILED_PRECONDITION, path, anc + " is a file, not a directory");
      }
      if (i < 0) {
        return;
      }
    }
  }

  void deleteDir(Txn t, String path) throws FsException {
    View v = t.view();
    Entry e = lookup(v, path);
    if (!e.isDir()) {
      throw new FsException(FsCode.FAILED_PRECONDITION, path, "not a directory");
    }
    if (path.equals("/")) {
      throw new FsException(FsCode.FAILED_PRECONDITION, path, "the root directory cannot be deleted");
    }
    if (!v.childNames(path, 1).isEmpty()) {
      throw new FsException(FsCode.FAILED_PRECONDITION, path, "directory not empty");
    }
    t.put(path, null);
  }

  DeleteResult deleteRecursively(Txn t, String path) throws FsException {
    View v = t.view();
    checkParents(v, path);
    Entry e = v.get(path);
    if (e == null) {
      throw new FsException(FsCode.NOT_FOUND, path, "no such file or directory");
    }
    if (!e.isDir()) {
      t.put(path, null);
      return new DeleteResult(0, 0);
    }
    for (String d : v.descendants(path)) {
      t.put(d, null);
    }
    if (!path.equals("/")) {
      t.put(path, null);
    }
    return new DeleteResult(0, 0);
  }

  void rename(Txn t, String src, String dst) throws FsException {
    View v = t.view();
    Entry s = lookup(v, src);
    checkParents(v, dst);
    if (src.equals(dst)) {
      return;
    }
    if (src.equals("/")) {
      throw new FsException(FsCode.FAILED_PRECONDITION, src, "the root directory cannot be renamed");
    }
    if (s.isDir() && dst.startsWith(src + "/")) {
      throw new FsException(FsCode.FAILED_PRECONDITION, dst, "cannot move a directory into itself");
    }
    Entry d = v.get(dst);
    if (dst.equals("/")) {
      throw new FsException(FsCode.FAILED_PRECONDITION, dst, "target is the root directory");
    }
    if (d != null) {
      if (d.isDir() && !s.isDir()) {
        throw new FsException(FsCode.FAILED_PRECONDITION, dst, "target is a directory");
      }
      if (!d.isDir() && s.isDir()) {
        throw new FsException(FsCode.FAILED_PRECONDITION, dst, "target is a file, source a directory");
      }
      if (d.isDir() && !v.childNames(dst, 1).isEmpty()) {
        throw new FsException(FsCode.FAILED_PRECONDITION, dst, "target directory not empty");
      }
    }
    if (s.isDir()) {
      for (String k : v.descendants(src)) {
        Entry ke = v.get(k);
        t.put(k, null);
        t.put(dst + k.substring(src.length()), ke);
      }
    }
    t.put(src, null);
    t.put(dst, s);
  }

  void copy(Txn t, String src, String dst) throws FsException {
    View v = t.view();
    Entry s = lookupFile(v, src);
    checkParents(v, dst);
    Entry d = v.get(dst);
    if (d != null && d.isDir()) {
      throw new FsException(FsCode.FAILED_PRECONDITION, dst, "target is a directory");
    }
    if (src.equals(dst)) {
      return;
    }
    t.put(dst, s.withMtime(nowNanos(opts)));
  }

  /** Checks that a file may be written at {@code path} in {@code t}'s view. */
  void checkWritableTarget(Txn t, String path) throws FsException {
    View v = t.view();
    checkParents(v, path);
    if (path.equals("/")) {
      throw new FsException(FsCode.FAILED_PRECONDITION, path, "is a directory");
    }
    Entry e = v.get(path);
    if (e != null && e.isDir()) {
      throw new FsException(FsCode.FAILED_PRECONDITION, path, "is a directory");
    }
    t.claim(path);
  }

  // ---------------------------------------------------------------- transactions

  TransactionToken startTransaction() throws FsException {
    requireWritable("/");
    writeLock.lock();
    try {
      long id = tokenIds.incrementAndGet();
      Txn t = new Txn(id, false);
      txns.put(id, t);
      return new TransactionToken(id, this);
    } finally {
      writeLock.unlock();
    }
  }

  void addToTransaction(String path, TransactionToken token) throws FsException {
    writeLock.lock();
    try {
      txn(token).claim(path);
    } finally {
      writeLock.unlock();
    }
  }

  TransactionToken getTransactionForPath(String path) throws FsException {
    writeLock.lock();
    try {
      Txn t = pathLocks.get(path);
      if (t == null) {
        throw new FsException(FsCode.NOT_FOUND, path, "path is not part of any open transaction");
      }
      return new TransactionToken(t.id, this);
    } finally {
      writeLock.unlock();
    }
  }

  TransactionToken getTokenOrStartTransaction(String path) throws FsException {
    writeLock.lock();
    try {
      Txn t = pathLocks.get(path);
      if (t != null) {
        return new TransactionToken(t.id, this);
      }
      TransactionToken tok = startTransaction();
      txn(tok).claim(path);
      return tok;
    } finally {
      writeLock.unlock();
    }
  }

  String decodeTransaction(TransactionToken token) throws FsException {
    writeLock.lock();
    try {
      Txn t = txn(token);
      return "transaction " + t.id + " of filesystem " + root.printable() + ": snapshot " + t.base
          + ", " + t.overlay.size() + " staged change(s), " + t.writers.size() + " open file(s), paths "
          + t.locked.stream().map(FsCore::display).toList();
    } finally {
      writeLock.unlock();
    }
  }

  CommitResult endTransaction(TransactionToken token) throws FsException {
    requireWritable("/");
    writeLock.lock();
    try {
      Txn t = txn(token);
      try {
        for (FileWriter w : List.copyOf(t.writers)) {
          w.close(); // stages the file into t
        }
        return commit(t);
      } finally {
        finish(t);
      }
    } finally {
      writeLock.unlock();
    }
  }

  void abortTransaction(TransactionToken token) throws FsException {
    writeLock.lock();
    try {
      Txn t = txn(token);
      for (FileWriter w : List.copyOf(t.writers)) {
        w.abandon();
      }
      finish(t);
    } finally {
      writeLock.unlock();
    }
  }

  private void finish(Txn t) {
    t.done = true;
    txns.remove(t.id);
    for (String k : t.locked) {
      pathLocks.remove(k, t);
    }
  }

  // ---------------------------------------------------------------- helpers

  static long nowNanos(FsOptions o) {
    java.time.Instant now = o.clock().instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  static byte[] sha256(byte[] data) {
    return newSha256().digest(data);
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits for a port future, translating its failure. */
  static <T> T await(CompletableFuture<T> f, String path) throws FsException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FsException(FsCode.CANCELLED, path, "interrupted", e);
    } catch (ExecutionException e) {
      throw translate(e.getCause(), path);
    }
  }

  static FsException translate(Throwable t, String path) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof FsException fe) {
      return fe;
    }
    if (t instanceof LogStoreException le) {
      return switch (le.kind()) {
        case NOT_FOUND -> new FsException(FsCode.NOT_FOUND, path, le.getMessage(), le);
        case INTEGRITY -> new IntegrityException(path, le.getMessage(), le);
        case PERMISSION -> new FsException(FsCode.PERMISSION_DENIED, path, le.getMessage(), le);
        case OUT_OF_RANGE -> new IntegrityException(path, "missing record: " + le.getMessage(), le);
        case UNAVAILABLE -> new FsException(FsCode.UNAVAILABLE, path, le.getMessage(), le);
        case OTHER -> new FsException(FsCode.INTERNAL, path, le.getMessage(), le);
      };
    }
    return new FsException(FsCode.INTERNAL, path, String.valueOf(t), t);
  }

  boolean isWritable() {
    return dirAppender != null && writerBroken == null && !closed;
  }

  boolean isClosed() {
    return closed;
  }

  List<Long> openTransactionIds() {
    writeLock.lock();
    try {
      return new ArrayList<>(txns.keySet());
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    List<Throwable> errors = new ArrayList<>();
    writeLock.lock();
    try {
      for (Txn t : List.copyOf(txns.values())) {
        try {
          abortTransaction(new TransactionToken(t.id, this));
        } catch (FsException e) {
          errors.add(e);
        }
      }
      for (AutoCloseable h : List.copyOf(openHandles)) {
        try {
          h.close();
        } catch (Exception e) {
          errors.add(e);
        }
      }
      closed = true;
    } finally {
      writeLock.unlock();
    }
    for (FileLog fl : fileLogs.values()) {
      fl.source.close();
    }
    fileLogs.clear();
    dirSource.close();
    if (dirAppender != null) {
      dirAppender.close();
    }
    if (ownsStore) {
      store.close();
    }
    if (!errors.isEmpty()) {
      IllegalStateException e = new IllegalStateException("errors while closing open files", errors.get(0));
      errors.stream().skip(1).forEach(e::addSuppressed);
      throw e;
    }
  }

  LogHeader dirHeader() {
    return dirHeader;
  }

  static <T> List<T> unmodifiable(List<T> l) {
    return Collections.unmodifiableList(l);
  }
}
