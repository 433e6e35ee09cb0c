package org.gdpstore.fs.internal;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.FsOptions;
import org.gdpstore.fs.internal.proto.LogKind;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;

/**
 * File logs created ahead of need (the GDPFS FUSE project's pre-created log pool): creating a log,
 * opening it and appending its header are three round trips that would otherwise precede every
 * new file. The pool keeps up to {@code size} logs in preparation; they are prepared
 * asynchronously on the log client's threads. A log taken from the pool is used by exactly one
 * file; prepared logs never used are garbage (never referenced by the directory). Thread-safe.
 */
public final class LogPool {
  /**
   * A file log ready for chunks: its header is appended (or on its way). {@code intent}: the intent
   * naming it (format 5), else null.
   */
  public record Prepared(GdpName log, LogStore.Appender appender, CompletableFuture<Long> header,
      LogIntents.Intent intent) {}

  private final LogStore store;
  private final Ed25519Keys keys;
  private final FsOptions opts;
  private final GdpName root;
  private final int size;
  /** Derived names (format 5 writers), else null: random names, as before. */
  private final IntentSlots slots;
  /** Keeps the intents of taken logs (with {@code slots}), else null. */
  private final IntentRenewer renewer;
  private final ArrayDeque<CompletableFuture<Prepared>> ready = new ArrayDeque<>();

  /**
   * A pool of {@code size} logs of filesystem {@code root} written with {@code keys}; with
   * {@code slots}, every log gets a derived name announced by an intent first, and {@code renewer}
   * keeps the intents of the logs taken.
   */
  LogPool(LogStore store, Ed25519Keys keys, FsOptions opts, GdpName root, int size, IntentSlots slots,
      IntentRenewer renewer) {
    this.store = store;
    this.keys = keys;
    this.opts = opts;
    this.root = root;
    this.size = size;
    this.slots = slots;
    this.renewer = renewer;
  }

  /** A prepared log: from the pool if one is ready, else made now. */
  public Prepared take(String label) throws FsException {
    CompletableFuture<Prepared> f = null;
    synchronized (ready) {
      while (!ready.isEmpty() && f == null) {
        CompletableFuture<Prepared> head = ready.poll();
        if (!head.isCompletedExceptionally() && (!head.isDone() || usable(head.join()))) {
          f = head;
        }
      }
      refill();
    }
    if (f != null) {
      try {
        Prepared p = Await.await(f, label);
        if (usable(p)) {
          return held(p);
        } // else its intent aged while it was prepared: left to gc, a fresh one is made below
      } catch (FsException e) {
        // a pooled preparation failed: make one synchronously, reporting its own error if any
      }
    }
    return held(Await.await(prepare(label), label));
  }

  /** Renews the intent of a taken log while its file is written (format 7): see {@link IntentRenewer}. */
  private Prepared held(Prepared p) {
    if (renewer != null && p.intent() != null) {
      renewer.hold(p.intent());
    }
    return p;
  }

  /** The file writing a taken log published or abandoned it: its intent needs no more renewals for it. */
  public void released(Prepared p) {
    if (renewer != null && p.intent() != null) {
      renewer.release(p.intent());
    }
  }

  /** Stops renewing intents (the filesystem closes). */
  void close() {
    if (renewer != null) {
      renewer.close();
    }
  }

  private void refill() {
    while (ready.size() < size) {
      ready.add(prepare(""));
    }
  }

  /**
   * A pooled log whose intent is older than half the orphan grace is left to gc: a file is written
   * and committed well within the other half.
   */
  private boolean usable(Prepared p) {
    return slots == null || p.intent() == null || slots.usable(p.intent().nanos(), slots.now());
  }

  private CompletableFuture<Prepared> prepare(String label) {
    long now = WriterClock.nowNanos(opts);
    CompletableFuture<GdpName> created;
    LogIntents.Intent named = null;
    if (slots == null) {
      created = store.createLog(keys, label);
    } else {
      IntentSlots.Slot slot;
      try {
        slot = slots.next(); // the intent is in the directory log before the log exists
      } catch (FsException e) {
        return CompletableFuture.failedFuture(e);
      }
      named = slot.intent();
      created = store.createLog(keys, label, slot.identity());
    }
    LogIntents.Intent intent = named;
    return created.thenCompose(log -> store.openAppender(log, keys)
        .thenApply(app -> new Prepared(log, app, app.append(
            Records.header(LogKind.FILE, opts.chunkSize(), now, root, label)), intent)));
  }
}
