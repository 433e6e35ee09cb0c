package org.gdpstore.fs.internal;

import org.gdpstore.fs.DeleteIncompleteException;
import org.gdpstore.fs.DeleteResult;
import org.gdpstore.fs.FsCode;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.FsOptions;

/**
 * TensorFlow's namespace changes as staged changes of a {@link Txn}, each checked against the
 * transaction's view with TensorFlow's status codes. Runs under the transactions' lock.
 */
public final class Mutations {
  private final FsOptions opts;

  Mutations(FsOptions opts) {
    this.opts = opts;
  }

  public void deleteFile(Txn t, String path) throws FsException {
    View v = t.view();
    DirEntry e = PathChecks.lookup(v, path);
    if (e.isDir()) {
      throw new FsException(FsCode.FAILED_PRECONDITION, path, "is a directory; use deleteDir");
    }
    removeFile(t, v, path);
  }

  /** Removes the file at {@code path}: the one being written there (if any) and the published one. */
  private static void removeFile(Txn t, View v, String path) throws FsException {
    t.detachPending(path);
    if (v.committed(path) != null) {
      t.put(path, null);
    }
  }

  public void createDir(Txn t, String path) throws FsException {
    View v = t.view();
    PathChecks.checkParents(v, path);
    if (v.get(path) != null) {
      throw new FsException(FsCode.ALREADY_EXISTS, path, "already exists");
    }
    t.put(path, DirEntry.dir(WriterClock.nowNanos(opts)));
  }

  public void recursivelyCreateDir(Txn t, String path) throws FsException {
    View v = t.view();
    if (path.equals("/")) {
      return;
    }
    int i = 0;
    while (true) {
      i = path.indexOf('/', i + 1);
      String anc = i < 0 ? path : path.substring(0, i);
      DirEntry e = v.get(anc);
      if (e == null) {
        t.ensureDir(anc, DirEntry.dir(WriterClock.nowNanos(opts)));
      } else if (!e.isDir()) {
        throw new FsException(FsCode.FAILED_PRECONDITION, path, anc + " is a file, not a directory");
      }
      if (i < 0) {
        return;
      }
    }
  }

  public void deleteDir(Txn t, String path) throws FsException {
    View v = t.view();
    DirEntry e = PathChecks.lookup(v, path);
    if (!e.isDir()) {
      throw new FsException(FsCode.FAILED_PRECONDITION, path, "not a directory");
    }
    if (path.equals("/")) {
      throw new FsException(FsCode.FAILED_PRECONDITION, path, "the root directory cannot be deleted");
    }
    if (!v.childNames(path, 1).isEmpty()) {
      throw new FsException(FsCode.FAILED_PRECONDITION, path, "directory not empty");
    }
    t.put(path, null);
  }

  /**
   * Deletes a file or a directory tree. A missing path is NOT_FOUND with TensorFlow's counts (one
   * undeleted directory) carried by the {@link DeleteIncompleteException}.
   */
  public DeleteResult deleteRecursively(Txn t, String path) throws FsException {
    View v = t.view();
    DirEntry e;
    try {
      e = PathChecks.lookup(v, path);
    } catch (FsException ex) {
      if (ex.code() != FsCode.NOT_FOUND) {
        throw ex;
      }
      throw new DeleteIncompleteException(FsCode.NOT_FOUND, path, ex.getReason(), new DeleteResult(0, 1));
    }
    if (!e.isDir()) {
      removeFile(t, v, path);
      return new DeleteResult(0, 0);
    }
    for (String d : v.descendants(path)) {
      removeFile(t, v, d);
    }
    if (!path.equals("/")) {
      t.put(path, null);
    }
    return new DeleteResult(0, 0);
  }

