package org.gdpstore.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the CLI needs from a gdpstore filesystem: snapshots to read (latest or as of a record
 * number or time), transactions to write, namespace changes, history, verification and key-value
 * pairs. Paths are normalized absolute paths ({@link RemotePath#path()}). Errors are the standard
 * {@code java.nio.file} exceptions ({@code NoSuchFileException}, {@code FileAlreadyExistsException},
 * {@code NotDirectoryException}, {@code DirectoryNotEmptyException}) or a {@link CliException}
 * (key and integrity errors). One thread at a time.
 */
interface RemoteFs extends AutoCloseable {

  /**
   * What the commands show about one path (a file or a directory). {@code hash} is the content SHA-256 (hex) if known, {@code version} the
   * directory record of its last change (0 or less: unknown), {@code signer} the hex public key
   * that signs the filesystem's commits (null: unknown).
   */
  record PathInfo(String path, boolean directory, long size, Instant modified, long version, String hash, String signer) {
    String name() {
      return path.equals("/") ? "/" : path.substring(path.lastIndexOf('/') + 1);
    }
  }

  /** A pinned, consistent view of the filesystem at one directory record. */
  interface Snapshot {
    /** The directory record number this view is pinned to. */
    long recno();

    Optional<PathInfo> find(String path) throws IOException;

    /** The children of a directory, sorted by name. */
    List<PathInfo> list(String dir) throws IOException;

    /** Opens a file for reading (verified). */
    InputStream open(String path) throws IOException;
  }

  /** A set of writes that becomes visible at once on {@link #commit()}, or not at all. */
  interface Txn extends AutoCloseable {
    /** Creates (or replaces) a file; its bytes are written to the returned stream, which must be closed. */
    OutputStream create(String path) throws IOException;

    /** Creates a directory and its missing parents. */
    void mkdirs(String path) throws IOException;

    /** Makes everything visible; returns the directory record number of the commit. */
    long commit() throws IOException;

    /** Without a commit, aborts: nothing becomes visible. */
    @Override
    void close() throws IOException;
  }

  /** One record of history: record number, time, signer, record hash and what it changed. */
  record HistoryEntry(long recno, Instant time, String signer, String hash, String summary) {}

  /** The name of the root directory log (printable). */
  String rootName();

  Snapshot snapshot(At at) throws IOException;

  Txn begin() throws IOException;

  void mkdir(String path, boolean parents) throws IOException;

  void delete(String path, boolean recursive) throws IOException;

  void rename(String from, String to) throws IOException;

  /** The history of {@code path} (the whole filesystem for "/"), oldest first. */
  List<HistoryEntry> history(String path) throws IOException;

  /** The engine's verification of {@code path} (directory records of its commits, its content). */
  org.gdpstore.fs.VerifyReport verify(String path) throws IOException;

  /** Garbage collection (docs/fs-engine.md); back ends without it say so. */
  default org.gdpstore.fs.GcReport gc(org.gdpstore.fs.RetentionPolicy policy, boolean dryRun) throws IOException {
    throw CliException.notAvailable("gc");
  }

  void kvPut(String key, byte[] value) throws IOException;

  Optional<byte[]> kvGet(String key) throws IOException;

  boolean kvDelete(String key) throws IOException;

  /** Keys starting with {@code prefix}, sorted, with their values. */
  List<java.util.Map.Entry<String, byte[]>> kvScan(String prefix) throws IOException;

  @Override
  void close() throws IOException;
}
