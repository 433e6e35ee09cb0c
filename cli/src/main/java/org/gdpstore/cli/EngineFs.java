package org.gdpstore.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.gdpstore.client.GdpException;
import org.gdpstore.client.GdpStatus;
import org.gdpstore.fs.EntryInfo;
import org.gdpstore.fs.FileStatistics;
import org.gdpstore.fs.FsCode;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.FsSnapshot;
import org.gdpstore.fs.GdpFileSystem;
import org.gdpstore.fs.PathChange;
import org.gdpstore.fs.VerifyReport;
import org.gdpstore.fs.GdpRandomAccessFile;
import org.gdpstore.fs.ReadableFileSystem;
import org.gdpstore.fs.SnapshotExpiredException;
import org.gdpstore.fs.Transaction;
import org.gdpstore.fs.WritableFile;

/**
 * {@link RemoteFs} on the fs-engine's {@link GdpFileSystem}. Engine failures ({@link FsException}
 * with a TensorFlow status code) become {@link CliException}s with the CLI's exit codes and a
 * {@code gdp://} path in the message. Not thread-safe (one command at a time).
 */
final class EngineFs implements RemoteFs {
  private final GdpFileSystem fs;

  /** @param fs the filesystem; owned by the backend, which closes it */
  EngineFs(GdpFileSystem fs) {
    this.fs = fs;
  }

  /** An engine failure as a user error. */
  static CliException toCli(FsException e) {
    return toCli(e, null);
  }

  /**
   * An engine failure as a user error. A conflict (the engine's ABORTED, or GDP CONFLICT under
   * any engine code) exits 7 naming the path; exit 4 only when the GDP network gave no answer.
   *
   * @param writing what a failed commit wrote, named when the engine names only the root (or null)
   */
  static CliException toCli(FsException e, String writing) {
    String where = e.getFile() == null ? "" : e.getFile();
    String reason = e.getReason() == null ? "" : e.getReason();
    String msg = (where.isEmpty() ? "" : where + ": ") + reason;
    GdpException g = GdpErrors.cause(e);
    boolean conflict = e.code() == FsCode.ABORTED || g != null && g.code() == GdpStatus.Code.CONFLICT
        && !(e.code() == FsCode.NOT_FOUND || e.code() == FsCode.PERMISSION_DENIED || e.code() == FsCode.DATA_LOSS);
    if (conflict) {
      String path = (where.isEmpty() || where.equals("/")) && writing != null ? writing : where;
      return GdpErrors.conflict(path, e, "run the command again");
    }
    if (e instanceof SnapshotExpiredException x) {
      return new CliException(ExitCodes.EXPIRED, "snapshot " + x.recno() + " is older than the retention horizon "
          + x.horizon() + ": a gc reclaimed it; ask for record " + x.horizon() + " or later", e);
    }
    return switch (e.code()) {
      case NOT_FOUND, OUT_OF_RANGE -> new CliException(ExitCodes.NOT_FOUND, "not found: " + msg, e);
      case ALREADY_EXISTS -> new CliException(ExitCodes.EXISTS, "already exists: " + msg, e);
      case FAILED_PRECONDITION -> new CliException(ExitCodes.EXISTS, msg, e);
      case PERMISSION_DENIED -> new CliException(ExitCodes.KEY, "permission denied (this key is not the filesystem's writer): " + msg, e);
      case DATA_LOSS -> new CliException(ExitCodes.INTEGRITY, "verification failed: " + msg, e);
      case UNAVAILABLE, DEADLINE_EXCEEDED -> {
        if (g != null && g.code() == GdpStatus.Code.NO_ROUTE) {
          // the router answered: no server holds that log (an unknown name, or a log file gone)
          yield new CliException(ExitCodes.NOT_FOUND, "not found: no server on this GDP network serves it: " + msg, e);
        }
        if (g == null || GdpErrors.noAnswer(g)) {
          yield new CliException(ExitCodes.UNREACHABLE, "the GDP network did not answer: " + msg, e);
        }
        yield GdpErrors.toCli(g, where.isEmpty() ? null : where); // it did answer: say what it said
      }
      case INVALID_ARGUMENT -> new CliException(ExitCodes.USAGE, "invalid: " + msg, e);
      default -> new CliException(ExitCodes.FAILURE, e.getMessage(), e);
    };
  }

  @FunctionalInterface
  private interface FsCall<T> {
    T call() throws FsException;
  }

  private static <T> T run(FsCall<T> c) {
    return run(null, c);
  }

  /** @param writing what a mutation writes, for a conflict's message when the engine names only the root */
  private static <T> T run(String writing, FsCall<T> c) {
    try {
      return c.call();
    } catch (FsException e) {
      throw toCli(e, writing);
    } catch (GdpException e) {
      throw GdpErrors.toCli(e, null);
    }
  }

