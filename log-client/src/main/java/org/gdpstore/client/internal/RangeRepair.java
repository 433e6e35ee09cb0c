package org.gdpstore.client.internal;

import java.util.Map;
import java.util.TreeMap;
import org.gdpstore.client.GdpStatus;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.proto.GdpDatum;

/**
 * The part of a range read by number that is still missing after its answer ended, and what to ask
 * for next (issue 15). Records are missing when the answer has a hole below a record it holds, or
 * holds fewer records than END_OF_RESULTS counted (a lost PDU at the end). The read then asks again
 * for the span from the first to the last missing record, until nothing is missing. A re-ask answered with a NAK means the
 * server has no such record after all: a typed failure naming it. A re-ask answered completely
 * without the record (the server skips it, e.g. a gap in a reference log) leaves the hole for the
 * caller to judge. Network thread only.
 */
final class RangeRepair {
  /** Re-asks in a row that fill no hole before the read gives up. */
  static final int MAX_FRUITLESS = 4;

  private final GdpName log;
  /** The first record asked for; <= 0: relative to the end, resolved by the first record received. */
  private final long from;
  /** The last record the read wants (the first NAK can lower it). */
  private long end;
  /** The last record the server said it would send (from END_OF_RESULTS counts); 0: none known. */
  private long promised;
  private long askFrom;
  private int askCount;
  /**
   * Datums received for the current ask: the first ask counts every datum (END_OF_RESULTS counts
   * rows), a re-ask distinct record numbers (it may have been sent twice: its answers then come twice).
   */
  private int askDatums;
  private final java.util.Set<Long> reaskSeen = new java.util.HashSet<>();
  private boolean reasking;
  /** How many records were missing when the current re-ask was sent. */
  private long missing;
  private int fruitless;

  RangeRepair(GdpName log, long from, int count) {
    this.log = log;
    this.from = from;
    this.end = from > 0 ? from + count - 1 : Long.MAX_VALUE;
    this.askFrom = from;
    this.askCount = count;
  }

  long askFrom() {
    return askFrom;
  }

  int askCount() {
    return askCount;
  }

  /** True while the current ask is a re-ask of missing records (a NAK to it is a failure). */
  boolean reasking() {
    return reasking;
  }

  /** One datum of the current ask's answer arrived. */
  void counted(long recno) {
    if (!reasking) {
      askDatums++;
    } else if (reaskSeen.add(recno)) {
      askDatums++;
    }
  }

  /**
   * The current ask's END_OF_RESULTS ({@code nresults} < 0: not given). Returns a failure, or null:
   * then {@link #reasking()} says whether to ask again (with {@link #askFrom()}, {@link #askCount()}).
   */
  GdpStatus onEnd(TreeMap<Long, GdpDatum> received, long nresults) {
    boolean lost = nresults >= 0 && askDatums < nresults;
    if (lost && askFrom > 0) {
      promised = Math.max(promised, Math.min(end, askFrom + nresults - 1));
    }
    return next(received, lost, nresults >= 0 && !lost);
  }

  /** A NAK after some results of the first ask (e.g. a damaged record): the answer ends before it. */
  GdpStatus onNak(TreeMap<Long, GdpDatum> received, long nakRecno) {
    end = Math.min(end, nakRecno > 0 ? nakRecno - 1 : received.lastKey());
    promised = Math.min(promised, end);
    return next(received, false, false);
  }

  /** The status of a re-ask the server refused with {@code nak}: the record is not there after all. */
  GdpStatus missing(GdpStatus nak) {
    return nak.withDescription("record " + askFrom + " of " + log + " is missing: the server "
        + (promised >= askFrom ? "counted it in an answer" : "sent records after it")
        + " but refuses a read of it (" + nak.description() + ")");
  }

  private GdpStatus next(TreeMap<Long, GdpDatum> received, boolean lost, boolean complete) {
    long[] holes = holes(received);
    if (holes == null || (reasking && complete)) {
      reasking = false; // nothing missing, or the server answered a re-ask in full without some: gaps it holds
      return null;
    }
    if (reasking && holes[2] >= missing) {
      if (++fruitless >= MAX_FRUITLESS) {
        reasking = false;
        return !lost ? null : GdpStatus.of(GdpStatus.Code.UNAVAILABLE, "records " + holes[0] + ".." + holes[1]
            + " of " + log + " were lost on the way " + (fruitless + 1) + " times in a row");
      }
    } else {
      fruitless = 0;
    }
    missing = holes[2];
    askFrom = holes[0];
    askCount = (int) (holes[1] - holes[0] + 1);
    askDatums = 0;
    reaskSeen.clear();
    reasking = true;
    return null;
  }

  /**
   * The first and last record wanted but not received, below a received or promised one, and how
   * many there are; null if none. One ask covers them all: holes are rare, round trips cost more
   * than the records in between.
   */
  private long[] holes(TreeMap<Long, GdpDatum> received) {
    if (received.isEmpty()) {
      return from > 0 && promised >= from ? new long[] {from, promised, promised - from + 1} : null;
    }
    long start = from > 0 ? from : received.firstKey();
    long last = Math.min(end, Math.max(received.lastKey(), promised));
    long first = received.firstKey();
    if (first == start && received.lastKey() - first + 1 == received.size() && received.lastKey() >= last) {
      return null; // the common case: one run, nothing promised beyond it
    }
    long firstHole = -1;
    long lastHole = -1;
    long count = 0;
    long expected = start;
    for (Long k : received.tailMap(start, true).keySet()) {
      if (k > last) {
        break;
      }
      if (k != expected) {
        firstHole = firstHole < 0 ? expected : firstHole;
        lastHole = k - 1;
        count += k - expected;
      }
      expected = k + 1;
    }
    if (expected <= last) {
      firstHole = firstHole < 0 ? expected : firstHole;
      lastHole = last;
      count += last - expected + 1;
    }
    return firstHole < 0 ? null : new long[] {firstHole, lastHole, count};
  }
}
