package org.gdpstore.fs;

import java.time.Instant;
import java.util.Objects;

/**
 * One change of a path in the filesystem's history ({@link GdpFileSystem#history}): the directory
 * record that made it visible, the commit time (writer's clock), what happened, the entry it left
 * (size and content SHA-256 of a file; nothing for a directory or a delete), and the directory
 * record as read back: its record hash, the writer key it is signed with and whether its signature
 * was checked. Immutable.
 *
 * @param recno the directory record number of the commit (its last record for a multi-record one)
 * @param commitNanos the commit time, nanoseconds since the Unix epoch
 * @param path the path, or {@code kv:<key>} for a key-value key
 * @param kind created, modified or deleted
 * @param directory whether the entry is (or, for a delete, was last) a directory
 * @param size content length in bytes (0 for directories and deletes)
 * @param sha256 lowercase hex SHA-256 of the content ({@code ""} for directories and deletes)
 * @param signer lowercase hex raw public key of the filesystem's writer ({@code ""} if the log names none)
 * @param recordHash lowercase hex hash of the directory record, as signed ({@code ""} if unknown)
 * @param verified whether the directory record's signature was checked and matched
 */
public record PathChange(long recno, long commitNanos, String path, Kind kind, boolean directory,
    long size, String sha256, String signer, String recordHash, boolean verified) {
  /** What a commit did to the path. */
  public enum Kind { CREATED, MODIFIED, DELETED }

  public PathChange {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(signer, "signer");
    Objects.requireNonNull(recordHash, "recordHash");
  }

  /** The commit time as an instant. */
  public Instant time() {
    return Instant.ofEpochSecond(0, commitNanos);
  }
}
