package org.gdpstore.fs;

import java.util.Objects;
import org.gdpstore.wire.GdpName;

/**
 * What a view knows of one path without reading anything back from the logs
 * ({@link ReadableFileSystem#entryInfo}): kind, size, modification time, the directory record of
 * its last change, content SHA-256, the file log holding the content and the key that signs the
 * filesystem's commits. For listings ({@code gdpfs ls -l}, {@code stat}) and the nio provider's
 * {@code gdp} attribute view. Immutable.
 *
 * @param path the normalized path
 * @param directory whether it is a directory
 * @param size content length in bytes (0 for directories)
 * @param mtimeNanos modification time, nanoseconds since the Unix epoch (writer's clock; 0 if unknown)
 * @param changedAt the directory record number of the commit that last wrote the entry (0 if
 *     never written itself, such as the root, or not committed yet: staged in a transaction or
 *     being written)
 * @param sha256 lowercase hex SHA-256 of the content ({@code ""} for directories)
 * @param fileLog the file log holding the content, or null (a directory or an inline file)
 * @param signer lowercase hex raw public key of the filesystem's writer ({@code ""} if the log names none)
 */
public record EntryInfo(String path, boolean directory, long size, long mtimeNanos, long changedAt,
    String sha256, GdpName fileLog, String signer) {
  public EntryInfo {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(signer, "signer");
  }
}
