package org.gdpstore.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.gdpstore.client.GdpException;
import org.gdpstore.client.GdpStatus;
import org.gdpstore.client.LogReader;
import org.gdpstore.client.LogRecord;
import org.gdpstore.fs.FileStatistics;
import org.gdpstore.fs.FsCode;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.FsSnapshot;
import org.gdpstore.fs.GdpFileSystem;
import org.gdpstore.fs.RandomAccessFile;
import org.gdpstore.fs.ReadOps;
import org.gdpstore.fs.Transaction;
import org.gdpstore.fs.WritableFile;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.KeyEntry;
import java.util.function.Function;

/**
 * {@link RemoteFs} on the fs-engine's {@link GdpFileSystem}. Engine failures ({@link FsException}
 * with a TensorFlow status code) become {@link CliException}s with the CLI's exit codes and a
 * {@code gdp://} path in the message. Not thread-safe (one command at a time).
 */
final class EngineFs implements RemoteFs {
  private final GdpFileSystem fs;
  private final Function<GdpName, LogReader> readers;

  /**
   * @param fs the filesystem; owned by the backend, which closes it
   * @param readers shared verifying readers of raw logs (for history and verification)
   */
  EngineFs(GdpFileSystem fs, Function<GdpName, LogReader> readers) {
    this.fs = fs;
    this.readers = readers;
  }

  /** An engine failure as a user error. */
  static CliException toCli(FsException e) {
    String where = e.getFile() == null ? "" : e.getFile();
    String reason = e.getReason() == null ? "" : e.getReason();
    String msg = (where.isEmpty() ? "" : where + ": ") + reason;
    return switch (e.code()) {
      case NOT_FOUND, OUT_OF_RANGE -> new CliException(ExitCodes.NOT_FOUND, "not found: " + msg, e);
      case ALREADY_EXISTS -> new CliException(ExitCodes.EXISTS, "already exists: " + msg, e);
      case FAILED_PRECONDITION, ABORTED -> new CliException(ExitCodes.EXISTS, msg, e);
      case PERMISSION_DENIED -> new CliException(ExitCodes.KEY, "permission denied (this key is not the filesystem's writer): " + msg, e);
      case DATA_LOSS -> new CliException(ExitCodes.INTEGRITY, "verification failed: " + msg, e);
      case UNAVAILABLE, DEADLINE_EXCEEDED -> noRoute(e)
          // the router answered: no server holds that log (an unknown name, or a log file gone)
          ? new CliException(ExitCodes.NOT_FOUND, "not found: no server on this GDP network serves it: " + msg, e)
          : new CliException(ExitCodes.UNREACHABLE, "the GDP network did not answer: " + msg, e);
      case INVALID_ARGUMENT -> new CliException(ExitCodes.USAGE, "invalid: " + msg, e);
      default -> new CliException(ExitCodes.FAILURE, e.getMessage(), e);
    };
  }

