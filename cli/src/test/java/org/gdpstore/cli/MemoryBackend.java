package org.gdpstore.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;

/**
 * A test double of the fs backend, kept in memory for the life of one test: lets the command
 * logic (argument handling, planning, output, exit codes) be tested without the GDP stack. The
 * process-level tests run the real stack.
 */
final class MemoryBackend implements Backend {
  private final Map<GdpName, MemFs> filesystems = new HashMap<>();
  private int counter;
  private long clock = Instant.parse("2026-11-22T02:00:00Z").getEpochSecond();

  Backend.Factory factory() {
    return (env, home, options) -> this;
  }

  @Override
  public RemoteFs createFs(Ed25519Keys writer) {
    GdpName name = GdpName.sha256("fs-" + (++counter));
    MemFs fs = new MemFs(name, writer.publicKey());
    filesystems.put(name, fs);
    return fs.handle(writer);
  }

  @Override
  public RemoteFs openFs(GdpName root, Ed25519Keys writer) throws IOException {
    MemFs fs = filesystems.get(root);
    if (fs == null) {
      throw CliException.notFound("no filesystem with root log " + root);
    }
    return fs.handle(writer);
  }

  @Override
  public RawLogs logs() {
    throw CliException.notAvailable("raw logs in the memory backend");
  }

  @Override
  public void close() {}

  private record Node(boolean dir, byte[] data, Instant modified, long version) {}

  private final class MemFs {
    final GdpName root;
    final byte[] writer;
    final List<TreeMap<String, Node>> versions = new ArrayList<>();
    final List<Instant> times = new ArrayList<>();
    final List<String> summaries = new ArrayList<>();
    final TreeMap<String, byte[]> kv = new TreeMap<>();

    MemFs(GdpName root, byte[] writer) {
      this.root = root;
      this.writer = writer;
      TreeMap<String, Node> first = new TreeMap<>();
      first.put("/", new Node(true, null, Instant.ofEpochSecond(clock), 1));
      versions.add(first);
      times.add(Instant.ofEpochSecond(clock));
      summaries.add("create filesystem");
    }

    TreeMap<String, Node> latest() {
      return versions.get(versions.size() - 1);
    }

    long commit(TreeMap<String, Node> next, String summary) {
      versions.add(next);
      clock += 60;
      times.add(Instant.ofEpochSecond(clock));
      summaries.add(summary);
      return versions.size();
    }

    RemoteFs handle(Ed25519Keys key) {
      return new Handle(key);
    }

    final class Handle implements RemoteFs {
      final Ed25519Keys key;

      Handle(Ed25519Keys key) {
        this.key = key;
      }

      void checkWriter() {
        if (key == null || !Arrays.equals(key.publicKey(), writer)) {
          throw CliException.key("this key is not the writer of filesystem " + root);
        }
      }

      @Override
      public String rootName() {
        return root.printable();
      }

      @Override
      public Snapshot snapshot(At at) throws IOException {
        int idx = versions.size() - 1;
        if (at != null && at.isRecno()) {
          if (at.recno() < 1 || at.recno() > versions.size()) {
            throw CliException.notFound("no directory record " + at.recno());
          }
          idx = (int) at.recno() - 1;
        } else if (at != null) {
          idx = -1;
          for (int i = 0; i < times.size(); i++) {
            if (!times.get(i).isAfter(at.time())) {
              idx = i;
            }
          }
          if (idx < 0) {
            throw CliException.notFound("the filesystem did not exist at " + at.time());
          }
        }
        TreeMap<String, Node> v = versions.get(idx);
        long recno = idx + 1;
        return new Snapshot() {
          @Override
          public long recno() {
            return recno;
          }

          @Override
          public Optional<PathInfo> find(String path) {
            Node n = v.get(path);
            return Optional.ofNullable(n).map(x -> entry(path, x));
          }

          @Override
          public List<PathInfo> list(String dir) throws IOException {
            Node n = v.get(dir);
            if (n == null) {
              throw new NoSuchFileException(dir);
            }
            if (!n.dir()) {
              throw new NotDirectoryException(dir);
            }
            List<PathInfo> out = new ArrayList<>();
            for (var e : v.entrySet()) {
              if (isChild(dir, e.getKey())) {
                out.add(entry(e.getKey(), e.getValue()));
              }
            }
            return out;
          }

          @Override
          public InputStream open(String path) throws IOException {
            Node n = v.get(path);
            if (n == null) {
              throw new NoSuchFileException(path);
            }
            return new ByteArrayInputStream(n.data());
          }
        };
      }

      PathInfo entry(String path, Node n) {
        return new PathInfo(path, n.dir(), n.dir() ? 0 : n.data().length, n.modified(), n.version(),
            n.dir() ? null : HexFormat.of().formatHex(n.data().length == 0 ? new byte[0] : new byte[] {(byte) n.data().length}), null);
      }

      @Override
      public Txn begin() {
        checkWriter();
        TreeMap<String, Node> next = new TreeMap<>(latest());
        long version = versions.size() + 1;
        return new Txn() {
          int files;

          @Override
          public synchronized OutputStream create(String path) throws IOException {
            Node existing = next.get(path);
            if (existing != null && existing.dir()) {
              throw new FileAlreadyExistsException(path);
            }
            requireParentDir(next, path);
            files++;
            return new ByteArrayOutputStream() {
              @Override
              public void close() {
                byte[] data = toByteArray();
                synchronized (txn()) {
                  next.put(path, new Node(false, data, Instant.ofEpochSecond(clock + 60), version));
                }
              }
            };
          }

          Txn txn() {
            return this;
          }

          @Override
          public synchronized void mkdirs(String path) throws IOException {
            mkdirsIn(next, path, version);
          }

          @Override
          public synchronized long commit() {
            return MemFs.this.commit(next, "put " + files + " files");
          }

          @Override
          public void close() {}
        };
      }

