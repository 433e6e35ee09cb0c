package org.gdpstore.fs;

import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.gdpstore.fs.internal.LogStore;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;

/**
 * A log store whose reads complete late, on another thread, after a random delay (0-2 ms; some at
 * once on the caller's thread): answers overtake each other as on a busy network. Read-only use.
 */
final class DelayingLogStore implements LogStore {
  private final LogStore inner;
  private final ScheduledExecutorService timer;
  private final Random random;

  DelayingLogStore(LogStore inner, ScheduledExecutorService timer, Random random) {
    this.inner = inner;
    this.timer = timer;
    this.random = random;
  }

  private <T> CompletableFuture<T> late(CompletableFuture<T> f) {
    int micros;
    synchronized (random) {
      micros = random.nextInt(10) == 0 ? 0 : random.nextInt(2_000);
    }
    if (micros == 0) {
      return f;
    }
    CompletableFuture<T> out = new CompletableFuture<>();
    f.whenComplete((v, t) -> timer.schedule(() -> {
      if (t != null) {
        out.completeExceptionally(t);
      } else {
        out.complete(v);
      }
    }, micros, TimeUnit.MICROSECONDS));
    return out;
  }

  @Override
  public CompletableFuture<GdpName> createLog(Ed25519Keys writer, String label) {
    throw new UnsupportedOperationException("read-only");
  }

  @Override
  public CompletableFuture<Source> openSource(GdpName log, boolean verify) {
    return late(inner.openSource(log, verify).thenApply(DelayedSource::new));
  }

  @Override
  public CompletableFuture<Appender> openAppender(GdpName log, Ed25519Keys writer) {
    throw new UnsupportedOperationException("read-only");
  }

  @Override
  public void close() {}

  private final class DelayedSource extends ForwardingSource {
    DelayedSource(Source s) {
      super(s);
    }

    @Override
    public CompletableFuture<Long> lastRecno() {
      return late(s.lastRecno());
    }

    @Override
    public CompletableFuture<StoredRecord> read(long recno) {
      return late(s.read(recno));
    }

    @Override
    public CompletableFuture<List<StoredRecord>> readRange(long first, int count) {
      return late(s.readRange(first, count));
    }
  }
}