  private static boolean noRoute(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof GdpException g) {
        return g.code() == GdpStatus.Code.NO_ROUTE;
      }
    }
    return false;
  }

  @FunctionalInterface
  private interface FsCall<T> {
    T call() throws FsException;
  }

  private static <T> T run(FsCall<T> c) {
    try {
      return c.call();
    } catch (FsException e) {
      throw toCli(e);
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

  static Optional<Entry> find(ReadOps ops, String path) {
    FileStatistics st;
    try {
      st = ops.stat(path);
    } catch (FsException e) {
      if (e.code() == FsCode.NOT_FOUND || e.code() == FsCode.FAILED_PRECONDITION) {
        return Optional.empty();
      }
      throw toCli(e);
    }
    return Optional.of(new Entry(path, st.isDirectory(), st.isDirectory() ? 0 : st.length(),
        st.mtimeNanos() == 0 ? null : Instant.ofEpochSecond(0, st.mtimeNanos()), -1, null));
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
    public Optional<Entry> find(String path) {
      return EngineFs.find(snap, path);
    }

    @Override
    public List<Entry> list(String dir) {
      List<Entry> out = new ArrayList<>();
      for (String name : run(() -> snap.getChildren(dir))) {
        String p = FsCommands.join(dir, name);
        EngineFs.find(snap, p).ifPresent(out::add);
      }
      return out;
    }

    @Override
    public InputStream open(String path) {
      return new FileInput(run(() -> snap.newRandomAccessFile(path)));
    }
  }

  /** Sequential reads of a {@link RandomAccessFile} (verified by the engine). */
  private static final class FileInput extends InputStream {
    private final RandomAccessFile file;
    private long offset;

    FileInput(RandomAccessFile file) {
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
    return new Txn() {
      @Override
      public OutputStream create(String path) {
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
        return run(() -> tx.commit().recno());
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
    run(() -> {
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
    Entry e = find(fs, path).orElseThrow(() -> CliException.notFound("no such file or directory: " + path));
    run(() -> {
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
    run(() -> {
      fs.renameFile(from, to);
      return null;
    });
  }

  /** Everything under {@code path} in a snapshot: path -> statistics (files and directories). */
  private static TreeMap<String, FileStatistics> walk(ReadOps ops, String path) {
    TreeMap<String, FileStatistics> out = new TreeMap<>();
    FileStatistics st;
    try {
      st = ops.stat(path);
    } catch (FsException e) {
      return out;
    }
    out.put(path, st);
    if (st.isDirectory()) {
      for (String name : run(() -> ops.getChildren(path))) {
        out.putAll(walk(ops, FsCommands.join(path, name)));
      }
    }
    return out;
  }

  @Override
  public List<HistoryEntry> history(String path) {
    List<Long> commits = new ArrayList<>(fs.commits());
    if (!commits.contains(1L)) {
      commits.add(0, 1L); // record 1: the filesystem's creation
    }
    List<HistoryEntry> out = new ArrayList<>();
    TreeMap<String, FileStatistics> before = new TreeMap<>();
    boolean whole = path.equals("/");
    try {
      LogReader dir = readers.apply(fs.rootName());
      String signer = dir.metadata().writerKey().map(EngineFs::keyHex).orElse("(unsigned)");
      for (long c : commits) {
        TreeMap<String, FileStatistics> now = c == 1 ? new TreeMap<>() : walk(run(() -> fs.at(c)), path);
        if (whole) {
          now.remove("/");
        }
        String change = diff(before, now);
        before = now;
        if (c == 1) {
          if (!whole) {
            continue;
          }
          change = "created the filesystem";
        } else if (change.isEmpty()) {
          if (!whole) {
            continue;
          }
          change = "no file changes (key-value pairs)";
        }
        LogRecord rec = dir.read(c);
        out.add(new HistoryEntry(c, rec.timestamp(), signer + (rec.verified() ? " (verified)" : " (NOT verified)"),
            HexFormat.of().formatHex(rec.recordHashBytes()), change));
      }
    } catch (GdpException e) {
      throw GdpErrors.toCli(e, "directory log " + fs.rootName());
    }
    return out;
  }

  /** First 16 hex digits of the raw key at the end of a key entry's DER. */
  static String keyHex(KeyEntry k) {
    ByteBuffer der = k.der().duplicate();
    byte[] b = new byte[der.remaining()];
    der.get(b);
    String hex = HexFormat.of().formatHex(b, Math.max(0, b.length - 32), b.length);
    return "ed25519:" + hex.substring(0, Math.min(16, hex.length()));
  }

  /** A short description of what changed between two walks: "+a/b ~c -d" (at most 4 names). */
  static String diff(Map<String, FileStatistics> before, Map<String, FileStatistics> now) {
    List<String> parts = new ArrayList<>();
    int added = 0;
    int changed = 0;
    int removed = 0;
    for (var e : now.entrySet()) {
      FileStatistics old = before.get(e.getKey());
      if (old == null) {
        added++;
        parts.add("+" + e.getKey() + (e.getValue().isDirectory() ? "/" : " (" + Sizes.human(e.getValue().length()) + ")"));
      } else if (!old.equals(e.getValue()) && !e.getValue().isDirectory()) {
        changed++;
        parts.add("~" + e.getKey() + " (" + Sizes.human(e.getValue().length()) + ")");
      }
    }
    for (var e : before.entrySet()) {
      if (!now.containsKey(e.getKey())) {
        removed++;
        parts.add("-" + e.getKey() + (e.getValue().isDirectory() ? "/" : ""));
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
  public VerifyReport verify(String path) {
    List<String> problems = new ArrayList<>();
    long records = 0;
    // the directory log: every record's signature and hash, through a verifying reader
    try {
      LogReader dir = readers.apply(fs.rootName());
      long last = dir.lastRecno();
      for (long next = 1; next <= last; ) {
        List<LogRecord> got;
        int want = (int) Math.min(128, last - next + 1);
        try {
          got = dir.readRange(next, want);
        } catch (GdpException e) {
          if (want > 1) {
            // a bad record fails the whole range: read this one alone to name the bad one exactly
            try {
              got = dir.readRange(next, 1);
            } catch (GdpException one) {
              e = one;
              got = null;
            }
          } else {
            got = null;
          }
          if (got == null) {
            problems.add("directory log " + fs.rootName() + " record " + next + ": " + e.getMessage());
            next++;
            continue;
          }
        }
        if (got.isEmpty()) {
          break;
        }
        for (LogRecord r : got) {
          records++;
          if (!r.verified()) {
            problems.add("directory log record " + r.recno() + " carries no verifiable signature");
          }
          next = r.recno() + 1;
        }
      }
    } catch (GdpException e) {
      problems.add("directory log: " + e.getMessage());
    }
    // every file under the path: its chunk records (signatures) and its whole-content hash
    long files = 0;
    long bytes = 0;
    FsSnapshot snap = fs.snapshot();
    for (var e : walk(snap, path).entrySet()) {
      if (e.getValue().isDirectory()) {
        continue;
      }
      files++;
      try (RandomAccessFile f = snap.newRandomAccessFile(e.getKey())) {
        ByteBuffer buf = ByteBuffer.allocate(256 * 1024);
        long off = 0;
        int n;
        while ((n = f.read(off, buf.clear())) > 0) {
          off += n;
        }
        bytes += off;
      } catch (FsException ex) {
        problems.add(e.getKey() + ": " + ex.getMessage());
      }
    }
    if (files == 0 && walk(snap, path).isEmpty()) {
      throw CliException.notFound("no such file or directory: " + path);
    }
    return new VerifyReport(records, files, bytes, problems);
  }

  @Override
  public void kvPut(String key, byte[] value) {
    run(() -> fs.kv().put(key, value));
  }

  @Override
  public Optional<byte[]> kvGet(String key) {
    return run(() -> fs.kv().get(key));
  }

  @Override
  public boolean kvDelete(String key) {
    return run(() -> fs.kv().delete(key));
  }

  @Override
  public List<Map.Entry<String, byte[]>> kvScan(String prefix) {
    return new ArrayList<>(run(() -> fs.kv().scan(prefix)).entrySet());
  }

  /** Nothing: the backend closes the filesystem when the command ends. */
  @Override
  public void close() {}
}
