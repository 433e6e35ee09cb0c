package org.gdpstore.client.internal;

import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Packing of a writer's small appends into multi-datum APPENDs (GDPSTORE mode, not in renumbering
 * mode): while {@link #PACK_AFTER} APPENDs are in flight, further small ops wait; each
 * acknowledgement sends the waiting ones together (up to {@link #PACK_RECORDS} records /
 * {@link #PACK_BYTES} bytes per APPEND). An op too large to share an APPEND goes at once when
 * nothing waits ahead of it. Each caller's future still completes with its own record numbers; in
 * a chained log a full pack costs one signature for up to 256 records. Network thread.
 */
final class AppendPacker {
  /**
   * APPENDs a writer keeps in flight before further small ops wait to be packed.
   * Records in flight stay bounded by {@code maxInFlight} either way; fewer, fuller APPENDs mean
   * fewer signatures (4 gave about one per 40 records with 256 in flight, 8 one per 22).
   */
  static final int PACK_AFTER = 4;
  /** A packed APPEND carries at most this many records... */
  static final int PACK_RECORDS = 256;
  /** ...and at most this many bytes of data plus {@link #DATUM_OVERHEAD} per record (one PDU is 65,535). */
  static final int PACK_BYTES = 60_000;
  /** Protobuf framing, record number, timestamp and prevhash of one datum, rounded up. */
  private static final int DATUM_OVERHEAD = 96;

  private final Outbound client;
  private final AppendPipeline pipeline;
  /** Off in REFERENCE mode (one datum per APPEND there) and in renumbering mode (ops renumbered alone). */
  private final boolean enabled;

  AppendPacker(Outbound client, AppendPipeline pipeline, boolean enabled) {
    this.client = client;
    this.pipeline = pipeline;
    this.enabled = enabled;
  }

  /** True while enough APPENDs are in flight that ops wait to be packed. */
  boolean holding(int appendsInFlight) {
    return enabled && appendsInFlight >= PACK_AFTER;
  }

  /** Whether a new op waits for the next acknowledgement, to go out packed with whatever joins it. */
  boolean waits(AppendOp op, int appendsInFlight) {
    return holding(appendsInFlight) && bytes(op) <= PACK_BYTES / 2;
  }

  /**
   * Takes the next APPEND to send from the head of {@code waiting} (not empty): the first op as it
   * was submitted, or it and the neighbours that fit packed into one op, which takes over their
   * deadlines.
   */
  AppendOp take(Deque<AppendOp> waiting) {
    AppendOp first = waiting.poll();
    if (!enabled || waiting.isEmpty()) {
      return first;
    }
    List<AppendOp> group = new ArrayList<>();
    group.add(first);
    long records = first.items.size();
    long bytes = bytes(first);
    while (!waiting.isEmpty()) {
      AppendOp next = waiting.peek();
      if (records + next.items.size() > PACK_RECORDS || bytes + bytes(next) > PACK_BYTES) {
        break;
      }
      group.add(waiting.poll());
      records += next.items.size();
      bytes += bytes(next);
    }
    if (group.size() == 1) {
      return first;
    }
    AppendOp packed = AppendOp.packed(client, pipeline, group);
    for (AppendOp m : group) {
      client.cancelDeadline(m); // the packed APPEND's deadline is theirs now
    }
    client.armDeadline(packed);
    return packed;
  }

  private static long bytes(AppendOp op) {
    return op.dataBytes() + (long) DATUM_OVERHEAD * op.items.size();
  }
}
