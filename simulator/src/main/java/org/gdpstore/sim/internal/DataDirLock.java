package org.gdpstore.sim.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.BiFunction;

/**
 * The exclusive hold of one simulator on a data directory: an OS file lock on {@code <dir>/LOCK},
 * which holds the holder's pid for the message a second simulator prints. The OS drops the lock
 * when the process dies, so a stale file never blocks; the file itself is left in place.
 */
public final class DataDirLock implements Closeable {
  static final String FILE = "LOCK";
  private final FileChannel ch;
  private final FileLock lock;

  private DataDirLock(FileChannel ch, FileLock lock) {
    this.ch = ch;
    this.lock = lock;
  }

  /**
   * Takes the lock (creating the directory if needed).
   *
   * @param whenHeld the exception to throw, given the directory and the holder's pid (0 if unknown),
   *     if another process or simulator holds it (the API's exception: this package does not know it)
   */
  public static DataDirLock acquire(Path dir, BiFunction<Path, Long, ? extends RuntimeException> whenHeld)
      throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(FILE);
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // another simulator in this JVM holds it
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    if (lock == null) {
      long pid = readPid(ch);
      ch.close();
      throw whenHeld.apply(dir, pid);
    }
    try {
      ch.truncate(0);
      ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
      ch.force(true);
    } catch (IOException e) {
      lock.release();
      ch.close();
      throw e;
    }
    return new DataDirLock(ch, lock);
  }

  private static long readPid(FileChannel ch) {
    try {
      ByteBuffer b = ByteBuffer.allocate(32);
      ch.read(b, 0);
      return Long.parseLong(new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim());
    } catch (IOException | NumberFormatException e) {
      return -1; // the holder has not written its pid yet
    }
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      ch.close();
    }
  }
}
