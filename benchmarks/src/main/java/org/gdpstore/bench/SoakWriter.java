package org.gdpstore.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.gdpstore.client.GdpClient;
import org.gdpstore.client.GdpException;
import org.gdpstore.client.GdpStatus;
import org.gdpstore.client.LogSpec;
import org.gdpstore.client.LogWriter;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;

/**
 * One soak writer: appends "w{index}:{seq}" at a fixed rate to its own log, up to {@link #WINDOW}
 * appends in flight, and remembers which sequence numbers were acknowledged at which record.
 */
final class SoakWriter {
  static final int WINDOW = 64;

  private final LogWriter writer;
  private final int index;
  private final Semaphore window = new Semaphore(WINDOW);
  private final Map<Long, Long> acked = new ConcurrentHashMap<>();
  private final Set<Long> failedSeqs = ConcurrentHashMap.newKeySet();
  private final Map<GdpStatus.Code, LongAdder> failures = new ConcurrentHashMap<>();
  /** The first failure of each kind, for the report. */
  private final Map<GdpStatus.Code, String> firstFailure = new ConcurrentHashMap<>();
  private final AtomicLong highestAcked = new AtomicLong();
  private volatile boolean running = true;
  private Thread thread;

  private SoakWriter(LogWriter writer, int index) {
    this.writer = writer;
    this.index = index;
  }

  static SoakWriter start(GdpClient client, Ed25519Keys keys, int index, int rate) {
    GdpName log = client.createLog(LogSpec.builder().humanName("soak." + index).writerKey(keys).build()).name();
    SoakWriter w = new SoakWriter(client.openWriter(log, keys), index);
    w.thread = new Thread(() -> w.loop(rate), "soak-writer-" + index);
    w.thread.setDaemon(true);
    w.thread.start();
    return w;
  }

  private void loop(int rate) {
    long interval = TimeUnit.SECONDS.toNanos(1) / rate;
    long next = System.nanoTime();
    for (long seq = 1; running; seq++) {
      next += interval;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      window.acquireUninterruptibly();
      long s = seq;
      writer.appendAsync(data(index, s)).whenComplete((recno, t) -> {
        if (t == null) {
          acked.put(s, recno);
          highestAcked.accumulateAndGet(recno, Math::max);
        } else {
          failedSeqs.add(s);
          Throwable cause = rootCause(t);
          GdpStatus.Code code = cause instanceof GdpException g ? g.code() : GdpStatus.Code.PROTOCOL_ERROR;
          failures.computeIfAbsent(code, k -> new LongAdder()).increment();
          firstFailure.putIfAbsent(code, "writer " + index + ", record seq " + s + ": " + cause.getMessage());
        }
        window.release();
      });
    }
  }

  static byte[] data(int writer, long seq) {
    return ("w" + writer + ":" + seq).getBytes(UTF_8);
  }

  /** The sequence number in a record written by writer {@code writer}, or -1 if it is not one of its records. */
  static long seqOf(int writer, byte[] data) {
    String s = new String(data, UTF_8);
    String prefix = "w" + writer + ":";
    if (!s.startsWith(prefix)) {
      return -1;
    }
    try {
      return Long.parseLong(s.substring(prefix.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static Throwable rootCause(Throwable t) {
    while (t.getCause() != null && !(t instanceof GdpException)) {
      t = t.getCause();
    }
    return t;
  }

  /** Stops appending and waits for the appends in flight to resolve. */
  void stop() throws InterruptedException {
    running = false;
    thread.join();
    if (!window.tryAcquire(WINDOW, 120, TimeUnit.SECONDS)) {
      throw new IllegalStateException("writer " + index + ": appends still unresolved 120 s after stopping");
    }
    window.release(WINDOW);
  }

  GdpName log() {
    return writer.name();
  }

  int index() {
    return index;
  }

  LogWriter writer() {
    return writer;
  }

  long highestAcked() {
    return highestAcked.get();
  }

  Map<Long, Long> acked() {
    return acked;
  }

  Set<Long> failedSeqs() {
    return failedSeqs;
  }

  long acknowledged() {
    return acked.size();
  }

  long failed() {
    return failedSeqs.size();
  }

  long failedNoRoute() {
    LongAdder a = failures.get(GdpStatus.Code.NO_ROUTE);
    return a == null ? 0 : a.sum();
  }

  static String failuresByKind(List<SoakWriter> writers) {
    Map<GdpStatus.Code, Long> all = new TreeMap<>();
    for (SoakWriter w : writers) {
      w.failures.forEach((k, v) -> all.merge(k, v.sum(), Long::sum));
    }
    return all.isEmpty() ? "none" : all.toString();
  }

  /** One line per failure kind: the first such failure and its message. */
  static String firstFailures(List<SoakWriter> writers) {
    Map<GdpStatus.Code, String> first = new TreeMap<>();
    for (SoakWriter w : writers) {
      w.firstFailure.forEach(first::putIfAbsent);
    }
    StringBuilder sb = new StringBuilder();
    first.forEach((k, v) -> sb.append("  first ").append(k).append(": ").append(v).append(System.lineSeparator()));
    return sb.toString();
  }
}
