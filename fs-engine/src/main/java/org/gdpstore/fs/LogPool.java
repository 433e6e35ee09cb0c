package org.gdpstore.fs;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.gdpstore.fs.internal.LogStore;
import org.gdpstore.fs.internal.Records;
import org.gdpstore.fs.proto.LogKind;
import org.gdpstore.wire.GdpName;

/**
 * File logs created ahead of need (the GDPFS FUSE project's pre-created log pool): creating a log,
 * opening it and appending its header are three round trips that would otherwise precede every
 * new file. The pool keeps up to {@code size} logs in preparation; they are prepared
 * asynchronously on the log client's threads. A log taken from the pool is used by exactly one
 * file; prepared logs never used are garbage (never referenced by the directory). Thread-safe.
 */
final class LogPool {
  /** A file log ready for chunks: its header is appended (or on its way). */
  record Prepared(GdpName log, LogStore.Appender appender, CompletableFuture<Long> header) {}

  private final FsCore core;
  private final int size;
  private final ArrayDeque<CompletableFuture<Prepared>> ready = new ArrayDeque<>();

  LogPool(FsCore core, int size) {
    this.core = core;
    this.size = size;
  }

  /** A prepared log: from the pool if one is ready, else made now. */
  Prepared take(String label) throws FsException {
    CompletableFuture<Prepared> f = null;
    synchronized (ready) {
      while (!ready.isEmpty() && f == null) {
        CompletableFuture<Prepared> head = ready.poll();
        if (!head.isCompletedExceptionally()) {
          f = head;
        }
      }
      refill();
    }
    if (f != null) {
      try {
        return FsCore.await(f, label);
      } catch (FsException e) {
        // a pooled preparation failed: make one synchronously, reporting its own error if any
      }
    }
    return FsCore.await(prepare(label), label);
  }

  private void refill() {
    while (ready.size() < size) {
      ready.add(prepare(""));
    }
  }

  private CompletableFuture<Prepared> prepare(String label) {
    long now = FsCore.nowNanos(core.opts);
    return core.store.createLog(core.keys, label)
        .thenCompose(log -> core.store.openAppender(log, core.keys)
            .thenApply(app -> new Prepared(log, app, app.append(
                Records.header(LogKind.FILE, core.opts.chunkSize(), now, core.root, label)))));
  }
}
