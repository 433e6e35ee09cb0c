package org.gdpstore.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.gdpstore.home.GdpHome;
import org.gdpstore.home.HomeAlias;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The filesystem commands ({@code mkfs, ls, put, get, cat, rm, mkdir, mv, stat, log, verify}). */
final class FsCommands {
  private FsCommands() {}

  static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());
  /** Four default file chunks (FsOptions.MAX_CHUNK_SIZE): a put hands the engine whole chunks it needs not stage. */
  private static final int BUFFER = 4 * org.gdpstore.fs.FsOptions.MAX_CHUNK_SIZE;

  static At parseAt(String at) {
    return at == null ? null : At.parse(at, ZoneId.systemDefault());
  }

  static CliException noSuch(RemotePath p, At at) {
    return CliException.notFound("no such file or directory: " + p + (at == null ? "" : " (as of " + at + ")"));
  }

  /** The entry at {@code p} in {@code snap}, or a not-found error naming {@code at}. */
  static RemoteFs.PathInfo existing(RemoteFs.Snapshot snap, RemotePath p, At at) throws IOException {
    return snap.find(p.path()).orElseThrow(() -> noSuch(p, at));
  }

  /** What a multi-path command does with one path and its open filesystem. */
  @FunctionalInterface
  interface PathAction {
    void run(RemotePath p, RemoteFs fs) throws Exception;
  }

  /**
   * Parses every path first (a malformed one fails before anything is opened), then, on one backend,
   * opens each path's filesystem in turn and runs {@code action}; the first error stops the loop.
   */
  static void forEachPath(CliCommand cmd, List<String> paths, boolean writable, PathAction action) throws Exception {
    List<RemotePath> ps = paths.stream().map(RemotePath::parse).toList();
    try (Backend b = cmd.openBackend()) {
      for (RemotePath p : ps) {
        try (RemoteFs fs = FsAccess.open(b, cmd.home(), p.fs(), writable)) {
          action.run(p, fs);
        }
      }
    }
  }

  /** A signer key as {@code ed25519:} and its first 16 hex digits (as {@code gdpfs log} shows it), or "-". */
  static String signer(String hexKey) {
    return hexKey == null || hexKey.isEmpty() ? "-" : "ed25519:" + hexKey.substring(0, Math.min(16, hexKey.length()));
  }

  /** Copies with a progress bar; returns the byte count. */
  static long copy(InputStream in, OutputStream out, Progress progress) throws IOException {
    byte[] buf = new byte[BUFFER];
    long total = 0;
    int n;
    while ((n = in.read(buf)) > 0) {
      out.write(buf, 0, n);
      total += n;
      progress.advance(n);
    }
    return total;
  }

  /**
   * Copies {@code in} to the local file {@code out} through a temporary file beside it, renamed
   * over {@code out} only when every byte is in (and verified, as the engine verifies while
   * reading): a failure leaves no partial {@code out}, and the temporary file is deleted.
   */
  static void download(InputStream in, Path out, Progress progress) throws IOException {
    Path tmp = tempBeside(out);
    tmp.toFile().deleteOnExit(); // also on Ctrl-C / SIGTERM
    boolean done = false;
    try {
      try (OutputStream o = Files.newOutputStream(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        copy(in, o, progress);
      }
      try {
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
      }
      done = true;
    } finally {
      if (!done) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** A new empty file {@code .NAME.gdpfs-RANDOM.part} in {@code out}'s directory (the umask applies, as for out). */
  private static Path tempBeside(Path out) throws IOException {
    Path dir = out.toAbsolutePath().getParent();
    String name = out.getFileName().toString();
    if (name.length() > 200) {
      name = name.substring(0, 200); // the temporary name must stay within NAME_MAX (255)
    }
    for (int attempt = 0; ; attempt++) {
      Path tmp = dir.resolve("." + name + ".gdpfs-" + Long.toHexString(RANDOM.nextLong()) + ".part");
      try {
        return Files.createFile(tmp);
      } catch (FileAlreadyExistsException e) {
        if (attempt > 10) {
          throw e;
        }
      }
    }
  }

  private static final java.util.Random RANDOM = new java.security.SecureRandom();

  static String join(String dir, String name) {
    return dir.equals("/") ? "/" + name : dir + "/" + name;
  }

  static String relative(String base, String path) {
    if (base.equals("/")) {
      return path.substring(1);
    }
    return path.equals(base) ? "" : path.substring(base.length() + 1);
  }

  @Command(name = "mkfs", description = "Create a filesystem (a root directory log signed by your key) and remember FS as its alias.")
  static final class Mkfs extends CliCommand {
    @Parameters(index = "0", paramLabel = "FS", description = "Alias for the new filesystem.")
    String fs;

    @Option(names = "--key", paramLabel = "KEY", defaultValue = GdpHome.DEFAULT_KEY, description = "Writer key (default: ${DEFAULT-VALUE}).")
    String key;

    @Override
    int execute() throws Exception {
      GdpHome home = home();
      home.checkNewAlias(fs);
      var keys = keyOrCreateDefault(home, key);
      try (Backend b = openBackend(); RemoteFs created = b.createFs(keys)) {
        home.addAlias(new HomeAlias(fs, HomeAlias.Kind.FS, org.gdpstore.wire.GdpName.parse(created.rootName()), key));
        env().out().println("created filesystem gdp://" + fs + "/ (root log " + created.rootName() + ", writer key " + key + ")");
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "ls", description = "List a directory (or show one file).")
  static final class Ls extends CliCommand {
    @Parameters(index = "0", paramLabel = "gdp://FS/PATH")
    String path;

    @Option(names = {"-r", "--recursive"}, description = "List sub-directories too.")
    boolean recursive;

    @Option(names = {"-l", "--long"}, description = "Show kind, size, modification time, the directory record of the last change, content SHA-256 and signer.")
    boolean longFormat;

    @Option(names = "--at", paramLabel = "RECNO|TIME", description = "List as of a directory record number or a time.")
    String at;

    @Override
    int execute() throws Exception {
      RemotePath p = RemotePath.parse(path);
      At when = parseAt(at);
      try (Backend b = openBackend(); RemoteFs fs = FsAccess.open(b, home(), p.fs(), false)) {
        RemoteFs.Snapshot snap = fs.snapshot(when);
        RemoteFs.PathInfo e = existing(snap, p, when);
        if (!e.directory()) {
          print(e, e.name());
          return ExitCodes.OK;
        }
        list(snap, p.path(), p.path());
      }
      return ExitCodes.OK;
    }

    private void list(RemoteFs.Snapshot snap, String base, String dir) throws IOException {
      for (RemoteFs.PathInfo c : snap.list(dir)) {
        print(c, relative(base, c.path()) + (c.directory() ? "/" : ""));
        if (recursive && c.directory()) {
          list(snap, base, c.path());
        }
      }
    }

    private void print(RemoteFs.PathInfo e, String name) {
      if (longFormat) {
        // kind, size, time, directory record of the last change, content SHA-256, signer, name
        env().out().printf("%s %10s  %s  %8s  %-64s  %-24s  %s%n", e.directory() ? "d" : "-",
            e.directory() ? "-" : Sizes.human(e.size()), e.modified() == null ? "-" : TIME.format(e.modified()),
            e.version() > 0 ? "r" + e.version() : "-", e.hash() == null ? "-" : e.hash(), signer(e.signer()),
            Names.escape(name));
      } else {
        env().out().println(Names.escape(name));
      }
    }
  }

  @Command(name = "put", description = {"Store local files (and with -r directories) under a remote path.",
      "All files of one put become visible together, in one transaction, or none do.",
      "Links: a link to a file inside the tree is stored as that file; other links (to directories, broken,",
      "looping, leading out of the tree) are skipped with a warning unless --follow is given. FIFOs, sockets",
      "and devices are skipped with a warning (never opened)."})
  static final class Put extends CliCommand {
    @Parameters(arity = "2..*", paramLabel = "LOCAL... gdp://FS/PATH", hideParamSyntax = true,
        description = "Local files or directories, then the remote destination.")
    List<String> args;

    @Option(names = {"-r", "--recursive"}, description = "Copy directories recursively.")
    boolean recursive;

    @Option(names = {"-L", "--follow"}, description = "Follow symbolic links (to directories too, and out of the tree); loops are skipped.")
    boolean follow;

    @Override
    int execute() throws Exception {
      String destArg = args.get(args.size() - 1);
      RemotePath dest = RemotePath.parse(destArg);
      List<Path> locals = new ArrayList<>();
      for (String a : args.subList(0, args.size() - 1)) {
        if (RemotePath.isRemote(a)) {
          throw CliException.usage("put copies local files to gdp://; '" + a + "' is remote (the last argument is the destination)");
        }
        Path l = Path.of(a);
        if (!Files.exists(l)) {
          throw CliException.notFound("no such local file or directory: " + a
              + (Files.exists(l, LinkOption.NOFOLLOW_LINKS) ? " (a broken symbolic link)" : ""));
        }
        if (Files.isDirectory(l) && !recursive) {
          throw CliException.usage(a + " is a directory (use put -r)");
        }
        locals.add(l);
      }
      try (Backend b = openBackend(); RemoteFs fs = FsAccess.open(b, home(), dest.fs(), true)) {
        Optional<RemoteFs.PathInfo> existing = fs.snapshot(null).find(dest.path());
        boolean intoDir = existing.map(RemoteFs.PathInfo::directory).orElse(false) || destArg.endsWith("/")
            || locals.size() > 1 || dest.isRoot();
        if (intoDir && existing.isPresent() && !existing.get().directory()) {
          throw CliException.exists("not a directory: " + dest);
        }
        LocalTree plan = new LocalTree(follow);
        if (intoDir) {
          plan.dirs.add(dest.path());
        }
        for (Path l : locals) {
          String name = l.toAbsolutePath().normalize().getFileName() == null ? "" : l.toAbsolutePath().normalize().getFileName().toString();
          String target = intoDir ? RemotePath.normalize(dest.toString(), join(dest.path(), name)) : dest.path();
          if (Files.isDirectory(l)) {
            plan.addTree(l, target);
          } else {
            plan.addFile(l, target);
          }
        }
        for (LocalTree.Skipped s : plan.skipped) {
          env().err().println("gdpfs: skipped " + Names.escape(s.local()) + ": " + Names.escape(s.why()));
        }
        List<LocalTree.File> files = plan.files;
        LinkedHashSet<String> dirs = plan.dirs;
        long total = files.stream().mapToLong(LocalTree.File::size).sum();
        long recno;
        try (RemoteFs.Txn tx = fs.begin(); Progress progress = Progress.start(env(), "put", total)) {
          for (LocalTree.File f : files) {
            String parent = f.remote().substring(0, f.remote().lastIndexOf('/'));
            if (!parent.isEmpty()) {
              dirs.add(parent);
            }
          }
          for (String d : dirs) {
            tx.mkdirs(d);
          }
          upload(tx, files, progress);
          recno = tx.commit();
        }
        String skippedNote = plan.skipped.isEmpty() ? ""
            : "; skipped " + plan.skipped.size() + " (links or special files, see the warnings)";
        env().out().printf("put %d file%s (%s) into %s in one transaction (directory record %d)%s%n", files.size(),
            files.size() == 1 ? "" : "s", Sizes.human(total), Names.escape(dest), recno, skippedNote);
      }
      return ExitCodes.OK;
    }

    /** Writes the files into the transaction, several at once; visibility is still all at the commit. */
    private static void upload(RemoteFs.Txn tx, List<LocalTree.File> files, Progress progress) throws IOException {
      Parallel.forEach("put", files, f -> uploadOne(tx, f, progress));
    }

    private static void uploadOne(RemoteFs.Txn tx, LocalTree.File f, Progress progress) throws IOException {
      LocalTree.checkStillRegular(f.local());
      try (InputStream in = Files.newInputStream(f.local()); OutputStream out = tx.create(f.remote())) {
        copy(in, out, progress);
      }
    }
  }

  @Command(name = "get", description = "Copy a remote file (or with -r a directory) to the local disk.")
  static final class Get extends CliCommand {
    @Parameters(index = "0", paramLabel = "gdp://FS/PATH")
    String remote;

    @Parameters(index = "1", paramLabel = "LOCAL")
    Path local;

    @Option(names = {"-r", "--recursive"}, description = "Copy directories recursively.")
    boolean recursive;

    @Option(names = "--at", paramLabel = "RECNO|TIME", description = "Copy as of a directory record number or a time.")
    String at;

    @Override
    int execute() throws Exception {
      RemotePath p = RemotePath.parse(remote);
      At when = parseAt(at);
      try (Backend b = openBackend(); RemoteFs fs = FsAccess.open(b, home(), p.fs(), false)) {
        RemoteFs.Snapshot snap = fs.snapshot(when);
        RemoteFs.PathInfo e = existing(snap, p, when);
        String name = p.isRoot() ? p.fs() : e.name();
        Path target = Files.isDirectory(local) ? local.resolve(name) : local;
        List<RemoteFs.PathInfo> files = new ArrayList<>();
        if (e.directory()) {
          if (!recursive) {
            throw CliException.usage(p + " is a directory (use get -r)");
          }
          collect(snap, e.path(), files);
        } else {
          files.add(e);
        }
        long total = files.stream().mapToLong(RemoteFs.PathInfo::size).sum();
        try (Progress progress = Progress.start(env(), "get", total)) {
          if (e.directory()) {
            Files.createDirectories(target);
          }
          List<RemoteFs.PathInfo> regular = new ArrayList<>();
          for (RemoteFs.PathInfo f : files) {
            Path out = e.directory() ? target.resolve(relative(e.path(), f.path())) : target;
            if (f.directory()) {
              Files.createDirectories(out);
            } else {
              if (out.getParent() != null) {
                Files.createDirectories(out.getParent());
              }
              regular.add(f);
            }
          }
          Parallel.forEach("get", regular, f -> {
            Path out = e.directory() ? target.resolve(relative(e.path(), f.path())) : target;
            try (InputStream in = snap.open(f.path())) {
              download(in, out, progress);
            }
          });
        }
        long n = files.stream().filter(f -> !f.directory()).count();
        env().out().printf("got %d file%s (%s) from %s (directory record %d) into %s%n", n, n == 1 ? "" : "s",
            Sizes.human(total), Names.escape(p), snap.recno(), Names.escape(target));
      }
      return ExitCodes.OK;
    }

    private static void collect(RemoteFs.Snapshot snap, String dir, List<RemoteFs.PathInfo> out) throws IOException {
      for (RemoteFs.PathInfo c : snap.list(dir)) {
        out.add(c);
        if (c.directory()) {
          collect(snap, c.path(), out);
        }
      }
    }
  }

  @Command(name = "cat", description = "Write remote files to standard output.")
  static final class Cat extends CliCommand {
    @Parameters(arity = "1..*", paramLabel = "gdp://FS/PATH")
    List<String> paths;

    @Option(names = "--at", paramLabel = "RECNO|TIME", description = "Read as of a directory record number or a time.")
    String at;

    @Override
    int execute() throws Exception {
      At when = parseAt(at);
      forEachPath(this, paths, false, (p, fs) -> {
        RemoteFs.Snapshot snap = fs.snapshot(when);
        RemoteFs.PathInfo e = existing(snap, p, when);
        if (e.directory()) {
          throw CliException.usage(p + " is a directory");
        }
        try (InputStream in = snap.open(p.path()); Progress progress = Progress.startBesideOutput(env(), Progress.stderrTerminal(), "cat", e.size())) {
          copy(in, env().out(), progress); // big reads: the engine streams the file log ahead of them
        }
      });
      env().out().flush();
      return ExitCodes.OK;
    }
  }

  @Command(name = "rm", description = "Remove files (and with -r directories, in one atomic change).")
  static final class Rm extends CliCommand {
    @Parameters(arity = "1..*", paramLabel = "gdp://FS/PATH")
    List<String> paths;

    @Option(names = {"-r", "--recursive"}, description = "Remove directories and their contents.")
    boolean recursive;

    @Override
    int execute() throws Exception {
      List<RemotePath> ps = paths.stream().map(RemotePath::parse).toList();
      try (Backend b = openBackend()) {
        for (RemotePath p : ps) {
          if (p.isRoot()) {
            throw CliException.usage("refusing to remove the root of " + p);
          }
          try (RemoteFs fs = FsAccess.open(b, home(), p.fs(), true)) {
            RemoteFs.PathInfo e = existing(fs.snapshot(null), p, null);
            if (e.directory() && !recursive) {
              throw CliException.usage(p + " is a directory (use rm -r)");
            }
            fs.delete(p.path(), recursive);
          }
        }
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "mkdir", description = "Create directories.")
  static final class Mkdir extends CliCommand {
    @Parameters(arity = "1..*", paramLabel = "gdp://FS/PATH")
    List<String> paths;

    @Option(names = {"-p", "--parents"}, description = "Create missing parents; no error if it exists.")
    boolean parents;

    @Override
    int execute() throws Exception {
      forEachPath(this, paths, true, (p, fs) -> fs.mkdir(p.path(), parents));
      return ExitCodes.OK;
    }
  }

  @Command(name = "mv", description = "Rename a file or directory atomically (within one filesystem).")
  static final class Mv extends CliCommand {
    @Parameters(index = "0", paramLabel = "gdp://FS/FROM")
    String from;

    @Parameters(index = "1", paramLabel = "gdp://FS/TO")
    String to;

    @Override
    int execute() throws Exception {
      RemotePath f = RemotePath.parse(from);
      RemotePath t = RemotePath.parse(to);
      if (!f.fs().equals(t.fs())) {
        throw CliException.usage("mv works within one filesystem ('" + f.fs() + "' and '" + t.fs() + "' differ); use get and put");
      }
      if (f.isRoot()) {
        throw CliException.usage("cannot move the root of " + f);
      }
      try (Backend b = openBackend(); RemoteFs fs = FsAccess.open(b, home(), f.fs(), true)) {
        Optional<RemoteFs.PathInfo> target = fs.snapshot(null).find(t.path());
        String dest = target.isPresent() && target.get().directory() ? join(t.path(), f.fileName()) : t.path();
        fs.rename(f.path(), dest);
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "stat", description = "Show a file's or directory's attributes.")
  static final class Stat extends CliCommand {
    @Parameters(arity = "1..*", paramLabel = "gdp://FS/PATH")
    List<String> paths;

    @Option(names = "--at", paramLabel = "RECNO|TIME", description = "As of a directory record number or a time.")
    String at;

    @Override
    int execute() throws Exception {
      At when = parseAt(at);
      forEachPath(this, paths, false, (p, fs) -> {
        RemoteFs.Snapshot snap = fs.snapshot(when);
        RemoteFs.PathInfo e = existing(snap, p, when);
        var out = env().out();
        out.println("path:      " + Names.escape(p));
        out.println("type:      " + (e.directory() ? "directory" : "file"));
        if (!e.directory()) {
          out.println("size:      " + e.size() + " bytes (" + Sizes.human(e.size()) + ")");
        }
        out.println("modified:  " + (e.modified() == null ? "-" : TIME.format(e.modified()) + " (" + e.modified() + ")"));
        if (e.version() > 0) {
          out.println("changed:   directory record " + e.version());
        }
        if (e.hash() != null) {
          out.println("sha256:    " + e.hash());
        }
        if (e.signer() != null) {
          out.println("signer:    ed25519:" + e.signer());
        }
        out.println("snapshot:  directory record " + snap.recno() + " of root log " + fs.rootName());
      });
      return ExitCodes.OK;
    }
  }

  @Command(name = "log", description = "Show the history of a path (or of the whole filesystem): record numbers, times, signer, hashes.")
  static final class History extends CliCommand {
    @Parameters(index = "0", paramLabel = "gdp://FS[/PATH]")
    String path;

    @Override
    int execute() throws Exception {
      RemotePath p = RemotePath.parse(path);
      try (Backend b = openBackend(); RemoteFs fs = FsAccess.open(b, home(), p.fs(), false)) {
        List<RemoteFs.HistoryEntry> h = fs.history(p.path());
        if (h.isEmpty()) {
          throw noSuch(p, null);
        }
        for (RemoteFs.HistoryEntry e : h) {
          env().out().printf("record %-4d %s  %s%n", e.recno(), e.time() == null ? "-" : TIME.format(e.time()),
              Names.escape(e.summary()));
          env().out().printf("            signer %s  record hash %s%n", e.signer(), e.hash());
        }
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "verify", description = "Verify signatures and content hashes of a filesystem or of one path.")
  static final class Verify extends CliCommand {
    @Parameters(index = "0", paramLabel = "[gdp://]FS[/PATH]", description = "A filesystem (alias or root log name), or a path in it.")
    String path;

    @Override
    int execute() throws Exception {
      RemotePath p = RemotePath.parse(RemotePath.isRemote(path) ? path : RemotePath.SCHEME + path);
      try (Backend b = openBackend(); RemoteFs fs = FsAccess.open(b, home(), p.fs(), false)) {
        org.gdpstore.fs.VerifyReport r = fs.verify(p.path());
        r.failures().forEach((what, why) -> env().out().println("FAILED: " + Names.escape(what + ": " + why)));
        String counts = r.directoryRecords() + " directory records, " + r.entries() + " file" + (r.entries() == 1 ? "" : "s")
            + " (" + Sizes.human(r.bytes()) + ")";
        if (!r.failures().isEmpty()) {
          throw CliException.integrity("verification of " + p + " failed: " + r.failures().size() + " problem(s) in " + counts);
        }
        env().out().println("verified " + Names.escape(p) + ": " + counts + "; every signature and hash is good");
      }
      return ExitCodes.OK;
    }
  }
}
