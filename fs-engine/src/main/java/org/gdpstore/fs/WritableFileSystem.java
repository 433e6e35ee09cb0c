package org.gdpstore.fs;

/**
 * TensorFlow's FileSystem method set: {@link ReadableFileSystem} plus the writes. Implemented by
 * {@link GdpFileSystem} (every call is its own atomic commit) and {@link Transaction} (calls are
 * staged and commit together). Writes need the filesystem's writer key (else PERMISSION_DENIED).
 */
public interface WritableFileSystem extends ReadableFileSystem {
  /** A new, empty file replacing any existing one when closed. */
  WritableFile newWritableFile(String path) throws FsException;

  /** Continues an existing file, or creates it. */
  WritableFile newAppendableFile(String path) throws FsException;

  void deleteFile(String path) throws FsException;

  /** ALREADY_EXISTS if the path exists; NOT_FOUND if the parent does not. */
  void createDir(String path) throws FsException;

  /** Creates the directory and missing parents; OK if it exists. */
  void recursivelyCreateDir(String path) throws FsException;

  /** FAILED_PRECONDITION if not empty. */
  void deleteDir(String path) throws FsException;

  /**
   * Deletes a directory tree (or a file) in one commit. A missing path throws a
   * {@link DeleteIncompleteException} (NOT_FOUND) with TensorFlow's counts: 0 files, 1 directory.
   */
  DeleteResult deleteRecursively(String path) throws FsException;

  /**
   * TensorFlow's RenameFile: atomic rename of a file (also one being written), replacing a target
   * file; FAILED_PRECONDITION if the source or the target is a directory.
   */
  void renameFile(String src, String target) throws FsException;

  /**
   * Atomic move of a file or a whole directory tree in one commit, replacing a target file (for a
   * file) or an empty directory (for a directory). Not a TensorFlow call.
   */
  void renamePath(String src, String target) throws FsException;

  /** Copies a file (shares the immutable content log; O(1)). */
  void copyFile(String src, String target) throws FsException;

  /** Always true: a rename is one directory record. */
  boolean hasAtomicMove(String path) throws FsException;

  boolean canCreateTempFile(String path) throws FsException;

  /** Convenience: writes a whole file (replacing it). */
  void writeFile(String path, byte[] content) throws FsException;
}
