package org.gdpstore.bench;

import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.gdpstore.client.GdpClient;
import org.gdpstore.fs.CommitResult;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.FsOptions;
import org.gdpstore.fs.GdpFileSystem;
import org.gdpstore.fs.GdpRandomAccessFile;
import org.gdpstore.fs.Transaction;
import org.gdpstore.fs.WritableFile;
import org.gdpstore.wire.GdpName;
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
 * fs-engine on log-client on the in-process simulator (every file chunk and directory record is
 * Ed25519-signed by the filesystem's writer and verified by the simulator; reads verify unless
 * said otherwise). Default {@link FsOptions} except the cache size, which holds the whole test file.
 *
 * <ul>
 *   <li>{@code sequentialWrite}: one op = a 64 MiB file written in 1 MiB appends and published
 *       (close); single-shot, s/op. A fresh simulator per op.
 *   <li>{@code sequentialRead}: one op = the next 1 MiB of a 64 MiB file read in order, warm cache.
 *   <li>{@code randomRead4KiB}: one op = 4 KiB at a random offset of a 16 MiB file; {@code cache}
 *       = warm (file cached) or cold (cache disabled: every read fetches and verifies a chunk).
 *   <li>{@code create1KiBFile}: one op = a new 1 KiB file (one atomic, signed commit).
 *   <li>{@code commit100Files}: one op = a transaction creating 100 files of 1 KiB, committed.
 *   <li>{@code kvPut} / {@code kvGet}: one op = put (one commit) / get of a 100-byte value.
 * </ul>
 */
public class FsBenchmark {
  static final int MiB = 1 << 20;

  /** A simulator, a client and a new filesystem on it. */
  static class Fs {
    SimStack stack;
    GdpClient client;
    GdpFileSystem fs;

    void open(long cacheBytes) throws FsException {
      stack = SimStack.start(null);
      // the filesystem blocks on client futures: complete them on a pool, not on the network thread
      client = stack.client(Transport.inProcess, 256, ForkJoinPool.commonPool());
      fs = GdpFileSystem.mkfs(client, stack.keys, options(cacheBytes));
    }

    void close() {
      if (fs != null) {
        fs.close();
      }
      stack.close();
    }
  }

  /** Default options (read-ahead of 8 chunks included) with a cache of {@code cacheBytes}. */
  static FsOptions options(long cacheBytes) {
    return FsOptions.builder().cacheBytes(cacheBytes).build();
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  static void writeFile(GdpFileSystem fs, String path, int mib, byte[] block) throws FsException {
    WritableFile w = fs.newWritableFile(path);
    for (int i = 0; i < mib; i++) {
      w.append(block);
    }
    w.close();
  }

  // ------------------------------------------------------------------ sequential write

  /** A fresh filesystem per op (the in-memory simulator would otherwise keep every 64 MiB). */
  @State(Scope.Thread)
  public static class WriteState extends Fs {
    final byte[] block = random(MiB, 1);

    @Setup(Level.Invocation)
    public void setUp() throws FsException {
      open(16L * MiB);
    }

    @TearDown(Level.Invocation)
    public void tearDown() {
      close();
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public void sequentialWrite(WriteState s) throws FsException {
    writeFile(s.fs, "/seq.bin", 64, s.block);
  }

  // ------------------------------------------------------------------ sequential read, warm

  /** A 64 MiB file, read once to fill a cache that holds it. */
  @State(Scope.Thread)
  public static class SeqReadState extends Fs {
    GdpRandomAccessFile file;
    final java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(MiB);
    long offset;

    @Setup(Level.Trial)
    public void setUp() throws FsException {
      open(256L * MiB);
      writeFile(fs, "/seq.bin", 64, random(MiB, 2));
      file = fs.newRandomAccessFile("/seq.bin");
      for (long o = 0; o < file.length(); o += MiB) {
        buf.clear();
        file.read(o, buf);
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      file.close();
      close();
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public int sequentialRead(SeqReadState s) throws FsException {
    s.buf.clear();
    int n = s.file.read(s.offset, s.buf);
    if (n != MiB) {
      throw new IllegalStateException("short read " + n + " at " + s.offset);
    }
    s.offset = s.offset + MiB >= s.file.length() ? 0 : s.offset + MiB;
    return n;
  }

  // ------------------------------------------------------------------ random 4 KiB reads

  /** A 16 MiB file; warm = cached (read once), cold = a reader with the cache disabled. */
  @State(Scope.Thread)
  public static class RandomReadState extends Fs {
    @Param({"warm", "cold"})
    public String cache;

    GdpFileSystem reader;
    GdpRandomAccessFile file;
    final java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4096);
    final SplittableRandom random = new SplittableRandom(11);

    @Setup(Level.Trial)
    public void setUp() throws FsException {
      open(64L * MiB);
      writeFile(fs, "/rand.bin", 16, random(MiB, 3));
      GdpName root = fs.rootName();
      boolean warm = cache.equals("warm");
      // the reader is a second, read-only filesystem on the same logs, as another process would be
      reader = GdpFileSystem.open(client, root, null, options(warm ? 64L * MiB : 0));
      file = reader.newRandomAccessFile("/rand.bin");
      if (warm) {
        java.nio.ByteBuffer all = java.nio.ByteBuffer.allocate(MiB);
        for (long o = 0; o < file.length(); o += MiB) {
          all.clear();
          file.read(o, all);
        }
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      file.close();
      reader.close();
      close();
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public int randomRead4KiB(RandomReadState s) throws FsException {
    long offset = s.random.nextLong(s.file.length() / 4096) * 4096;
    s.buf.clear();
    return s.file.read(offset, s.buf);
  }

  // ------------------------------------------------------------------ small files, commits, KV

  /** A filesystem that small writes go to. */
  @State(Scope.Thread)
  public static class SmallState extends Fs {
    final byte[] kib = random(1024, 4);
    final byte[] value = random(100, 5);
    long n;

    @Setup(Level.Trial)
    public void setUp() throws FsException {
      open(16L * MiB);
      fs.createDir("/d");
      for (int i = 0; i < 1000; i++) {
        fs.kv().put("key-" + i, value);
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      close();
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public void create1KiBFile(SmallState s) throws FsException {
    s.fs.writeFile("/d/f" + (s.n++), s.kib);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public CommitResult commit100Files(SmallState s) throws FsException {
    long batch = s.n++;
    try (Transaction t = s.fs.newTransaction()) {
      t.createDir("/t" + batch);
      for (int i = 0; i < 100; i++) {
        t.writeFile("/t" + batch + "/f" + i, s.kib);
      }
      return t.commit();
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public CommitResult kvPut(SmallState s) throws FsException {
    return s.fs.kv().put("put-" + (s.n++), s.value);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public byte[] kvGet(SmallState s) throws FsException {
    return s.fs.kv().get("key-" + (s.n++ % 1000)).orElseThrow();
  }
}
