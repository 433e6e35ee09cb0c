package org.gdpstore.bench;

import java.util.BitSet;
import java.util.List;
import org.gdpstore.client.GdpClient;
import org.gdpstore.client.LogReader;
import org.gdpstore.client.LogRecord;

/**
 * The soak's verdict: reads every log back and compares it with what the writers were told
 * (acknowledged sequence numbers at their record numbers) and with what each subscriber received.
 */
record SoakCheck(long records, long lost, long duplicated, long reordered, long failedButStored,
                 long subscriberDefects, long[] storedPerLog) {
  private static final int PAGE = 5_000;

  static SoakCheck run(GdpClient checker, List<SoakWriter> writers, List<SoakSubscriber> subscribers)
      throws InterruptedException {
    long records = 0;
    long lost = 0;
    long duplicated = 0;
    long reordered = 0;
    long failedButStored = 0;
    long subscriberDefects = 0;
    long[] storedPerLog = new long[writers.size()];
    for (SoakWriter w : writers) {
      long[] stored = readAll(checker, w);
      storedPerLog[w.index()] = stored.length;
      records += stored.length;
      BitSet seen = new BitSet();
      long maxSeq = 0;
      for (long seq : stored) {
        if (seq <= 0) {
          reordered++; // not a record of this writer at all
        } else if (seen.get((int) seq)) {
          duplicated++;
        } else {
          if (seq < maxSeq) {
            reordered++;
          }
          seen.set((int) seq);
          maxSeq = Math.max(maxSeq, seq);
        }
      }
      for (var e : w.acked().entrySet()) {
        long recno = e.getValue();
        if (recno < 1 || recno > stored.length || stored[(int) recno - 1] != e.getKey()) {
          lost++;
        }
      }
      for (long seq : w.failedSeqs()) {
        if (seen.get((int) seq)) {
          failedButStored++;
        }
      }
      for (SoakSubscriber s : subscribers) {
        SoakSubscriber.PerLog p = s.log(w.index());
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (p.last < stored.length && System.nanoTime() < deadline) {
          Thread.sleep(10); // the subscriber may still be receiving the tail
        }
        subscriberDefects += p.defects.get() + Math.max(0, stored.length - p.last);
        for (int i = 0; i < Math.min(stored.length, p.last); i++) {
          if (p.seqAt(i + 1) != stored[i]) {
            subscriberDefects++;
          }
        }
      }
    }
    return new SoakCheck(records, lost, duplicated, reordered, failedButStored, subscriberDefects, storedPerLog);
  }

  private static long[] readAll(GdpClient checker, SoakWriter w) {
    try (LogReader r = checker.openReader(w.log())) {
      long n = r.lastRecno();
      long[] out = new long[(int) n];
      for (long from = 1; from <= n; from += PAGE) {
        List<LogRecord> page = r.readRange(from, (int) Math.min(PAGE, n - from + 1));
        for (LogRecord rec : page) {
          out[(int) rec.recno() - 1] = SoakWriter.seqOf(w.index(), rec.dataBytes());
        }
      }
      return out;
    }
  }
}
