package org.gdpstore.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Full-size chunks (default options) through the log-client and simulator. */
class SimLargeFileTest {
  @Test
  void fourMebibytesWithDefaultChunks() throws Exception {
    try (Backend backend = Backend.simulator();
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
      try (RandomAccessFile r = fs.newRandomAccessFile("/big")) {
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
      try (RandomAccessFile r = fs.newRandomAccessFile("/big")) {
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
