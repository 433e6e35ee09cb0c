package org.gdpstore.fs.internal;

import java.security.SecureRandom;
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
 * The writer's side of intents (format 5, {@link LogIntents}): hands out the identities of new
 * file logs, slot by slot, each covered by an intent record appended to the directory log before
 * the identity is handed out. One per writer instance, which draws its intent id at open.
 * An intent older than half the orphan grace hands out no more slots (a new one is appended), so
 * gc, which waits the whole grace, never takes a log a writer may still be about to use.
 *
 * <p>Format 7: the intents of logs that open file writers hold (taken, not yet published or
 * abandoned) are renewed: a background thread, started with the first one held, appends a
 * renewal record for each whose last claim is older than a quarter of the grace, so a file
 * written (or left open) for longer than the grace keeps its log. Thread-safe.
 */
final class IntentSlots {
  /** A slot: the intent covering it and the identity of its log. */
  record Slot(LogIntents.Intent intent, long slot, LogIntents.Identity identity) {}

  private final DirectoryLog dirLog;
  private final GdpName root;
  private final FsOptions opts;
  private final byte[] instanceId = new byte[16];
  private LogIntents.Intent current;
  private long nextSlot;
  private final boolean renews;
  /** Intents of the logs open file writers hold, by key: as last renewed, and how many logs. */
  private final Map<String, Held> held = new HashMap<>();
  private ScheduledExecutorService renewer;
  private boolean closed;
  /** Renewals that failed (each is tried again at the next check); for tests and diagnostics. */
  final java.util.concurrent.atomic.LongAdder renewalFailures = new java.util.concurrent.atomic.LongAdder();

  private static final class Held {
    LogIntents.Intent intent;
    int logs;

    Held(LogIntents.Intent intent) {
      this.intent = intent;
    }
  }

  IntentSlots(DirectoryLog dirLog, FsOptions opts) {
    this.dirLog = dirLog;
    this.root = dirLog.root();
    this.opts = opts;
    this.renews = dirLog.header().getFormatVersion() >= Records.RENEWALS_VERSION;
    new SecureRandom().nextBytes(instanceId);
  }

  /** The next slot; appends an intent record first when the current one is used up or too old. */
  synchronized Slot next() throws FsException {
    long now = WriterClock.nowNanos(opts);
    if (current == null || nextSlot >= current.first() + current.count() || !usable(current.nanos(), now)) {
      current = dirLog.appendIntent(new LogIntents.Intent(instanceId, nextSlot, LogIntents.SLOTS_PER_INTENT, now,
          opts.chainedLogs(), 0));
      nextSlot = current.first();
    }
    long slot = nextSlot++;
    return new Slot(current, slot, LogIntents.identity(root, current, slot));
  }

  /** Whether a log of an intent appended at {@code intentNanos} may still be used at {@code now}. */
  boolean usable(long intentNanos, long now) {
    return now - intentNanos < opts.orphanGrace().toNanos() / 2;
  }

  long now() {
    return WriterClock.nowNanos(opts);
  }

  /** A file writer took a log of {@code intent}: it is renewed until {@link #release}d. */
  synchronized void hold(LogIntents.Intent intent) {
    held.computeIfAbsent(intent.key(), k -> new Held(intent)).logs++;
    if (renews && renewer == null && !closed) {
      renewer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gdpfs-intents-" + root.printable().substring(0, 8));
        t.setDaemon(true);
        return t;
      });
      // checks often (cheap: a few entries), renews rarely: the clock may be the writer's own
      long period = Math.max(1, Math.min(1_000, opts.orphanGrace().toMillis() / 8));
      renewer.scheduleWithFixedDelay(this::renewDue, period, period, TimeUnit.MILLISECONDS);
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
    long now = now();
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
        renewalFailures.increment(); // tried again at the next check
        continue;
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
    if (renewer != null) {
      renewer.shutdownNow();
    }
  }
}
