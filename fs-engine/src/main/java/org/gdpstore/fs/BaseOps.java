package org.gdpstore.fs;

import org.gdpstore.fs.internal.Entry;

/** The write operations, run in {@link #token()}'s transaction or each committed on its own. */
abstract class BaseOps extends ViewOps implements FileOps {
  BaseOps(FsCore core) {
    super(core);
  }

  /** The transaction these calls belong to, or null for one commit per call. */
  abstract TransactionToken token();

  /** A change of one path that returns nothing. */
  private interface PathChange {
    void apply(FsCore.Txn t, String path) throws FsException;
  }

  /** Runs {@code change} on the normalized {@code path} in this object's transaction. */
  private void change(String path, PathChange change) throws FsException {
    String p = core.path(path);
    core.mutate(token(), p, t -> {
      change.apply(t, p);
      return null;
    });
  }

  @Override
  public WritableFile newWritableFile(String path) throws FsException {
    String p = core.path(path);
    return core.mutate(token(), p, t -> {
      core.checkWritableTarget(t, p);
      return FileWriter.open(core, p, Entry.Kind.FILE, token(), null);
    });
  }

  @Override
  public WritableFile newAppendableFile(String path) throws FsException {
    String p = core.path(path);
    return core.mutate(token(), p, t -> {
      core.checkWritableTarget(t, p);
      return FileWriter.open(core, p, Entry.Kind.FILE, token(), t.view().get(p));
    });
  }

  @Override
  public void deleteFile(String path) throws FsException {
    change(path, core::deleteFile);
  }

  @Override
  public void createDir(String path) throws FsException {
    change(path, core::createDir);
  }

  @Override
  public void recursivelyCreateDir(String path) throws FsException {
    change(path, core::recursivelyCreateDir);
  }

  @Override
  public void deleteDir(String path) throws FsException {
    change(path, core::deleteDir);
  }

  @Override
  public DeleteResult deleteRecursively(String path) throws FsException {
    String p = core.path(path);
    return core.mutate(token(), p, t -> core.deleteRecursively(t, p));
  }

  @Override
  public void renameFile(String src, String target) throws FsException {
    String s = core.path(src);
    String d = core.path(target);
    core.mutate(token(), s, t -> {
      core.rename(t, s, d);
      return null;
    });
  }

  @Override
  public void copyFile(String src, String target) throws FsException {
    String s = core.path(src);
    String d = core.path(target);
    core.mutate(token(), s, t -> {
      core.copy(t, s, d);
      return null;
    });
  }

  @Override
  public boolean hasAtomicMove(String path) throws FsException {
    core.path(path);
    return true;
  }

  @Override
  public boolean canCreateTempFile(String path) throws FsException {
    core.path(path);
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
      if (!ok && w instanceof FileWriter fw) {
        fw.abandon();
      }
    }
  }
}
