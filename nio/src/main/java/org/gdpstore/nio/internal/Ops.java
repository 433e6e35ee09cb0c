package org.gdpstore.nio.internal;

import java.io.IOException;
import java.nio.file.AccessMode;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.gdpstore.fs.EntryInfo;
import org.gdpstore.fs.WritableFileSystem;
import org.gdpstore.fs.FsCode;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.FsPaths;

/**
 * The provider's file operations on one filesystem. Each checks the kinds of the paths involved
 * first so that it throws the exception type {@code java.nio.file} callers expect (as the default
 * provider and Jimfs do), then makes its change as one commit (or in the path's transaction).
 */
final class Ops {
  private final GdpNioFileSystem fs;

  Ops(GdpNioFileSystem fs) {
    this.fs = fs;
  }

  /** What a path is, as far as a {@code java.nio.file} caller can tell. */
  enum Kind { MISSING, FILE, DIR }

  /** The kind of {@code p}; a parent that is a file makes it MISSING (as on Jimfs). */
  Kind kind(GdpPath p) throws IOException {
    String ep = p.enginePath();
    if (fs.creating.containsKey(ep)) {
      return Kind.FILE;
    }
    try {
      return fs.view(p).stat(ep).isDirectory() ? Kind.DIR : Kind.FILE;
    } catch (FsException e) {
      if (e.code() == FsCode.NOT_FOUND || e.code() == FsCode.FAILED_PRECONDITION) {
        return Kind.MISSING;
      }
      throw Errors.map(e, p.toString());
    }
  }

  boolean exists(GdpPath p) throws IOException {
    return kind(p) != Kind.MISSING;
  }

  /** The directory entry of {@code p} (a file being created here reports its bytes so far). */
  Attrs attributes(GdpPath p) throws IOException {
    String ep = p.enginePath();
    GdpChannel creating = fs.creating.get(ep);
    if (creating != null) {
      return Attrs.creating(fs, creating.currentSize(), creating.createdNanos());
    }
    try {
      EntryInfo info = fs.view(p).entryInfo(ep);
      return new Attrs(fs, info);
    } catch (FsException e) {
      if (e.code() == FsCode.FAILED_PRECONDITION) {
        throw new NoSuchFileException(p.toString(), null, e.getReason());
      }
      throw Errors.map(e, p.toString());
    }
  }

  void checkAccess(GdpPath p, AccessMode... modes) throws IOException {
    Kind k = kind(p);
    if (k == Kind.MISSING) {
      throw new NoSuchFileException(p.toString());
    }
    for (AccessMode m : modes) {
      if (m == AccessMode.WRITE && !fs.canWrite()) {
        throw new java.nio.file.AccessDeniedException(p.toString(), null,
            fs.isReadOnly() ? "opened read-only" : "no writer key for this filesystem");
      }
      if (m == AccessMode.EXECUTE && k == Kind.FILE) {
        throw new java.nio.file.AccessDeniedException(p.toString(), null, "gdp files are not executable");
      }
    }
  }

  /** The parent of {@code p} must be a directory. */
  private void requireParentDir(GdpPath p) throws IOException {
    GdpPath parent = (GdpPath) p.toAbsolutePath().normalize().getParent();
    if (parent != null && kind(parent) != Kind.DIR) {
      throw new NoSuchFileException(p.toString(), null, "parent directory does not exist");
    }
  }

  void createDirectory(GdpPath dir, FileAttribute<?>... attrs) throws IOException {
    rejectAttributes(attrs);
    fs.checkWritable(dir);
    if (dir.enginePath().equals("/") || kind(dir) != Kind.MISSING) {
      throw new FileAlreadyExistsException(dir.toString());
    }
    requireParentDir(dir);
    run(dir, null, ops -> {
      ops.createDir(dir.enginePath());
      return null;
    });
  }

  static void rejectAttributes(FileAttribute<?>... attrs) {
    if (attrs.length > 0) {
      throw new UnsupportedOperationException("gdp files take no initial attributes, got " + attrs[0].name());
    }
  }

  void delete(GdpPath p) throws IOException {
    fs.checkWritable(p);
    String ep = p.enginePath();
    GdpChannel creating = fs.creating.get(ep);
    if (creating != null && creating.context() == p.txn()) {
      creating.unlink(); // the channel's file disappears; its close publishes nothing
      return;
    }
    Kind k = kind(p);
    if (k == Kind.MISSING) {
      throw new NoSuchFileException(p.toString());
    }
    if (ep.equals("/")) {
      throw new FileSystemException(p.toString(), null, "cannot delete the root directory");
    }
    if (k == Kind.DIR && !children(p).isEmpty()) {
      throw new DirectoryNotEmptyException(p.toString());
    }
    run(p, null, ops -> {
      if (k == Kind.DIR) {
        ops.deleteDir(ep);
      } else {
        ops.deleteFile(ep);
      }
      return null;
    });
  }

  /** Names in a directory, sorted, with files being created here. */
  List<String> children(GdpPath dir) throws IOException {
    String ep = dir.enginePath();
    List<String> listed;
    try {
      listed = fs.view(dir).getChildren(ep);
    } catch (FsException e) {
      if (e.code() == FsCode.FAILED_PRECONDITION && kind(dir) == Kind.FILE) {
        throw new NotDirectoryException(dir.toString());
      }
      if (e.code() == FsCode.FAILED_PRECONDITION) {
        throw new NoSuchFileException(dir.toString());
      }
      throw Errors.map(e, dir.toString());
    }
    TreeSet<String> names = null;
    for (String c : fs.creating.keySet()) {
      if (FsPaths.dirname(c).equals(ep)) {
        if (names == null) {
          names = new TreeSet<>(listed);
        }
        names.add(FsPaths.basename(c));
      }
    }
    return names == null ? listed : new ArrayList<>(names);
  }

