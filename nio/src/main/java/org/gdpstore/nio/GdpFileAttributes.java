package org.gdpstore.nio;

import java.nio.file.attribute.BasicFileAttributes;

/**
 * Attributes of the {@code gdp} view: basic attributes plus what the signed directory log says
 * about the path. Read with {@code Files.readAttributes(path, GdpFileAttributes.class)} or
 * {@code Files.readAttributes(path, "gdp:*")} (names: {@code recno}, {@code sha256},
 * {@code signer}, {@code fileLog}, {@code inline}, and the basic ones).
 */
public interface GdpFileAttributes extends BasicFileAttributes {
  /** Directory record number of the commit that wrote this version (0 if staged in a transaction, or the root). */
  long recno();

  /** Lower-case hex SHA-256 of the content ("" for a directory). */
  String sha256();

  /** Lower-case hex Ed25519 public key of the filesystem's single writer, which signed the entry. */
  String signer();

  /** Printable name of the file log holding the content, or null (directory, inline file). */
  String fileLog();

  /** Whether the content is stored inside the directory entry (a small file). */
  boolean isInline();
}
