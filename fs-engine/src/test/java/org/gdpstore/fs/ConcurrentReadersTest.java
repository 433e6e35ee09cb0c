package org.gdpstore.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.gdpstore.fs.internal.InMemoryLogStore;
import org.junit.jupiter.api.Test;

/**
 * Readers running while the writer commits never observe a partial commit: the writer moves a
 * directory of ten files back and forth and rewrites a pair of files in transactions; readers on
 * other threads check invariants on the live filesystem and on pinned snapshots.
 */
class ConcurrentReadersTest {
  @Test
  void readersNeverSeeHalfACommit() throws Exception {
    try (GdpFileSystem fs = GdpFileSystem.mkfs(new InMemoryLogStore(), LogBackend.KEYS,
        FsOptions.builder().chunkSize(64).build())) {
      fs.createDir("/x");
      for (int i = 0; i < 10; i++) {
        fs.writeFile("/x/f" + i, ("file " + i).getBytes());
      }
      fs.writeFile("/pair-a", "0".getBytes());
      fs.writeFile("/pair-b", "0".getBytes());
      AtomicBoolean stop = new AtomicBoolean();
      CountDownLatch started = new CountDownLatch(3);
      ExecutorService pool = Executors.newFixedThreadPool(3);
      List<Future<Integer>> readers = new ArrayList<>();
      for (int r = 0; r < 3; r++) {
        readers.add(pool.submit(() -> {
          started.countDown();
          int checks = 0;
          while (!stop.get()) {
            FsSnapshot s = fs.snapshot();
            boolean x = s.exists("/x");
            boolean y = s.exists("/y");
            assertThat(x ^ y).as("exactly one of /x, /y at %d", s.recno()).isTrue();
            assertThat(s.getChildren(x ? "/x" : "/y")).hasSize(10);
            assertThat(new String(s.readFile("/pair-a"))).isEqualTo(new String(s.readFile("/pair-b")));
            checks++;
          }
          return checks;
        }));
      }
      started.await();
      for (int i = 1; i <= 100; i++) {
        if (i % 2 == 1) {
          fs.renamePath("/x", "/y");
        } else {
          fs.renamePath("/y", "/x");
        }
        try (Transaction tx = fs.newTransaction()) {
          tx.writeFile("/pair-a", String.valueOf(i).getBytes());
          tx.writeFile("/pair-b", String.valueOf(i).getBytes());
          tx.commit();
        }
      }
      stop.set(true);
      int total = 0;
      for (Future<Integer> f : readers) {
        total += f.get();
      }
      pool.shutdown();
      assertThat(total).isPositive();
    }
  }
}
