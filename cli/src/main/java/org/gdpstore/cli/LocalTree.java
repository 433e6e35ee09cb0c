package org.gdpstore.cli;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What {@code put} takes from the local disk: the files to store (with their remote paths), the
 * directories to create, and what it skips and why. The rule for links: by default a symbolic
 * link to a regular file inside the tree is stored as that file; links to directories, broken or
 * looping links and links leading out of the tree are skipped. With {@code follow}, links are
 * followed wherever they lead, except back into a directory being walked (a loop). Special files
 * (FIFOs, sockets, devices) are always skipped and never opened: a FIFO would block.
 */
final class LocalTree {
  /** A local regular file to store at {@code remote}. */
  record File(Path local, String remote, long size) {}

  /** Something left out, and why (printed as a warning). */
  record Skipped(Path local, String why) {}

  private final boolean follow;
  final LinkedHashSet<String> dirs = new LinkedHashSet<>();
  final List<File> files = new ArrayList<>();
  final List<Skipped> skipped = new ArrayList<>();

  LocalTree(boolean follow) {
    this.follow = follow;
  }

  /** A file named on the command line (a link given there is followed: the user named it). */
  void addFile(Path local, String remote) throws IOException {
    BasicFileAttributes a = Files.readAttributes(local, BasicFileAttributes.class);
    if (a.isRegularFile()) {
      files.add(new File(local, remote, a.size()));
    } else {
      skipped.add(new Skipped(local, special(local)));
    }
  }

  /** A directory named on the command line, stored at {@code remote}. */
  void addTree(Path dir, String remote) throws IOException {
    Path real = dir.toRealPath();
    Set<Path> walking = new HashSet<>();
    walk(dir, real, remote, real, walking);
  }

  private void walk(Path dir, Path realDir, String remote, Path treeRoot, Set<Path> walking) throws IOException {
    dirs.add(remote);
    walking.add(realDir);
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      s.forEach(children::add);
    } catch (DirectoryIteratorException e) {
      throw e.getCause(); // an I/O error while listing: reported as such, not as an internal error
    }
    children.sort(null);
    for (Path p : children) {
      String childRemote = RemotePath.normalize(p.toString(), remote + "/" + p.getFileName());
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (a.isDirectory()) {
        walk(p, realDir.resolve(p.getFileName()), childRemote, treeRoot, walking);
      } else if (a.isRegularFile()) {
        files.add(new File(p, childRemote, a.size()));
      } else if (a.isSymbolicLink()) {
        link(p, childRemote, treeRoot, walking);
      } else {
        skipped.add(new Skipped(p, special(p)));
      }
    }
    walking.remove(realDir);
  }

  private void link(Path p, String remote, Path treeRoot, Set<Path> walking) throws IOException {
    Path target;
    try {
      target = p.toRealPath();
    } catch (NoSuchFileException e) {
      skipped.add(new Skipped(p, "broken symbolic link"));
      return;
    } catch (FileSystemException e) {
      String reason = e.getReason() == null ? "" : e.getReason();
      skipped.add(new Skipped(p, reason.contains("symbolic links") ? "symbolic link loop" : "unreadable symbolic link: " + reason));
      return;
    }
    BasicFileAttributes a = Files.readAttributes(target, BasicFileAttributes.class);
    if (a.isDirectory()) {
      if (!follow) {
        skipped.add(new Skipped(p, "symbolic link to a directory (use --follow to follow links)"));
      } else if (walking.contains(target)) {
        skipped.add(new Skipped(p, "symbolic link loop (leads back to " + target + ")"));
      } else {
        walk(p, target, remote, treeRoot, walking);
      }
    } else if (!a.isRegularFile()) {
      skipped.add(new Skipped(p, "symbolic link to a " + special(target)));
    } else if (!follow && !target.startsWith(treeRoot)) {
      skipped.add(new Skipped(p, "symbolic link out of the tree (use --follow to follow links)"));
    } else {
      files.add(new File(p, remote, a.size()));
    }
  }

  /** What kind of special file {@code p} is: "FIFO", "socket", "device" or "special file". */
  static String special(Path p) {
    try {
      int mode = (Integer) Files.getAttribute(p, "unix:mode");
      return switch (mode & 0170000) {
        case 0010000 -> "FIFO (named pipe)";
        case 0140000 -> "socket";
        case 0020000, 0060000 -> "device";
        default -> "special file";
      };
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
      return "special file";
    }
  }

  /**
   * Checks just before opening that {@code local} is still a regular file: one swapped for a
   * FIFO since the walk would block the reader.
   */
  static void checkStillRegular(Path local) throws IOException {
    if (!Files.readAttributes(local, BasicFileAttributes.class).isRegularFile()) {
      throw new CliException(ExitCodes.FAILURE, "local file " + local + " changed into a "
          + special(local) + " during put; nothing was stored");
    }
  }
}
