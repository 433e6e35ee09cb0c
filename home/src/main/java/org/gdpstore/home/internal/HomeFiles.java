package org.gdpstore.home.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Race-free files in the gdpstore home: an inter-process lock, and write-then-rename with fsync
 * of the file and its directory, from a temporary file with a unique name.
 */
public final class HomeFiles {
  private HomeFiles() {}

  /** An action on home files. */
  @FunctionalInterface
  public interface IoAction<T> {
    T run() throws IOException;
  }

  /** File locks belong to the JVM, not the thread: threads of one JVM queue here first. */
  private static final Object JVM_LOCK = new Object();

  /** Runs {@code action} holding an exclusive lock on {@code lockFile} (waits for other processes). */
  public static <T> T locked(Path lockFile, IoAction<T> action) throws IOException {
    synchronized (JVM_LOCK) {
      try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = ch.lock()) {
        return action.run();
      }
    }
  }

  /**
   * Writes {@code content} to {@code target} all at once: a reader sees the old file or the new
   * one, and after a crash there is one of the two, never a torn file.
   *
   * @param secret create the file owner read/write only from its first byte
   * @param replace replace an existing {@code target}; if false and it exists,
   *     {@link FileAlreadyExistsException} (create-new, atomic even between processes)
   */
  public static void write(Path target, byte[] content, boolean secret, boolean replace) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = createTemp(dir, "." + target.getFileName() + ".", secret);
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.wrap(content);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      if (replace) {
        try {
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } else {
        createNew(tmp, target);
      }
      syncDirectory(dir);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** A hard link fails if the target exists: no window in which another file could be replaced. */
  private static void createNew(Path tmp, Path target) throws IOException {
    try {
      Files.createLink(target, tmp);
    } catch (UnsupportedOperationException e) {
      // no hard links here: the callers hold the home lock, so check-then-move is still safe among gdpfs processes
      if (Files.exists(target)) {
        throw new FileAlreadyExistsException(target.toString());
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  private static Path createTemp(Path dir, String prefix, boolean secret) throws IOException {
    try {
      return secret
          ? Files.createTempFile(dir, prefix, ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
          : Files.createTempFile(dir, prefix, ".tmp");
    } catch (UnsupportedOperationException e) {
      return Files.createTempFile(dir, prefix, ".tmp"); // not a POSIX file system: best effort
    }
  }

  /** Makes a rename in {@code dir} durable (where the platform allows opening a directory). */
  public static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // some platforms cannot open or sync a directory; the file itself is synced
    }
  }

  /** Creates {@code dir} (and its parents) owner-only if it does not exist. */
  public static void createPrivateDir(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (UnsupportedOperationException e) {
      Files.createDirectory(dir); // not a POSIX file system: best effort
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw e;
      }
    }
  }
}
