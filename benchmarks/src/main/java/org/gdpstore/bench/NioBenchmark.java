package org.gdpstore.bench;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.gdpstore.client.GdpClient;
import org.gdpstore.fs.FsOptions;
import org.gdpstore.fs.GdpFileSystem;
import org.gdpstore.fs.GdpRandomAccessFile;
import org.gdpstore.fs.Transaction;
import org.gdpstore.fs.WritableFile;
import org.gdpstore.nio.GdpNio;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The {@code java.nio.file} provider against the same work done through {@link GdpFileSystem}
 * directly ({@code via=direct}) and against Jimfs ({@code via=jimfs}), on the in-process simulator
 * (every record signed by the writer and verified by the simulator; reads verified).
 *
 * <ul>
 *   <li>{@code copyIn}: one op = a 64 MiB local file copied into a new file: {@code Files.copy}
 *       (nio, jimfs) or 1 MiB reads appended to a {@code WritableFile} (direct); single-shot, s/op,
 *       a fresh simulator per op.
 *   <li>{@code copyOut}: one op = a 64 MiB file copied to a local file from a freshly reopened
 *       filesystem instance (cold cache, content hashed again, both sides): {@code Files.copy}
 *       (nio, jimfs) or 1 MiB {@code GdpRandomAccessFile} reads written to a local channel
 *       (direct); single-shot, s/op.
 *   <li>{@code list10k}: one op = listing a directory of 10,000 files: {@code newDirectoryStream}
 *       (nio, jimfs) or {@code getChildren} (direct); ms/op.
 * </ul>
 */
public class NioBenchmark {
  static final int MiB = 1 << 20;
  static final int FILE_MIB = 64;

  /**
   * Engine options of both sides: a 256 MiB chunk cache; read-ahead as the engine's default
   * unless {@code -Dnio.bench.readAhead=N} (0 turns it off: see results/nio.md for why).
   */
  static FsOptions options() {
    return FsOptions.builder().cacheBytes(256L * MiB)
        .readAheadChunks(Integer.getInteger("nio.bench.readAhead", FsOptions.DEFAULT.readAheadChunks())).build();
  }

  /** A simulator and a new filesystem on it, opened directly and through the provider. */
  static class Stack {
    SimStack stack;
    ExecutorService callbacks;
    GdpClient client;
    GdpFileSystem direct;
    FileSystem nio;
    FileSystem jimfs;

