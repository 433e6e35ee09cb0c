package org.gdpstore.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.gdpstore.client.GdpClient;
import org.gdpstore.fs.internal.ClientLogStore;
import org.gdpstore.fs.internal.InMemoryLogStore;
import org.gdpstore.sim.GdpSimulator;
import org.gdpstore.wire.GdpName;
import org.junit.jupiter.api.Test;

/**
 * Read-ahead racing synchronous reads of the same chunks (the cache path: files up to a quarter of
 * the cache): many sequential readers of one file, out of step, on a freshly reopened filesystem,
 * small chunks (many records), through the simulator and through a store whose answers come late
 * and out of order. Every reader must get the exact bytes, in bounded time, and a chunk being read
 * ahead is not fetched a second time.
 */
class ReadAheadRaceTest {
  private static final int READERS = 6;

  @Test
  void manySequentialReadersOfAFreshlyReopenedFile() throws Exception {
    ExecutorService callbacks = Executors.newCachedThreadPool(daemon("callback"));
    ExecutorService readers = Executors.newFixedThreadPool(READERS, daemon("reader"));
    try (GdpSimulator sim = GdpSimulator.builder().inProcess().start();
        GdpClient client = client(sim, callbacks)) {
      byte[] data = randomBytes(1 << 20, 5);
      FsOptions o = smallChunks(data);
      GdpName root;
      try (GdpFileSystem fs = GdpFileSystem.mkfs(new ClientLogStore(client, true), LogBackend.KEYS, o)) {
        root = fs.rootName();
        try (WritableFile w = fs.newWritableFile("/f")) {
          w.append(ByteBuffer.wrap(data));
        }
      }
      for (int round = 0; round < 2; round++) {
        try (GdpFileSystem fs = GdpFileSystem.open(new ClientLogStore(client, true), root, null, o)) {
          List<Future<byte[]>> got = new ArrayList<>();
          for (int t = 0; t < READERS; t++) {
            int step = 10_000 + 7_919 * t; // readers out of step: their reads and read-aheads overlap
            got.add(readers.submit(() -> readInOrder(fs, data.length, step)));
          }
          for (Future<byte[]> f : got) {
            try {
              assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(data);
            } catch (TimeoutException e) {
              throw new AssertionError("a reader hung; threads:\n" + threadDump(), e);
            }
          }
        }
      }
    } finally {
      readers.shutdownNow();
      callbacks.shutdownNow();
    }
  }

  /**
   * The same race without the network: every chunk read and read-ahead of the in-memory store
   * completes after a random delay on another thread (so answers overtake each other), many
   * readers out of step, the file in the cache path.
   */
  @Test
  void delayedAndReorderedChunkReads() throws Exception {
    ExecutorService readers = Executors.newFixedThreadPool(8, daemon("reader"));
    java.util.concurrent.ScheduledExecutorService delays = Executors.newScheduledThreadPool(3, daemon("store"));
    try {
      InMemoryLogStore mem = new InMemoryLogStore();
      byte[] data = randomBytes(1 << 20, 6);
      FsOptions o = smallChunks(data);
      GdpName root = fsWithFile(mem, data, o);
      for (int round = 0; round < 20; round++) {
        DelayingLogStore slow = new DelayingLogStore(mem, delays, new Random(round));
        try (GdpFileSystem fs = GdpFileSystem.open(slow, root, null, o)) {
          List<Future<byte[]>> got = new ArrayList<>();
          for (int t = 0; t < 8; t++) {
            int step = 3_000 + 4_999 * t;
            got.add(readers.submit(() -> readInOrder(fs, data.length, step)));
          }
          for (Future<byte[]> f : got) {
            try {
              assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(data);
            } catch (TimeoutException e) {
              throw new AssertionError("a reader hung in round " + round + "; threads:\n" + threadDump(), e);
            }
          }
        }
      }
    } finally {
      readers.shutdownNow();
      delays.shutdownNow();
    }
  }

  /**
   * A reader that reaches chunks a read-ahead is still fetching waits for them instead of fetching
   * each a second time: one sequential pass over slow reads loads every chunk once.
   */
  @Test
  void aReaderWaitsForTheReadAheadOfItsChunkInsteadOfFetchingItTwice() throws Exception {
    java.util.concurrent.ScheduledExecutorService delays = Executors.newScheduledThreadPool(2, daemon("store"));
    try {
      InMemoryLogStore mem = new InMemoryLogStore();
      byte[] data = randomBytes(256 << 10, 7);
      FsOptions o = smallChunks(data);
      GdpName root = fsWithFile(mem, data, o);
      try (GdpFileSystem fs = GdpFileSystem.open(new DelayingLogStore(mem, delays, new Random(1)), root, null, o)) {
        assertThat(readInOrder(fs, data.length, 5 * 4096)).isEqualTo(data); // reads of 5 chunks outrun 8 read ahead
        CacheStats st = fs.cacheStats();
        assertThat(st.readAheadRecords()).as("%s", st).isGreaterThan(40);
        // every chunk once (64 chunks of 4,096 bytes), bar a slack of two; without the wait about 20% more
        assertThat(st.loadedBytes()).as("%s", st).isLessThanOrEqualTo(data.length + 2 * 4096L);
      }
    } finally {
      delays.shutdownNow();
    }
  }

  private static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** 4 KiB chunks (many records), 8 read ahead, a cache four times the file (the cache path). */
  private static FsOptions smallChunks(byte[] data) {
    return FsOptions.builder().chunkSize(4096).cacheBytes(data.length * 4L).readAheadChunks(8).build();
  }

  /** A new filesystem in {@code mem} holding {@code data} as /f; returns its root. */
  private static GdpName fsWithFile(InMemoryLogStore mem, byte[] data, FsOptions o) throws FsException {
    try (GdpFileSystem fs = GdpFileSystem.mkfs(mem, LogBackend.KEYS, o)) {
      fs.writeFile("/f", data);
      return fs.rootName();
    }
  }

  private static byte[] readInOrder(GdpFileSystem fs, int size, int step) throws FsException {
    ByteBuffer all = ByteBuffer.allocate(size);
    try (GdpRandomAccessFile r = fs.newRandomAccessFile("/f")) {
      while (all.hasRemaining()) {
        ByteBuffer slice = all.slice();
        slice.limit(Math.min(slice.remaining(), step));
        all.position(all.position() + r.read(all.position(), slice));
      }
    }
    return all.array();
  }

  private static GdpClient client(GdpSimulator sim, ExecutorService callbacks) {
    return GdpClient.builder().router(sim.inProcessAddress()).creationService(sim.serverName())
        .requestTimeout(Duration.ofSeconds(60)).resendInterval(Duration.ofSeconds(30)).maxInFlight(256)
        .callbackExecutor(callbacks).build();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  private static String threadDump() {
    StringBuilder b = new StringBuilder();
    for (ThreadInfo ti : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
      b.append('"').append(ti.getThreadName()).append("\" ").append(ti.getThreadState()).append('\n');
      for (StackTraceElement e : ti.getStackTrace()) {
        b.append("    at ").append(e).append('\n');
      }
    }
    return b.toString();
  }
}
