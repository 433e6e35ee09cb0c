package org.gdpstore.fs.internal;

import org.gdpstore.fs.DeleteResult;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.WritableFile;
import org.gdpstore.fs.WritableFileSystem;

/**
 * TensorFlow's whole method set: the reads of {@link ReadCalls} plus the writes, staged in
 * transaction {@code txnId} or (0) each committed on its own. The API types delegate to it.
 * Thread-safe (writes are serialized by the transactions' lock).
 */
public final class WriteCalls extends ReadCalls implements WritableFileSystem {
  private WriteCalls(FsEngine engine, long txnId) {
    super(engine, -1, txnId);
  }

  /** TensorFlow's calls on the newest commit, each write committed on its own. */
  public static WriteCalls atHead(FsEngine engine) {
    return new WriteCalls(engine, 0);
  }

  /** TensorFlow's calls staged in open transaction {@code txnId}. */
  public static WriteCalls inTransaction(FsEngine engine, long txnId) {
    return new WriteCalls(engine, txnId);
  }

  /** A change of one path that returns nothing. */
  private interface PathChange {
    void apply(Txn t, String path) throws FsException;
  }

  /** Runs {@code change} on the normalized {@code path} in this object's transaction. */
  private void change(String path, PathChange change) throws FsException {
    String p = engine.path(path);
    engine.transactions().mutate(txnId, p, t -> {
      change.apply(t, p);
      return null;
    });
  }

  /** A change from one path to another (rename, tree move, copy). */
  private interface TwoPathChange {
    void apply(Txn t, String src, String target) throws FsException;
  }

  /** Runs {@code change} on the normalized paths in this object's transaction (locked by the source). */
  private void change(String src, String target, TwoPathChange change) throws FsException {
    String s = engine.path(src);
    String d = engine.path(target);
    engine.transactions().mutate(txnId, s, t -> {
      change.apply(t, s, d);
      return null;
    });
  }

  private Mutations mutations() {
    return engine.mutations();
  }

  @Override
  public WritableFile newWritableFile(String path) throws FsException {
    String p = engine.path(path);
    return engine.transactions().mutate(txnId, p, t -> {
      mutations().checkWritableTarget(t, p);
      FileVersionWriter w = FileVersionWriter.open(engine.writerContext(), EntryKey.path(p), DirEntry.Kind.FILE,
          txnId, null);
      t.addPending(p, w); // the file exists (empty) in this instance from now on
      return w;
    });
  }

  @Override
  public WritableFile newAppendableFile(String path) throws FsException {
    String p = engine.path(path);
    return engine.transactions().mutate(txnId, p, t -> {
      mutations().checkWritableTarget(t, p);
      FileVersionWriter w = FileVersionWriter.open(engine.writerContext(), EntryKey.path(p), DirEntry.Kind.FILE,
          txnId, t.view().get(p));
      t.addPending(p, w);
      return w;
    });
  }

  @Override
  public void deleteFile(String path) throws FsException {
    change(path, mutations()::deleteFile);
  }

  @Override
  public void createDir(String path) throws FsException {
    change(path, mutations()::createDir);
  }

  @Override
  public void recursivelyCreateDir(String path) throws FsException {
    change(path, mutations()::recursivelyCreateDir);
  }

  @Override
  public void deleteDir(String path) throws FsException {
    change(path, mutations()::deleteDir);
  }

  @Override
  public DeleteResult deleteRecursively(String path) throws FsException {
    String p = engine.path(path);
    return engine.transactions().mutate(txnId, p, t -> mutations().deleteRecursively(t, p));
  }

  @Override
  public void renameFile(String src, String target) throws FsException {
    change(src, target, mutations()::rename);
  }

  @Override
  public void renamePath(String src, String target) throws FsException {
    change(src, target, mutations()::moveTree);
  }

  @Override
  public void copyFile(String src, String target) throws FsException {
    change(src, target, mutations()::copy);
  }

  @Override
  public boolean hasAtomicMove(String path) throws FsException {
    engine.path(path);
    return true;
  }

  @Override
  public boolean canCreateTempFile(String path) throws FsException {
    engine.path(path);
    return true;
  }

  @Override
  public void writeFile(String path, byte[] content) throws FsException {
    WritableFile w = newWritableFile(path);
    boolean ok = false;
    try {
      w.append(content);
      w.close();
      ok = true;
    } finally {
      if (!ok && w instanceof FileVersionWriter fw) {
        fw.abandon();
      }
    }
  }
}
