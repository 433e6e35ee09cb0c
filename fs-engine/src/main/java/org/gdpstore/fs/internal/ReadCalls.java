package org.gdpstore.fs.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.gdpstore.fs.EntryInfo;
import org.gdpstore.fs.FileStatistics;
import org.gdpstore.fs.FsCode;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.GdpRandomAccessFile;
import org.gdpstore.fs.ReadOnlyMemoryRegion;
import org.gdpstore.fs.ReadableFileSystem;

/**
 * TensorFlow's read methods over one kind of view: the newest commit, a pinned snapshot, or an
 * open transaction (its snapshot plus its changes, read under the transactions' lock). The API
 * types delegate to it. Thread-safe.
 */
public class ReadCalls implements ReadableFileSystem {
  final FsEngine engine;
  /** The snapshot read, or -1 for the newest commit at each call. */
  private final long pinnedAt;
  /** The transaction whose view is read, or 0. */
  final long txnId;
  /** The index read: the engine's, or one loaded for a snapshot older than its base. */
  private final NamespaceIndex index;

  ReadCalls(FsEngine engine, long pinnedAt, long txnId) {
    this(engine, engine.index(), pinnedAt, txnId);
  }

  private ReadCalls(FsEngine engine, NamespaceIndex index, long pinnedAt, long txnId) {
    this.engine = engine;
    this.index = index;
    this.pinnedAt = pinnedAt;
    this.txnId = txnId;
  }

  /** TensorFlow's read calls on the snapshot at directory record {@code recno} of {@code index}. */
  public static ReadCalls atSnapshot(FsEngine engine, NamespaceIndex index, long recno) {
    return new ReadCalls(engine, index, recno, 0);
  }

  /** Runs {@code op} on this object's view. */
  <T> T withView(Transactions.ViewOp<T> op) throws FsException {
    if (txnId != 0) {
      return engine.transactions().read(txnId, op);
    }
    if (pinnedAt >= 0) {
      return op.apply(new View(index, pinnedAt, null));
    }
    return op.apply(new View(index, index.head(), null, engine.transactions().pending().of(0)));
  }

  @Override
  public GdpRandomAccessFile newRandomAccessFile(String path) throws FsException {
    String p = engine.path(path);
    DirEntry e = withView(v -> PathChecks.lookupFile(v, p));
    return new FileVersionReader(engine.content(), p, e);
  }

  @Override
  public ReadOnlyMemoryRegion newReadOnlyMemoryRegionFromFile(String path) throws FsException {
    String p = engine.path(path);
    DirEntry e = withView(v -> PathChecks.lookupFile(v, p));
    if (e.size == 0) {
      throw new FsException(FsCode.INVALID_ARGUMENT, p, "cannot map an empty file");
    }
    byte[] data = engine.content().readAll(e, p);
    return new ReadOnlyMemoryRegion() {
      @Override
      public ByteBuffer data() {
        return ByteBuffer.wrap(data).asReadOnlyBuffer();
      }

      @Override
      public long length() {
        return data.length;
      }
    };
  }

  @Override
  public void fileExists(String path) throws FsException {
    String p = engine.path(path);
    withView(v -> PathChecks.lookup(v, p));
  }

  @Override
  public boolean exists(String path) {
    try {
      fileExists(path);
      return true;
    } catch (FsException e) {
      return false;
    }
  }

  @Override
  public List<FsCode> filesExist(List<String> paths) {
    List<FsCode> out = new ArrayList<>(paths.size());
    for (String p : paths) {
      try {
        fileExists(p);
        out.add(FsCode.OK);
      } catch (FsException e) {
        out.add(e.code());
      }
    }
    return out;
  }

  @Override
  public List<String> getChildren(String dir) throws FsException {
    String p = engine.path(dir);
    return withView(v -> {
      DirEntry e = PathChecks.lookup(v, p);
      if (!e.isDir()) {
        throw new FsException(FsCode.FAILED_PRECONDITION, p, "not a directory");
      }
      return new ArrayList<>(v.childNames(p, Integer.MAX_VALUE));
    });
  }

  @Override
  public List<String> getMatchingPaths(String pattern) throws FsException {
    return withView(v -> GlobSearch.matchingPaths(v, pattern));
  }

  @Override
  public FileStatistics stat(String path) throws FsException {
    String p = engine.path(path);
    DirEntry e = withView(v -> PathChecks.lookup(v, p));
    return new FileStatistics(e.isDir() ? 0 : e.size, e.mtimeNanos, e.isDir());
  }

  @Override
  public EntryInfo entryInfo(String path) throws FsException {
    String p = engine.path(path);
    return withView(v -> {
      DirEntry e = PathChecks.lookup(v, p);
      long changedAt = p.equals("/") ? 0 : v.commitOf(EntryKey.path(p));
      HexFormat hex = HexFormat.of();
      return new EntryInfo(p, e.isDir(), e.isDir() ? 0 : e.size, e.mtimeNanos, changedAt,
          e.isDir() ? "" : hex.formatHex(e.sha256()), e.isDir() ? null : e.log,
          hex.formatHex(engine.directoryLog().writerKey()));
    });
  }

  @Override
  public long getFileSize(String path) throws FsException {
    String p = engine.path(path);
    return withView(v -> PathChecks.lookupFile(v, p)).size;
  }

  @Override
  public void isDirectory(String path) throws FsException {
    String p = engine.path(path);
    DirEntry e = withView(v -> PathChecks.lookup(v, p));
    if (!e.isDir()) {
      throw new FsException(FsCode.FAILED_PRECONDITION, p, "not a directory");
    }
  }

  @Override
  public byte[] readFile(String path) throws FsException {
    String p = engine.path(path);
    DirEntry e = withView(v -> PathChecks.lookupFile(v, p));
    return engine.content().readAll(e, p);
  }
}
