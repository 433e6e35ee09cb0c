package org.gdpstore.client.internal;

/**
 * The callers' side of numbering (spec 6.6): each new op is signed on the caller's thread with the
 * record numbers (and, chained, the previous hash) the writer will most likely give it, so the
 * network thread re-signs only when the guess was wrong. The network thread moves the guess on
 * after it re-synchronised with the server ({@link #reset}); the callers' state is under a lock.
 */
final class NumberingGuess {
  /** Where callers should continue numbering after the network thread re-synchronised. */
  private record Reset(long generation, long next, byte[] prev) {}

  private volatile Reset reset;

  private final Object lock = new Object();
  private final AppendDatums datums;
  private long next;
  private long seenGeneration;
  /** Chained: the hash the caller's next presigned op chains from, or null when unknown. */
  private byte[] prev;

  /**
   * @param nrecs the server's record count when the log was opened
   * @param datums the callers' own datum builder (not the network thread's)
   */
  NumberingGuess(long nrecs, AppendDatums datums) {
    this.datums = datums;
    this.next = nrecs + 1;
    this.prev = nrecs == 0 ? new byte[0] : null;
    this.reset = new Reset(0, nrecs + 1, null);
  }

  /**
   * Caller side: builds the op's datums with the guessed numbers, signed (unchained) or
   * hash-linked and left for the network thread to sign the APPEND's last (chained), then runs
   * {@code handOff} under the same lock so ops reach the network thread in the order they were guessed.
   */
  void presign(AppendOp op, Runnable handOff) {
    synchronized (lock) {
      Reset r = reset;
      if (r.generation() != seenGeneration) {
        seenGeneration = r.generation();
        next = r.next();
        prev = next == 1 ? new byte[0] : r.prev();
      }
      op.predictedFirst = next;
      if (!datums.chained()) {
        op.presigned = datums.signed(next, op.items);
      } else if (prev != null) {
        op.presignedPrev = prev;
        op.presigned = datums.linked(next, op.items, prev, op);
        prev = op.lastHash;
      }
      next += op.items.size();
      handOff.run();
    }
  }

  /** Network thread: callers continue at {@code next}, chained from {@code prev} (null: unknown). */
  void reset(long next, byte[] prev) {
    reset = new Reset(reset.generation() + 1, next, prev);
  }
}
