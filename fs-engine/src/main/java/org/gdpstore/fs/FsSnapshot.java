package org.gdpstore.fs;

import java.util.List;
import java.util.Optional;
import org.gdpstore.fs.internal.FsEngine;
import org.gdpstore.fs.internal.NamespaceIndex;
import org.gdpstore.fs.internal.ReadCalls;

/**
 * A read-only view of a filesystem pinned at one directory record number: every read comes from
 * the state made visible by that commit, whatever is committed later. Obtained from
 * {@link GdpFileSystem#snapshot()}, {@link GdpFileSystem#at(long)} or
 * {@link GdpFileSystem#at(java.time.Instant)}. Thread-safe; holds no resources. Once a garbage
 * collection moves the retention horizon past it, its reads fail FAILED_PRECONDITION ("older
 * than the retention horizon"); {@link #exists} and {@link #filesExist} still answer from the
 * directory log, which is never collected.
 */
public final class FsSnapshot implements ReadableFileSystem {
  private final FsEngine engine;
  private final long recno;
  private final NamespaceIndex index;
  private final ReadCalls calls;

  FsSnapshot(FsEngine engine, NamespaceIndex index, long recno) {
    this.engine = engine;
    this.index = index;
    this.recno = recno;
    this.calls = ReadCalls.atSnapshot(engine, index, recno);
  }

  /** The directory record number this snapshot is pinned at. */
  public long recno() {
    return recno;
  }

  /** The value of a key-value key in this snapshot. */
  public Optional<byte[]> kvGet(String key) throws FsException {
    return guard(() -> KeyValueStore.get(engine, index, recno, key));
  }

  @Override
  public GdpRandomAccessFile newRandomAccessFile(String path) throws FsException {
    GdpRandomAccessFile f = guard(() -> calls.newRandomAccessFile(path));
    return new GdpRandomAccessFile() { // its reads, too, say when a gc took the snapshot away
      @Override
      public String name() {
        return f.name();
      }

      @Override
      public long length() {
        return f.length();
      }

      @Override
      public int read(long offset, java.nio.ByteBuffer dst) throws FsException {
        return guard(() -> f.read(offset, dst));
      }

      @Override
      public byte[] readFully(long offset, int n) throws FsException {
        return guard(() -> f.readFully(offset, n));
      }

      @Override
      public void close() {
        f.close();
      }
    };
  }

  @Override
  public ReadOnlyMemoryRegion newReadOnlyMemoryRegionFromFile(String path) throws FsException {
    return guard(() -> calls.newReadOnlyMemoryRegionFromFile(path));
  }

  @Override
  public void fileExists(String path) throws FsException {
    guard(() -> {
      calls.fileExists(path);
      return null;
    });
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
    return guard(() -> calls.getChildren(dir));
  }

  @Override
  public List<String> getMatchingPaths(String pattern) throws FsException {
    return guard(() -> calls.getMatchingPaths(pattern));
  }

  @Override
  public FileStatistics stat(String path) throws FsException {
    return guard(() -> calls.stat(path));
  }

  @Override
  public EntryInfo entryInfo(String path) throws FsException {
    return guard(() -> calls.entryInfo(path));
  }

  @Override
  public long getFileSize(String path) throws FsException {
    return guard(() -> calls.getFileSize(path));
  }

  @Override
  public void isDirectory(String path) throws FsException {
    guard(() -> {
      calls.isDirectory(path);
      return null;
    });
  }

  @Override
  public byte[] readFile(String path) throws FsException {
    return guard(() -> calls.readFile(path));
  }
  /** A read of this snapshot. */
  private interface Read<T> {
    T run() throws FsException;
  }

  /**
   * Runs a read of this snapshot: refused if a gc moved the retention horizon past it, and a read
   * that failed because a gc deleted its logs meanwhile says so (never partial data: logs are
   * immutable until deleted, so a read that completes is correct).
   */
  private <T> T guard(Read<T> read) throws FsException {
    engine.requireRetained(recno);
    try {
      return read.run();
    } catch (FsException e) {
      throw engine.explainFailedRead(recno, e);
    }
  }

  @Override
  public String toString() {
    return "FsSnapshot[" + engine.root().printable() + "@" + recno + "]";
  }
}
