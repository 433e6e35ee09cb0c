package org.gdpstore.fs;

import java.util.List;

/**
 * The read half of TensorFlow's FileSystem method set, shared by the live filesystem, snapshots
 * and transactions. Paths follow {@link FsPaths}. Every method is thread-safe. Failures are
 * {@link FsException}s carrying TensorFlow's status codes (see docs/fs-engine.md for the table).
 */
public interface ReadableFileSystem {
  GdpRandomAccessFile newRandomAccessFile(String path) throws FsException;

  /** The whole file in memory; INVALID_ARGUMENT for an empty file. */
  ReadOnlyMemoryRegion newReadOnlyMemoryRegionFromFile(String path) throws FsException;

  /** TensorFlow's FileExists: returns if the path exists, else throws NOT_FOUND (or
   * FAILED_PRECONDITION when a parent is a file). */
  void fileExists(String path) throws FsException;

  /** Convenience: whether the path names a file or directory (false for any error). */
  boolean exists(String path);

  /** One status per path: OK, NOT_FOUND, FAILED_PRECONDITION or INVALID_ARGUMENT. */
  List<FsCode> filesExist(List<String> paths);

  /** Names (not paths) of the entries of a directory, sorted. */
  List<String> getChildren(String dir) throws FsException;

  /** Paths matching a TensorFlow glob pattern, sorted; see {@link GdpFileSystem#match}. */
  List<String> getMatchingPaths(String pattern) throws FsException;

  FileStatistics stat(String path) throws FsException;

  /** The directory's record of a path (content hash, file log, commit); errors as {@link #stat}. */
  EntryInfo entryInfo(String path) throws FsException;

  /** FAILED_PRECONDITION for a directory. */
  long getFileSize(String path) throws FsException;

  /** TensorFlow's IsDirectory: returns for a directory, FAILED_PRECONDITION for a file. */
  void isDirectory(String path) throws FsException;

  /** Convenience: the whole file (verified). */
  byte[] readFile(String path) throws FsException;
}
