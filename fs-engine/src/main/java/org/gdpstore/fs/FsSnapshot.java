package org.gdpstore.fs;

import java.util.List;
import java.util.Optional;
import org.gdpstore.fs.internal.FsEngine;
import org.gdpstore.fs.internal.ReadCalls;

/**
 * A read-only view of a filesystem pinned at one directory record number: every read comes from
 * the state made visible by that commit, whatever is committed later. Obtained from
 * {@link GdpFileSystem#snapshot()}, {@link GdpFileSystem#at(long)} or
 * {@link GdpFileSystem#at(java.time.Instant)}. Thread-safe; holds no resources.
 */
public final class FsSnapshot implements ReadableFileSystem {
  private final FsEngine engine;
  private final long recno;
  private final ReadCalls calls;

  FsSnapshot(FsEngine engine, long recno) {
    this.engine = engine;
    this.recno = recno;
    this.calls = ReadCalls.atSnapshot(engine, recno);
  }

  /** The directory record number this snapshot is pinned at. */
  public long recno() {
    return recno;
  }

  /** The value of a key-value key in this snapshot. */
  public Optional<byte[]> kvGet(String key) throws FsException {
    return KeyValueStore.get(engine, recno, key);
  }

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

  /**
   * Kind, size, the directory record of the last change, content SHA-256 and signer of
   * {@code path} in this snapshot; answered from memory, no log is read.
   */
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
  public String toString() {
    return "FsSnapshot[" + engine.root().printable() + "@" + recno + "]";
  }
}
