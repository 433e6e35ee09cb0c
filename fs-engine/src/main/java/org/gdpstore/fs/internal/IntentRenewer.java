package org.gdpstore.fs.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.FsOptions;
import org.gdpstore.wire.GdpName;

/**
 * Keeps the intents of the file logs this writer holds open (format 7, docs/on-log-format.md
 * 3.8a): a log taken from the pool is held until its file is published or abandoned (a file
 * staged in a transaction: until the transaction ends), and a background thread, started with
 * the first log held, appends a renewal of each held intent whose last claim is older than a
 * quarter of the grace, so a file written (or left open) for longer than the grace keeps its log
 * through other writers' gc. A writer of an older format renews nothing. Thread-safe.
 */
final class IntentRenewer {
  private final DirectoryLog dirLog;
  private final GdpName root;
  private final FsOptions opts;
  private final boolean renews;
  /** Intents of the logs open file writers hold, by key: as last renewed, and how many logs. */
  private final Map<String, Held> held = new HashMap<>();
  private ScheduledExecutorService timer;
  private boolean closed;

  private static final class Held {
    LogIntents.Intent intent;
    int logs;

    Held(LogIntents.Intent intent) {
      this.intent = intent;
    }
  }

  IntentRenewer(DirectoryLog dirLog, FsOptions opts) {
    this.dirLog = dirLog;
    this.root = dirLog.root();
    this.opts = opts;
    this.renews = dirLog.header().getFormatVersion() >= Records.RENEWALS_VERSION;
  }

  /** A file writer took a log of {@code intent}: it is renewed until {@link #release}d. */
  synchronized void hold(LogIntents.Intent intent) {
    held.computeIfAbsent(intent.key(), k -> new Held(intent)).logs++;
    if (renews && timer == null && !closed) {
      timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gdpfs-intents-" + root.printable().substring(0, 8));
        t.setDaemon(true);
        return t;
      });
      // checks often (cheap: a few entries), renews rarely: the clock may be the writer's own
      long period = Math.max(1, Math.min(1_000, opts.orphanGrace().toMillis() / 8));
      timer.scheduleWithFixedDelay(this::renewDue, period, period, TimeUnit.MILLISECONDS);
    }
  }

  /** The writer of one log of {@code intent} published or abandoned it. */
  synchronized void release(LogIntents.Intent intent) {
    Held h = held.get(intent.key());
    if (h != null && --h.logs == 0) {
      held.remove(intent.key());
    }
  }

  /**
   * Renews every held intent whose last claim is older than a quarter of the grace (gc waits for
   * the whole grace, so three quarters are left for a renewal that fails to be tried again).
   */
  void renewDue() {
    long now = WriterClock.nowNanos(opts);
    long quarter = opts.orphanGrace().toNanos() / 4;
    List<LogIntents.Intent> due = new ArrayList<>();
    synchronized (this) {
      for (Held h : held.values()) {
        if (now - h.intent.claimNanos() >= quarter) {
          due.add(h.intent);
        }
      }
    }
    for (LogIntents.Intent i : due) {
      LogIntents.Intent renewed;
      try {
        renewed = dirLog.renewIntent(i, now);
      } catch (FsException | RuntimeException e) {
        continue; // tried again at the next check
      }
      synchronized (this) {
        Held h = held.get(i.key());
        if (h != null) {
          h.intent = renewed;
        }
      }
    }
  }

  /** Stops renewing (the filesystem closes; its writers are gone). */
  synchronized void close() {
    closed = true;
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