  @Override
  public String rootName() {
    return fs.rootName().printable();
  }

  @Override
  public Snapshot snapshot(At at) {
    FsSnapshot s = run(() -> at == null ? fs.snapshot() : at.isRecno() ? fs.at(at.recno()) : fs.at(clamp(at.time())));
    return new EngineSnapshot(s);
  }

  /** The engine counts time in nanoseconds since 1970 in a long: later instants (after 2262) mean "now". */
  private static final Instant MAX_TIME = Instant.ofEpochSecond(0, Long.MAX_VALUE);

  static Instant clamp(Instant t) {
    return t.isAfter(MAX_TIME) ? MAX_TIME : t;
  }

  static Optional<PathInfo> find(ReadableFileSystem ops, String path) {
    FileStatistics st;
    try {
      st = ops.stat(path);
    } catch (FsException e) {
      if (e.code() == FsCode.NOT_FOUND || e.code() == FsCode.FAILED_PRECONDITION) {
        return Optional.empty();
      }
      throw toCli(e);
    }
    return Optional.of(new PathInfo(path, st.isDirectory(), st.isDirectory() ? 0 : st.length(),
        st.mtimeNanos() == 0 ? null : Instant.ofEpochSecond(0, st.mtimeNanos()), -1, null, null));
  }

  /** Like {@link #find(ReadableFileSystem, String)} on a snapshot, with last change, hash and signer. */
  static Optional<PathInfo> findInfo(FsSnapshot snap, String path) {
    EntryInfo st;
    try {
      st = snap.entryInfo(path);
    } catch (FsException e) {
      if (e.code() == FsCode.NOT_FOUND || e.code() == FsCode.FAILED_PRECONDITION) {
        return Optional.empty();
      }
      throw toCli(e);
    }
    return Optional.of(new PathInfo(path, st.directory(), st.size(),
        st.mtimeNanos() == 0 ? null : Instant.ofEpochSecond(0, st.mtimeNanos()), st.changedAt(),
        st.sha256().isEmpty() ? null : st.sha256(), st.signer().isEmpty() ? null : st.signer()));
  }

  private static final class EngineSnapshot implements Snapshot {
    private final FsSnapshot snap;

    EngineSnapshot(FsSnapshot snap) {
      this.snap = snap;
    }

    @Override
    public long recno() {
      return snap.recno();
    }

    @Override
    public Optional<PathInfo> find(String path) {
      return EngineFs.findInfo(snap, path);
    }

    @Override
    public List<PathInfo> list(String dir) {
      List<PathInfo> out = new ArrayList<>();
      for (String name : run(() -> snap.getChildren(dir))) {
        String p = FsCommands.join(dir, name);
        EngineFs.findInfo(snap, p).ifPresent(out::add);
      }
      return out;
    }

    @Override
    public InputStream open(String path) {
      return new FileInput(run(() -> snap.newRandomAccessFile(path)));
    }
  }

  /** Sequential reads of a {@link GdpRandomAccessFile} (verified by the engine). */
  private static final class FileInput extends InputStream {
    private final GdpRandomAccessFile file;
    private long offset;

    FileInput(GdpRandomAccessFile file) {
      this.file = file;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      int n = run(() -> file.read(offset, ByteBuffer.wrap(b, off, len)));
      if (n <= 0) {
        return -1;
      }
      offset += n;
      return n;
    }

    @Override
    public void close() {
      run(() -> {
        file.close();
        return null;
      });
    }
  }

