package org.gdpstore.fs.internal;

import org.gdpstore.fs.FsCode;
import org.gdpstore.fs.FsException;

/** Lookups of paths in a {@link View} with TensorFlow's status codes. Stateless. */
public final class PathChecks {
  private PathChecks() {}

  /** Checks every ancestor of {@code path}: NOT_FOUND if missing, FAILED_PRECONDITION if a file. */
  public static void checkParents(View v, String path) throws FsException {
    if (path.equals("/")) {
      return;
    }
    int i = 0;
    while ((i = path.indexOf('/', i + 1)) > 0) {
      String anc = path.substring(0, i);
      DirEntry e = v.get(anc);
      if (e == null) {
        throw new FsException(FsCode.NOT_FOUND, path, "parent directory " + anc + " does not exist");
      }
      if (!e.isDir()) {
        throw new FsException(FsCode.FAILED_PRECONDITION, path, "parent " + anc + " is a file, not a directory");
      }
    }
  }

  /** The entry at a path, with parent errors; NOT_FOUND if missing. */
  public static DirEntry lookup(View v, String path) throws FsException {
    checkParents(v, path);
    DirEntry e = v.get(path);
    if (e == null) {
      throw new FsException(FsCode.NOT_FOUND, path, "no such file or directory");
    }
    return e;
  }

  /** The file at a path; FAILED_PRECONDITION for a directory. */
  public static DirEntry lookupFile(View v, String path) throws FsException {
    DirEntry e = lookup(v, path);
    if (e.isDir()) {
      throw new FsException(FsCode.FAILED_PRECONDITION, path, "is a directory");
    }
    return e;
  }
}
