package org.gdpstore.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Full-size chunks (default options) through the log-client and simulator. */
class SimLargeFileTest {
  /**
   * With a one-thread callback executor (the common pool on a 2-core machine), concurrent
   * sequential readers with read-ahead must not deadlock: nothing may block a callback thread.
   */
  @Test
  void readAheadWithASingleCallbackThread() throws Exception {
    java.util.concurrent.ExecutorService one = java.util.concurrent.Executors.newSingleThreadExecutor();
    try (org.gdpstore.sim.GdpSimulator sim = org.gdpstore.sim.GdpSimulator.builder().inProcess().start();
        org.gdpstore.client.GdpClient client = org.gdpstore.client.GdpClient.builder()
            .router(sim.inProcessAddress()).creationService(sim.serverName()).callbackExecutor(one).build();
        GdpFileSystem fs = GdpFileSystem.mkfs(client, LogBackend.KEYS, FsOptions.builder().readAheadChunks(16).build())) {
      byte[] data = new byte[3 << 20];
      new Random(3).nextBytes(data);
      fs.writeFile("/f", data);
      // daemon threads, so a regression fails the test instead of hanging the JVM
      java.util.concurrent.ExecutorService readers = java.util.concurrent.Executors.newFixedThreadPool(3, r -> {
        Thread t = new Thread(r, "reader");
        t.setDaemon(true);
        return t;
      });
      java.util.List<java.util.concurrent.Future<byte[]>> results = new java.util.ArrayList<>();
      for (int t = 0; t < 3; t++) {
        results.add(readers.submit(() -> {
          fs.flushCaches();
          ByteBuffer all = ByteBuffer.allocate(data.length);
          try (GdpRandomAccessFile r = fs.newRandomAccessFile("/f")) {
            while (all.hasRemaining()) {
              ByteBuffer slice = all.slice();
              slice.limit(Math.min(slice.remaining(), 10_000));
              all.position(all.position() + r.read(all.position(), slice));
            }
          }
          return all.array();
        }));
      }
      try {
        for (java.util.concurrent.Future<byte[]> f : results) {
          assertThat(f.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(data);
        }
      } finally {
        readers.shutdownNow();
      }
    } finally {
      one.shutdown();
    }
  }

  @Test
  void fourMebibytesWithDefaultChunks() throws Exception {
    try (LogBackend backend = LogBackend.simulator();
        GdpFileSystem fs = backend.mkfs(FsOptions.DEFAULT)) {
      byte[] data = new byte[4 << 20];
      new Random(1).nextBytes(data);
      long t0 = System.nanoTime();
      try (WritableFile w = fs.newWritableFile("/big")) {
        for (int off = 0; off < data.length; off += 100_000) {
          w.append(ByteBuffer.wrap(data, off, Math.min(100_000, data.length - off)));
        }
      }
      long t1 = System.nanoTime();
      fs.flushCaches();
      ByteBuffer all = ByteBuffer.allocate(data.length);
      try (GdpRandomAccessFile r = fs.newRandomAccessFile("/big")) {
        while (all.hasRemaining()) {
          ByteBuffer slice = all.slice();
          slice.limit(Math.min(slice.remaining(), 1 << 16));
          int n = r.read(all.position(), slice);
          all.position(all.position() + n);
        }
      }
      long t2 = System.nanoTime();
      assertThat(all.array()).isEqualTo(data);
      assertThat(fs.readFile("/big")).isEqualTo(data);
      Random rnd = new Random(2);
      try (GdpRandomAccessFile r = fs.newRandomAccessFile("/big")) {
        for (int i = 0; i < 100; i++) {
          int off = rnd.nextInt(data.length - 4096);
          assertThat(r.readFully(off, 4096)).isEqualTo(Arrays.copyOfRange(data, off, off + 4096));
        }
      }
      // indicative only (cold JIT, paranoid leak detector); the JMH benchmarks measure throughput
      System.out.printf("write %.1f MB/s, sequential read %.1f MB/s, cache %s%n",
          data.length / 1e6 / ((t1 - t0) / 1e9), data.length / 1e6 / ((t2 - t1) / 1e9), fs.cacheStats());
    }
  }
}
