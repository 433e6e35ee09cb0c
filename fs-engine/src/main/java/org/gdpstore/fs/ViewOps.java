package org.gdpstore.fs;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.gdpstore.fs.internal.Entry;

/** The read operations over some {@link FsCore.View}; subclasses choose the view. */
abstract class ViewOps implements ReadOps {
  final FsCore core;

  ViewOps(FsCore core) {
    this.core = core;
  }

  interface ViewFn<T> {
    T apply(FsCore.View v) throws FsException;
  }

  /** Runs {@code fn} on this object's view (subclasses may take a lock). */
  abstract <T> T withView(ViewFn<T> fn) throws FsException;

  @Override
  public RandomAccessFile newRandomAccessFile(String path) throws FsException {
    String p = core.path(path);
    Entry e = withView(v -> FsCore.lookupFile(v, p));
    return new FileReader(core, p, e);
  }

  @Override
  public ReadOnlyMemoryRegion newReadOnlyMemoryRegionFromFile(String path) throws FsException {
    String p = core.path(path);
    Entry e = withView(v -> FsCore.lookupFile(v, p));
    if (e.size == 0) {
      throw new FsException(FsCode.INVALID_ARGUMENT, p, "cannot map an empty file");
    }
    byte[] data = core.readAll(e, p);
    return new ReadOnlyMemoryRegion() {
      @Override
      public ByteBuffer data() {
        return ByteBuffer.wrap(data).asReadOnlyBuffer();
      }

      @Override
      public long length() {
        return data.length;
      }
    };
  }

  @Override
  public void fileExists(String path) throws FsException {
    String p = core.path(path);
    withView(v -> FsCore.lookup(v, p));
  }

  @Override
  public boolean exists(String path) {
    try {
      fileExists(path);
      return true;
    } catch (FsException e) {
      return false;
    }
  }

  @Override
  public List<FsCode> filesExist(List<String> paths) {
    List<FsCode> out = new ArrayList<>(paths.size());
    for (String p : paths) {
      try {
        fileExists(p);
        out.add(FsCode.OK);
      } catch (FsException e) {
        out.add(e.code());
      }
    }
    return out;
  }

  @Override
  public List<String> getChildren(String dir) throws FsException {
    String p = core.path(dir);
    return withView(v -> core.getChildren(v, p));
  }

  @Override
  public List<String> getMatchingPaths(String pattern) throws FsException {
    return withView(v -> core.getMatchingPaths(v, pattern));
  }

  @Override
  public FileStatistics stat(String path) throws FsException {
    String p = core.path(path);
    return withView(v -> core.stat(v, p));
  }

  @Override
  public EntryInfo entryInfo(String path) throws FsException {
    String p = core.path(path);
    return withView(v -> {
      Entry e = FsCore.lookup(v, p);
      boolean staged = v.overlay != null && v.overlay.containsKey(p);
      long recno = staged || p.equals("/") ? 0 : core.index.versionOf(p, v.at);
      return new EntryInfo(e.isDir(), e.isDir() ? 0 : e.size, e.mtimeNanos, e.sha256(), e.log, recno);
    });
  }

  @Override
  public long getFileSize(String path) throws FsException {
    String p = core.path(path);
    return withView(v -> FsCore.lookupFile(v, p)).size;
  }

  @Override
  public void isDirectory(String path) throws FsException {
    String p = core.path(path);
    Entry e = withView(v -> FsCore.lookup(v, p));
    if (!e.isDir()) {
      throw new FsException(FsCode.FAILED_PRECONDITION, p, "not a directory");
    }
  }

  @Override
  public byte[] readFile(String path) throws FsException {
    String p = core.path(path);
    Entry e = withView(v -> FsCore.lookupFile(v, p));
    return core.readAll(e, p);
  }
}