  /** TensorFlow's RenameFile: moves a file (also one being written), replacing a target file. */
  public void rename(Txn t, String src, String dst) throws FsException {
    View v = t.view();
    DirEntry s = PathChecks.lookup(v, src);
    PathChecks.checkParents(v, dst);
    if (s.isDir()) {
      throw new FsException(FsCode.FAILED_PRECONDITION, src, "is a directory; renameFile moves files (renamePath moves trees)");
    }
    DirEntry d = v.get(dst);
    if (dst.equals("/") || (d != null && d.isDir())) {
      throw new FsException(FsCode.FAILED_PRECONDITION, dst, "target is a directory");
    }
    if (src.equals(dst)) {
      return;
    }
    moveFile(t, v, src, dst, s);
  }

  private static void moveFile(Txn t, View v, String src, String dst, DirEntry s) throws FsException {
    t.detachPending(dst);
    if (t.pending(src) != null) {
      // the file being written moves: it is published at dst when closed (a published dst stays
      // until then); a published src it was replacing is gone now
      if (v.committed(src) != null) {
        t.put(src, null);
      }
      t.movePending(src, dst);
      return;
    }
    t.put(src, null);
    t.put(dst, s);
  }

  /**
   * Moves a file or a whole directory tree in one commit (gdpstore's own call, used by
   * {@code gdpfs mv}): a directory may replace an empty directory, a file a file.
   */
  public void moveTree(Txn t, String src, String dst) throws FsException {
    View v = t.view();
    DirEntry s = PathChecks.lookup(v, src);
    PathChecks.checkParents(v, dst);
    if (src.equals(dst)) {
      return;
    }
    if (src.equals("/")) {
      throw new FsException(FsCode.FAILED_PRECONDITION, src, "the root directory cannot be renamed");
    }
    if (s.isDir() && dst.startsWith(src + "/")) {
      throw new FsException(FsCode.FAILED_PRECONDITION, dst, "cannot move a directory into itself");
    }
    DirEntry d = v.get(dst);
    if (dst.equals("/")) {
      throw new FsException(FsCode.FAILED_PRECONDITION, dst, "target is the root directory");
    }
    if (d != null) {
      if (d.isDir() && !s.isDir()) {
        throw new FsException(FsCode.FAILED_PRECONDITION, dst, "target is a directory");
      }
      if (!d.isDir() && s.isDir()) {
        throw new FsException(FsCode.FAILED_PRECONDITION, dst, "target is a file, source a directory");
      }
      if (d.isDir() && !v.childNames(dst, 1).isEmpty()) {
        throw new FsException(FsCode.FAILED_PRECONDITION, dst, "target directory not empty");
      }
    }
    if (!s.isDir()) {
      moveFile(t, v, src, dst, s);
      return;
    }
    for (String k : v.descendants(src)) {
      String moved = dst + k.substring(src.length());
      DirEntry published = v.committed(k);
      t.movePending(k, moved);
      if (published != null) {
        t.put(k, null);
        t.put(moved, published);
      }
    }
    t.put(src, null);
    t.put(dst, s);
  }

  public void copy(Txn t, String src, String dst) throws FsException {
    View v = t.view();
    DirEntry s = PathChecks.lookupFile(v, src);
    PathChecks.checkParents(v, dst);
    DirEntry d = v.get(dst);
    if (d != null && d.isDir()) {
      throw new FsException(FsCode.FAILED_PRECONDITION, dst, "target is a directory");
    }
    if (src.equals(dst)) {
      return;
    }
    t.detachPending(dst);
    t.put(dst, s.withMtime(WriterClock.nowNanos(opts)));
  }

  /** Checks that a file may be written at {@code path} in {@code t}'s view, and claims it. */
  public void checkWritableTarget(Txn t, String path) throws FsException {
    View v = t.view();
    PathChecks.checkParents(v, path);
    if (path.equals("/")) {
      throw new FsException(FsCode.FAILED_PRECONDITION, path, "is a directory");
    }
    DirEntry e = v.get(path);
    if (e != null && e.isDir()) {
      throw new FsException(FsCode.FAILED_PRECONDITION, path, "is a directory");
    }
    t.claim(path);
  }
}
