package org.gdpstore.fs;

import java.util.List;
import org.gdpstore.fs.internal.WriteCalls;

/**
 * One open transaction as a filesystem view (TensorFlow's WrappedFileSystem bound to a token):
 * every call stages its changes, reads see the transaction's snapshot plus its own changes, and
 * {@link #commit()} makes all of them visible with one directory record, or none of them. Paths
 * the transaction touches are held by it: other calls on them fail with FAILED_PRECONDITION
 * until it ends. {@link #close()} aborts unless committed, so try-with-resources gives
 * all-or-nothing. Thread-safe (calls are serialized with the filesystem's writer).
 */
public final class Transaction implements WritableFileSystem, AutoCloseable {
  private final GdpFileSystem fs;
  private final TransactionToken token;
  private final WriteCalls calls;
  private volatile boolean ended;

  Transaction(GdpFileSystem fs, TransactionToken token, WriteCalls calls) {
    this.fs = fs;
    this.token = token;
    this.calls = calls;
  }

  /** The TensorFlow token of this transaction. */
  public TransactionToken token() {
    return token;
  }

  /** Closes open files, commits, and returns the directory record that made it visible. */
  public CommitResult commit() throws FsException {
    ended = true;
    return fs.endTransaction(token);
  }

  /** Discards every staged change and open file; nothing becomes visible. */
  public void abort() throws FsException {
    ended = true;
    fs.abortTransaction(token);
  }

  /** Aborts the transaction unless it was committed or aborted. Idempotent. */
  @Override
  public void close() throws FsException {
    if (!ended) {
      abort();
    }
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
  public String toString() {
    return "Transaction[" + token.id() + "]";
  }
}
