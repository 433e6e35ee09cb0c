package org.gdpstore.fs;

/**
 * A read-only view of a filesystem pinned at one directory record number: every read comes from
 * the state made visible by that commit, whatever is committed later. Obtained from
 * {@link GdpFileSystem#snapshot()}, {@link GdpFileSystem#at(long)} or
 * {@link GdpFileSystem#at(java.time.Instant)}. Thread-safe; holds no resources.
 */
public final class FsSnapshot extends ViewOps {
  private final long recno;

  FsSnapshot(FsCore core, long recno) {
    super(core);
    this.recno = recno;
  }

  /** The directory record number this snapshot is pinned at. */
  public long recno() {
    return recno;
  }

  /** The value of a key-value key in this snapshot. */
  public java.util.Optional<byte[]> kvGet(String key) throws FsException {
    return KeyValueStore.get(core, core.new View(recno, null), key);
  }

  @Override
  <T> T withView(ViewFn<T> fn) throws FsException {
    return fn.apply(core.new View(recno, null));
  }

  @Override
  public String toString() {
    return "FsSnapshot[" + core.root.printable() + "@" + recno + "]";
  }
}