    void open(String via) throws IOException {
      if (via.equals("jimfs")) {
        jimfs = Jimfs.newFileSystem(Configuration.unix());
        return;
      }
      stack = SimStack.start(null);
      callbacks = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "nio-bench-callback");
        t.setDaemon(true);
        return t;
      });
      client = stack.client(Transport.inProcess, 256, callbacks);
      FsOptions o = options();
      if (via.equals("direct")) {
        direct = GdpFileSystem.mkfs(client, stack.keys, o);
      } else {
        var root = GdpFileSystem.format(client, stack.keys, o);
        nio = FileSystems.newFileSystem(URI.create("gdp://" + root.printable()),
            Map.of(GdpNio.CLIENT, client, GdpNio.WRITER_KEY, stack.keys, GdpNio.FS_OPTIONS, o));
      }
    }

    /** The filesystem under test as java.nio.file (nio, jimfs). */
    FileSystem files() {
      return nio != null ? nio : jimfs;
    }

    void close() throws IOException {
      if (nio != null) {
        nio.close();
      }
      if (jimfs != null) {
        jimfs.close();
      }
      if (direct != null) {
        direct.close();
      }
      if (stack != null) {
        stack.close();
        callbacks.shutdown();
      }
    }
  }

  static Path localFile(long seed) throws IOException {
    Path p = Files.createTempFile("nio-bench", ".bin");
    byte[] block = FsBenchmark.random(MiB, seed);
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
      for (int i = 0; i < FILE_MIB; i++) {
        ch.write(ByteBuffer.wrap(block));
      }
    }
    return p;
  }

  // ------------------------------------------------------------------ copy in

  @State(Scope.Thread)
  public static class CopyInState extends Stack {
    @Param({"nio", "direct", "jimfs"})
    public String via;
    Path local;

    @Setup(Level.Trial)
    public void file() throws IOException {
      local = localFile(1);
    }

    @Setup(Level.Invocation)
    public void setUp() throws IOException {
      open(via);
    }

    @TearDown(Level.Invocation)
    public void tearDown() throws IOException {
      close();
    }

    @TearDown(Level.Trial)
    public void deleteFile() throws IOException {
      Files.deleteIfExists(local);
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public long copyIn(CopyInState s) throws IOException {
    if (s.direct != null) {
      WritableFile w = s.direct.newWritableFile("/in.bin");
      ByteBuffer buf = ByteBuffer.allocate(MiB);
      try (FileChannel in = FileChannel.open(s.local)) {
        while (in.read(buf.clear()) > 0) {
          w.append(buf.flip());
        }
      }
      w.close();
      return s.direct.getFileSize("/in.bin");
    }
    Path target = s.files().getPath("/in.bin");
    Files.copy(s.local, target);
    return Files.size(target);
  }

  // ------------------------------------------------------------------ copy out

  @State(Scope.Thread)
  public static class CopyOutState extends Stack {
    @Param({"nio", "direct", "jimfs"})
    public String via;
    Path local;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      open(via);
      Path src = localFile(2);
      try {
        if (direct != null) {
          try (Transaction tx = direct.newTransaction()) {
            WritableFile w = tx.newWritableFile("/out.bin");
            w.append(ByteBuffer.wrap(Files.readAllBytes(src)));
            w.close();
            tx.commit();
          }
        } else {
          Files.copy(src, files().getPath("/out.bin"));
        }
      } finally {
        Files.delete(src);
      }
      local = Files.createTempFile("nio-bench-out", ".bin");
    }

    /**
     * Cold start for every copy, the same for both sides: the filesystem instance is reopened
     * (directory log replayed, empty chunk cache, content not yet hash-checked in this instance),
     * so each copy fetches, verifies and hashes the 64 MiB again. (Flushing only the direct
     * instance's cache would let it skip the SHA-256 that the reopened provider must do.)
     */
    @Setup(Level.Invocation)
    public void reopen() throws IOException {
      if (direct != null) {
        var root = direct.rootName();
        direct.close();
        direct = GdpFileSystem.open(client, root, stack.keys, options());
      }
      if (nio != null) {
        URI uri = nio.getPath("/").toUri();
        nio.close();
        nio = FileSystems.newFileSystem(URI.create("gdp://" + uri.getRawAuthority()),
            Map.of(GdpNio.CLIENT, client, GdpNio.WRITER_KEY, stack.keys, GdpNio.FS_OPTIONS, options()));
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      close();
      Files.deleteIfExists(local);
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public long copyOut(CopyOutState s) throws IOException {
    if (s.direct != null) {
      ByteBuffer buf = ByteBuffer.allocate(MiB);
      long off = 0;
      try (GdpRandomAccessFile in = s.direct.newRandomAccessFile("/out.bin");
          FileChannel out = FileChannel.open(s.local, StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        int n;
        while ((n = in.read(off, buf.clear())) > 0) {
          off += n;
          buf.flip();
          while (buf.hasRemaining()) {
            out.write(buf);
          }
        }
      }
      return off;
    }
    Files.copy(s.files().getPath("/out.bin"), s.local, StandardCopyOption.REPLACE_EXISTING);
    return Files.size(s.local);
  }

  // ------------------------------------------------------------------ listing

  @State(Scope.Thread)
  public static class ListState extends Stack {
    @Param({"nio", "direct", "jimfs"})
    public String via;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      open(via);
      if (direct != null) {
        direct.createDir("/d");
        try (Transaction tx = direct.newTransaction()) {
          for (int i = 0; i < 10_000; i++) {
            tx.writeFile("/d/f" + i, new byte[0]);
          }
          tx.commit();
        }
      } else {
        Path d = Files.createDirectory(files().getPath("/d"));
        if (nio != null) {
          try (var tx = GdpNio.beginTransaction(nio)) {
            for (int i = 0; i < 10_000; i++) {
              Files.write(tx.path("/d/f" + i), new byte[0]);
            }
            tx.commit();
          }
        } else {
          for (int i = 0; i < 10_000; i++) {
            Files.write(d.resolve("f" + i), new byte[0]);
          }
        }
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      close();
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int list10k(ListState s) throws IOException {
    if (s.direct != null) {
      return s.direct.getChildren("/d").size();
    }
    int n = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(s.files().getPath("/d"))) {
      for (Path p : ds) {
        n += p.getNameCount();
      }
    }
    return n;
  }
}
