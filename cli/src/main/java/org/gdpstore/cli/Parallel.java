package org.gdpstore.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a blocking action on each item, a few at a time. Each file of gdpstore is its own log, so
 * transferring several files at once overlaps their network round trips. The first failure stops
 * the rest and is rethrown as it was.
 */
final class Parallel {
  /** Files transferred at once by put and get ({@code -Dgdpfs.parallel=N}; 1 = one after another). */
  static final int FILES = Math.max(1, Integer.getInteger("gdpfs.parallel", 8));

  private Parallel() {}

  @FunctionalInterface
  interface Action<T> {
    void run(T item) throws IOException;
  }

  static <T> void forEach(String name, List<T> items, Action<T> action) throws IOException {
    if (items.size() <= 1 || FILES == 1) {
      for (T t : items) {
        action.run(t);
      }
      return;
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(FILES, items.size()), r -> {
      Thread t = new Thread(r, "gdpfs-" + name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (T t : items) {
        futures.add(pool.submit(() -> {
          action.run(t);
          return null;
        }));
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          futures.forEach(x -> x.cancel(true));
          Throwable c = e.getCause();
          if (c instanceof IOException io) {
            throw io;
          }
          if (c instanceof RuntimeException re) {
            throw re;
          }
          if (c instanceof Error err) {
            throw err;
          }
          throw new IOException(c);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          futures.forEach(x -> x.cancel(true));
          throw new IOException("interrupted", e);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
