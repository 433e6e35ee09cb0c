package org.gdpstore.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.gdpstore.client.GdpClient;
import org.gdpstore.client.GdpException;
import org.gdpstore.client.LogRecord;
import org.gdpstore.client.RecordListener;
import org.gdpstore.client.Subscription;
import org.gdpstore.wire.GdpName;

/**
 * One soak subscriber: a client subscribed to every writer's log from record 1. It keeps, per log,
 * the sequence number of each record delivered (to compare with the log afterwards) and counts
 * anything delivered out of record-number order at once.
 */
final class SoakSubscriber {
  private final List<PerLog> logs = new ArrayList<>();

  /** What one subscription received. Written by one delivery at a time (the client serialises them). */
  static final class PerLog implements RecordListener {
    final int writer;
    volatile long last;
    long[] seqs = new long[1024];
    final AtomicLong defects = new AtomicLong();
    volatile String error;
    volatile Subscription subscription;

    PerLog(int writer) {
      this.writer = writer;
    }

    @Override
    public synchronized void onRecord(LogRecord r) {
      if (r.recno() != last + 1) {
        defects.incrementAndGet(); // a gap, duplicate or reordering reached the application
        return;
      }
      if (r.recno() > seqs.length) {
        seqs = Arrays.copyOf(seqs, seqs.length * 2);
      }
      seqs[(int) r.recno() - 1] = SoakWriter.seqOf(writer, r.dataBytes());
      last = r.recno();
    }

    @Override
    public void onError(GdpException e) {
      error = e.toString();
      defects.incrementAndGet();
    }

    synchronized long seqAt(long recno) {
      return recno <= last ? seqs[(int) recno - 1] : -1;
    }
  }

  static SoakSubscriber start(GdpClient client, List<GdpName> logs) {
    SoakSubscriber s = new SoakSubscriber();
    for (int i = 0; i < logs.size(); i++) {
      PerLog p = new PerLog(i);
      s.logs.add(p);
      p.subscription = client.openReader(logs.get(i)).subscribe(1, p);
    }
    return s;
  }

  /** True if every log has been delivered up to its target record. */
  boolean hasReached(long[] target) {
    for (int i = 0; i < target.length; i++) {
      if (logs.get(i).last < target[i]) {
        return false;
      }
    }
    return true;
  }

  int logCount() {
    return logs.size();
  }

  PerLog log(int i) {
    return logs.get(i);
  }

  long delivered() {
    return logs.stream().mapToLong(p -> p.last).sum();
  }
}