  DirectoryStream<Path> newDirectoryStream(GdpPath dir, DirectoryStream.Filter<? super Path> filter)
      throws IOException {
    Kind k = kind(dir);
    if (k == Kind.MISSING) {
      throw new NoSuchFileException(dir.toString());
    }
    if (k == Kind.FILE) {
      throw new NotDirectoryException(dir.toString());
    }
    return new GdpDirectoryStream(dir, children(dir), filter);
  }

  void copy(GdpPath src, GdpPath dst, CopyOption... options) throws IOException {
    boolean replace = false;
    for (CopyOption o : options) {
      if (o == StandardCopyOption.REPLACE_EXISTING) {
        replace = true;
      } else if (o == StandardCopyOption.ATOMIC_MOVE) {
        throw new UnsupportedOperationException("ATOMIC_MOVE is not a copy option");
      } else if (!(o == StandardCopyOption.COPY_ATTRIBUTES || o == LinkOption.NOFOLLOW_LINKS)) {
        throw new UnsupportedOperationException("unsupported copy option " + o);
      }
    }
    fs.checkWritable(dst);
    busy(src);
    Kind sk = kind(src);
    if (sk == Kind.MISSING) {
      throw new NoSuchFileException(src.toString());
    }
    if (src.enginePath().equals(dst.enginePath()) && src.txn() == dst.txn()) {
      return;
    }
    busy(dst);
    Kind dk = prepareTarget(dst, replace);
    boolean replaceTarget = dk != Kind.MISSING;
    run(dst, src, ops -> {
      if (replaceTarget) {
        deleteIn(ops, dst.enginePath(), dk);
      }
      if (sk == Kind.DIR) {
        ops.createDir(dst.enginePath()); // as Files.copy: the directory, not its entries
      } else {
        ops.copyFile(src.enginePath(), dst.enginePath()); // shares the content log: O(1)
      }
      return null;
    });
  }

  void move(GdpPath src, GdpPath dst, CopyOption... options) throws IOException {
    boolean replace = false;
    boolean atomic = false;
    for (CopyOption o : options) {
      if (o == StandardCopyOption.REPLACE_EXISTING) {
        replace = true;
      } else if (o == StandardCopyOption.ATOMIC_MOVE) {
        atomic = true;
      } else if (!(o == StandardCopyOption.COPY_ATTRIBUTES || o == LinkOption.NOFOLLOW_LINKS)) {
        throw new UnsupportedOperationException("unsupported move option " + o);
      }
    }
    fs.checkWritable(src);
    if (src.txn() != dst.txn()) {
      throw new AtomicMoveNotSupportedException(src.toString(), dst.toString(),
          "source and target belong to different transactions");
    }
    busy(src);
    Kind sk = kind(src);
    if (sk == Kind.MISSING) {
      throw new NoSuchFileException(src.toString());
    }
    String s = src.enginePath();
    String d = dst.enginePath();
    if (s.equals(d)) {
      return;
    }
    if (s.equals("/")) {
      throw new FileSystemException(src.toString(), dst.toString(), "cannot move the root directory");
    }
    busy(dst);
    // ATOMIC_MOVE: a rename is always one commit; an existing target is replaced as by REPLACE_EXISTING
    requireParentDir(dst);
    if (d.startsWith(s + "/")) {
      throw new FileSystemException(src.toString(), dst.toString(), "cannot move a directory into itself");
    }
    Kind dk = prepareTarget(dst, replace || atomic);
    boolean replaceTarget = dk != Kind.MISSING;
    run(dst, src, ops -> {
      if (replaceTarget) {
        deleteIn(ops, d, dk);
      }
      ops.renamePath(s, d); // files and whole trees (renameFile is TensorFlow's, files only)
      return null;
    });
  }

  /** Checks the target of a copy or move; returns what is there now (to be replaced). */
  private Kind prepareTarget(GdpPath dst, boolean replace) throws IOException {
    Kind dk = kind(dst);
    if (dk != Kind.MISSING) {
      if (!replace) {
        throw new FileAlreadyExistsException(dst.toString());
      }
      if (dst.enginePath().equals("/")) {
        throw new FileSystemException(dst.toString(), null, "cannot replace the root directory");
      }
      if (dk == Kind.DIR && !children(dst).isEmpty()) {
        throw new DirectoryNotEmptyException(dst.toString());
      }
    } else {
      requireParentDir(dst);
    }
    return dk;
  }

  private static void deleteIn(WritableFileSystem ops, String path, Kind k) throws FsException {
    if (k == Kind.DIR) {
      ops.deleteDir(path);
    } else {
      ops.deleteFile(path);
    }
  }

  /** A file still being written by a channel of this instance cannot be copied, moved or replaced yet. */
  private void busy(GdpPath p) throws FileSystemException {
    if (fs.creating.containsKey(p.enginePath())) {
      throw new FileSystemException(p.toString(), null,
          "is being created by an open channel; its content is published when the channel is closed");
    }
  }

  /** Runs a change in {@code p}'s transaction or as one commit, mapping engine errors. */
  private <T> T run(GdpPath p, GdpPath other, GdpNioFileSystem.Change<T> change) throws IOException {
    try {
      return fs.change(p, change);
    } catch (FsException e) {
      throw Errors.map(e, p.toString(), other == null ? null : other.toString());
    }
  }
}
