package org.gdpstore.nio.internal;

import java.nio.file.FileStore;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileStoreAttributeView;

/**
 * The one store of a gdp filesystem: its directory log. Space is whatever the log servers hold,
 * which a client cannot know: the space figures are {@link Long#MAX_VALUE} (unbounded) for a
 * writable filesystem and 0 usable for a read-only one.
 */
final class GdpFileStore extends FileStore {
  private final GdpNioFileSystem fs;

  GdpFileStore(GdpNioFileSystem fs) {
    this.fs = fs;
  }

  @Override
  public String name() {
    return fs.engine().rootName().printable();
  }

  @Override
  public String type() {
    return "gdp";
  }

  @Override
  public boolean isReadOnly() {
    return !fs.canWrite();
  }

  @Override
  public long getTotalSpace() {
    return Long.MAX_VALUE;
  }

  @Override
  public long getUsableSpace() {
    return fs.canWrite() ? Long.MAX_VALUE : 0;
  }

  @Override
  public long getUnallocatedSpace() {
    return getUsableSpace();
  }

  @Override
  public boolean supportsFileAttributeView(Class<? extends FileAttributeView> type) {
    return type == BasicFileAttributeView.class;
  }

  @Override
  public boolean supportsFileAttributeView(String name) {
    return name.equals("basic") || name.equals("gdp");
  }

  @Override
  public <V extends FileStoreAttributeView> V getFileStoreAttributeView(Class<V> type) {
    return null;
  }

  @Override
  public Object getAttribute(String attribute) {
    throw new UnsupportedOperationException("no file store attribute '" + attribute + "'");
  }

  @Override
  public String toString() {
    return "gdp:" + name();
  }
}
