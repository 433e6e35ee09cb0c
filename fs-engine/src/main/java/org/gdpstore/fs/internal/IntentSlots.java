package org.gdpstore.fs.internal;

import java.security.SecureRandom;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.FsOptions;
import org.gdpstore.wire.GdpName;

/**
 * The writer's side of intents (format 5, {@link LogIntents}): hands out the identities of new
 * file logs, slot by slot, each covered by an intent record appended to the directory log before
 * the identity is handed out. One per writer instance, which draws its intent id at open.
 * An intent older than half the orphan grace hands out no more slots (a new one is appended), so
 * gc, which waits the whole grace, never takes a log a writer may still be about to use
 * (a log held longer is kept by {@link IntentRenewer}). Thread-safe.
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

  IntentSlots(DirectoryLog dirLog, FsOptions opts) {
    this.dirLog = dirLog;
    this.root = dirLog.root();
    this.opts = opts;
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
}