  @Override
  public Txn begin() {
    Transaction tx = run(fs::newTransaction);
    List<String> written = java.util.Collections.synchronizedList(new ArrayList<>()); // files are written in parallel
    return new Txn() {
      @Override
      public OutputStream create(String path) {
        written.add(path);
        WritableFile w = run(() -> tx.newWritableFile(path));
        return new OutputStream() {
          @Override
          public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            run(() -> {
              w.append(ByteBuffer.wrap(b, off, len));
              return null;
            });
          }

          @Override
          public void close() {
            run(() -> {
              w.close();
              return null;
            });
          }
        };
      }

      @Override
      public void mkdirs(String path) {
        run(() -> {
          tx.recursivelyCreateDir(path);
          return null;
        });
      }

      @Override
      public long commit() {
        try {
          return tx.commit().recno();
        } catch (FsException e) {
          List<String> files;
          synchronized (written) {
            files = written.stream().sorted().toList();
          }
          String what = files.isEmpty() ? null : files.get(0) + (files.size() > 1 ? " (and " + (files.size() - 1)
              + " more)" : "");
          throw toCli(e, what);
        } catch (GdpException e) {
          throw GdpErrors.toCli(e, null);
        }
      }

      @Override
      public void close() {
        run(() -> {
          tx.close();
          return null;
        });
      }
    };
  }

  @Override
  public void mkdir(String path, boolean parents) {
    run(path, () -> {
      if (parents) {
        fs.recursivelyCreateDir(path);
      } else {
        fs.createDir(path);
      }
      return null;
    });
  }

  @Override
  public void delete(String path, boolean recursive) {
    PathInfo e = find(fs, path).orElseThrow(() -> CliException.notFound("no such file or directory: " + path));
    run(path, () -> {
      if (!e.directory()) {
        fs.deleteFile(path);
      } else if (recursive) {
        fs.deleteRecursively(path);
      } else {
        fs.deleteDir(path);
      }
      return null;
    });
  }

  @Override
  public void rename(String from, String to) {
    run(from + " -> " + to, () -> {
      fs.renamePath(from, to);
      return null;
    });
  }

  @Override
  public List<HistoryEntry> history(String path) {
    // the engine answers from its per-path index; this only groups its changes by commit and words them
    Map<Long, List<PathChange>> byCommit = new LinkedHashMap<>();
    for (PathChange c : run(() -> fs.history(path))) {
      byCommit.computeIfAbsent(c.recno(), r -> new ArrayList<>()).add(c);
    }
    boolean whole = path.equals("/");
    List<HistoryEntry> out = new ArrayList<>();
    for (List<PathChange> changes : byCommit.values()) {
      PathChange first = changes.get(0);
      String change = first.recno() == 1 && whole ? "created the filesystem" : summary(changes);
      if (change.isEmpty()) {
        if (!whole) {
          continue;
        }
        change = "no file changes (key-value pairs)";
      }
      String signer = first.signer().isEmpty() ? "(unsigned)" : "ed25519:" + first.signer().substring(0, Math.min(16, first.signer().length()));
      out.add(new HistoryEntry(first.recno(), first.time(), signer + (first.verified() ? " (verified)" : " (NOT verified)"),
          first.recordHash(), change));
    }
    return out;
  }

  /** A short description of one commit's file changes: "+a/b ~c -d" (at most 4 names). */
  static String summary(List<PathChange> changes) {
    List<String> parts = new ArrayList<>();
    int added = 0;
    int changed = 0;
    int removed = 0;
    for (PathChange c : changes) {
      if (c.path().startsWith("kv:") || c.path().equals("/")) {
        continue;
      }
      switch (c.kind()) {
        case CREATED -> {
          added++;
          parts.add("+" + c.path() + (c.directory() ? "/" : " (" + Sizes.human(c.size()) + ")"));
        }
        case MODIFIED -> {
          if (!c.directory()) {
            changed++;
            parts.add("~" + c.path() + " (" + Sizes.human(c.size()) + ")");
          }
        }
        case DELETED -> {
          removed++;
          parts.add("-" + c.path() + (c.directory() ? "/" : ""));
        }
      }
    }
    if (parts.isEmpty()) {
      return "";
    }
    String head = (added > 0 ? added + " added " : "") + (changed > 0 ? changed + " changed " : "")
        + (removed > 0 ? removed + " removed " : "");
    String names = String.join(" ", parts.subList(0, Math.min(4, parts.size())));
    return head.trim() + ": " + names + (parts.size() > 4 ? " ..." : "");
  }

  @Override
  public org.gdpstore.fs.GcReport gc(org.gdpstore.fs.RetentionPolicy policy, boolean dryRun) {
    return run(() -> fs.gc(policy, dryRun));
  }

  @Override
  public VerifyReport verify(String path) {
    try {
      return fs.verify(path); // directory records of the path's commits, and its content
    } catch (FsException e) {
      if (e.code() == FsCode.NOT_FOUND || e.code() == FsCode.FAILED_PRECONDITION) {
        throw CliException.notFound("no such file or directory: " + path);
      }
      throw toCli(e);
    } catch (GdpException e) {
      throw GdpErrors.toCli(e, null);
    }
  }

  @Override
  public void kvPut(String key, byte[] value) {
    run("key " + key, () -> fs.kv().put(key, value));
  }

  @Override
  public Optional<byte[]> kvGet(String key) {
    return run(() -> fs.kv().get(key));
  }

  @Override
  public boolean kvDelete(String key) {
    return run("key " + key, () -> fs.kv().delete(key));
  }

  @Override
  public List<Map.Entry<String, byte[]>> kvScan(String prefix) {
    return new ArrayList<>(run(() -> fs.kv().scan(prefix)).entrySet());
  }

  /** Nothing: the backend closes the filesystem when the command ends. */
  @Override
  public void close() {}
}
