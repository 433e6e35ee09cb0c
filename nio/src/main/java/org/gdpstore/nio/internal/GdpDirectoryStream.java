package org.gdpstore.nio.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The entries of one directory as of the moment it was opened (one consistent snapshot), in name
 * order, through the caller's filter.
 */
final class GdpDirectoryStream implements DirectoryStream<Path> {
  private final GdpPath dir;
  private final List<String> names;
  private final Filter<? super Path> filter;
  private volatile boolean closed;
  private boolean iterated;

  GdpDirectoryStream(GdpPath dir, List<String> names, Filter<? super Path> filter) {
    this.dir = dir;
    this.names = names;
    this.filter = filter;
  }

  @Override
  public synchronized Iterator<Path> iterator() {
    if (closed) {
      throw new IllegalStateException("directory stream is closed");
    }
    if (iterated) {
      throw new IllegalStateException("iterator() was called already");
    }
    iterated = true;
    return new Iterator<>() {
      private int i;
      private Path next;

      @Override
      public boolean hasNext() {
        while (next == null && !closed && i < names.size()) {
          Path p = dir.child(names.get(i++));
          try {
            if (filter == null || filter.accept(p)) {
              next = p;
            }
          } catch (IOException e) {
            throw new DirectoryIteratorException(e);
          } catch (UncheckedIOException e) {
            throw new DirectoryIteratorException(e.getCause());
          }
        }
        return next != null;
      }

      @Override
      public Path next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Path p = next;
        next = null;
        return p;
      }
    };
  }

  @Override
  public void close() {
    closed = true;
  }
}
