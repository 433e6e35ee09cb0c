package org.gdpstore.fs;

import org.gdpstore.wire.GdpName;

/**
 * What the directory says about one path: kind, length, modification time (writer's clock, ns),
 * the content's SHA-256 (empty for a directory), the file log holding the content (null for a
 * directory or an inline file) and the directory record number of the commit that wrote this
 * version (0 if not committed yet: a change staged in a transaction). For tools (the NIO
 * provider's {@code gdp} attribute view, fsck-like listings).
 */
public record EntryInfo(boolean isDirectory, long size, long mtimeNanos, byte[] sha256,
    GdpName fileLog, long recno) {
  public EntryInfo {
    sha256 = sha256.clone();
  }

  @Override
  public byte[] sha256() {
    return sha256.clone();
  }
}