      @Override
      public void mkdir(String path, boolean parents) throws IOException {
        checkWriter();
        TreeMap<String, Node> next = new TreeMap<>(latest());
        long version = versions.size() + 1;
        Node n = next.get(path);
        if (n != null) {
          if (parents && n.dir()) {
            return;
          }
          throw new FileAlreadyExistsException(path);
        }
        if (parents) {
          mkdirsIn(next, path, version);
        } else {
          requireParentDir(next, path);
          next.put(path, new Node(true, null, Instant.ofEpochSecond(clock + 60), version));
        }
        commit(next, "mkdir " + path);
      }

      @Override
      public void delete(String path, boolean recursive) throws IOException {
        checkWriter();
        TreeMap<String, Node> next = new TreeMap<>(latest());
        Node n = next.get(path);
        if (n == null) {
          throw new NoSuchFileException(path);
        }
        boolean hasChildren = next.keySet().stream().anyMatch(k -> k.startsWith(path + "/"));
        if (n.dir() && hasChildren && !recursive) {
          throw new DirectoryNotEmptyException(path);
        }
        next.keySet().removeIf(k -> k.equals(path) || k.startsWith(path + "/"));
        commit(next, "rm " + path);
      }

      @Override
      public void rename(String from, String to) throws IOException {
        checkWriter();
        TreeMap<String, Node> next = new TreeMap<>(latest());
        if (!next.containsKey(from)) {
          throw new NoSuchFileException(from);
        }
        if (next.containsKey(to)) {
          throw new FileAlreadyExistsException(to);
        }
        requireParentDir(next, to);
        TreeMap<String, Node> moved = new TreeMap<>();
        next.entrySet().removeIf(e -> {
          if (e.getKey().equals(from) || e.getKey().startsWith(from + "/")) {
            moved.put(to + e.getKey().substring(from.length()), e.getValue());
            return true;
          }
          return false;
        });
        next.putAll(moved);
        commit(next, "mv " + from + " " + to);
      }

      @Override
      public List<HistoryEntry> history(String path) {
        List<HistoryEntry> out = new ArrayList<>();
        for (int i = 0; i < versions.size(); i++) {
          if (path.equals("/") || summaries.get(i).contains(path) || changed(i, path)) {
            out.add(new HistoryEntry(i + 1, times.get(i), HexFormat.of().formatHex(writer).substring(0, 16),
                GdpName.sha256(root + "#" + i).toHex(), summaries.get(i)));
          }
        }
        return out;
      }

      private boolean changed(int i, String path) {
        Node now = versions.get(i).get(path);
        Node before = i == 0 ? null : versions.get(i - 1).get(path);
        return now != before;
      }

      @Override
      public org.gdpstore.fs.VerifyReport verify(String path) {
        long files = latest().values().stream().filter(n -> !n.dir()).count();
        long bytes = latest().values().stream().filter(n -> !n.dir()).mapToLong(n -> n.data().length).sum();
        return new org.gdpstore.fs.VerifyReport(versions.size(), versions.size(), files, bytes, Map.of());
      }

      @Override
      public void kvPut(String k, byte[] value) {
        checkWriter();
        kv.put(k, value.clone());
      }

      @Override
      public Optional<byte[]> kvGet(String k) {
        return Optional.ofNullable(kv.get(k)).map(byte[]::clone);
      }

      @Override
      public boolean kvDelete(String k) {
        checkWriter();
        return kv.remove(k) != null;
      }

      @Override
      public List<Map.Entry<String, byte[]>> kvScan(String prefix) {
        List<Map.Entry<String, byte[]>> out = new ArrayList<>();
        kv.forEach((k, v) -> {
          if (k.startsWith(prefix)) {
            out.add(Map.entry(k, v.clone()));
          }
        });
        return out;
      }

      @Override
      public void close() {}
    }
  }

  static boolean isChild(String dir, String path) {
    if (path.equals(dir) || path.equals("/")) {
      return false;
    }
    String prefix = dir.equals("/") ? "/" : dir + "/";
    return path.startsWith(prefix) && path.indexOf('/', prefix.length()) < 0;
  }

  static String parent(String path) {
    int i = path.lastIndexOf('/');
    return i <= 0 ? "/" : path.substring(0, i);
  }

  void requireParentDir(TreeMap<String, Node> v, String path) throws IOException {
    Node p = v.get(parent(path));
    if (p == null) {
      throw new NoSuchFileException(parent(path));
    }
    if (!p.dir()) {
      throw new NotDirectoryException(parent(path));
    }
  }

  void mkdirsIn(TreeMap<String, Node> v, String path, long version) throws IOException {
    if (path.equals("/")) {
      return;
    }
    mkdirsIn(v, parent(path), version);
    Node n = v.get(path);
    if (n == null) {
      v.put(path, new Node(true, null, Instant.ofEpochSecond(clock + 60), version));
    } else if (!n.dir()) {
      throw new FileAlreadyExistsException(path);
    }
  }
}
