package org.gdpstore.bench;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.gdpstore.client.GdpClient;
import org.gdpstore.client.GdpException;
import org.gdpstore.client.LogInfo;
import org.gdpstore.client.LogRecord;
import org.gdpstore.client.LogWriter;
import org.gdpstore.client.RecordListener;
import org.gdpstore.client.Subscription;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Subscription delivery lag: from "append acknowledged to the writer" to "record delivered to a
 * subscriber" (a second client on the same transport). The append and its acknowledgement happen
 * in a per-invocation setup, outside the timing; the timed op waits until the subscriber has the
 * record. If the record arrived before the acknowledgement the op returns at once (lag <= 0 counts
 * as ~0). JMH's sample mode gives the distribution (p50 is the issue-7 figure). The few
 * microseconds JMH spends between the setup and the timed op are not counted, so the figure is a
 * slight under-estimate.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SubscriptionLagBenchmark {
  @Param({"inProcess", "tcp"})
  public Transport transport;

  private final byte[] data = new byte[100];
  private SimStack stack;
  private LogWriter writer;
  private Subscription subscription;
  private final LinkedBlockingQueue<Object> delivered = new LinkedBlockingQueue<>();
  private long acked;

  @Setup(Level.Trial)
  public void setUp() {
    stack = SimStack.start(null);
    GdpClient writerClient = stack.client(transport, 16);
    GdpClient readerClient = stack.client(transport, 16);
    LogInfo log = stack.createLog(writerClient, "lag-bench", false);
    writer = writerClient.openWriter(log.name(), stack.keys);
    subscription = readerClient.openReader(log.name(), false).subscribe(0, new RecordListener() {
      @Override
      public void onRecord(LogRecord record) {
        delivered.add(record.recno());
      }

      @Override
      public void onError(GdpException error) {
        delivered.add(error);
      }
    });
    // the subscription is set up asynchronously: append until the first delivery shows it is live
    try {
      Object first = null;
      for (int i = 0; i < 100 && first == null; i++) {
        writer.append(data);
        first = delivered.poll(100, TimeUnit.MILLISECONDS);
      }
      if (first == null || first instanceof GdpException) {
        throw new IllegalStateException("the subscription delivered nothing: " + first);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    subscription.close();
    stack.close();
  }

  /** Append one record and wait for its acknowledgement (not timed). */
  @Setup(Level.Invocation)
  public void appendAcked() {
    acked = writer.append(data);
  }

  @Benchmark
  public long awaitDelivery() throws InterruptedException {
    while (true) {
      Object o = delivered.poll(10, TimeUnit.SECONDS);
      if (o == null) {
        throw new IllegalStateException("record " + acked + " not delivered within 10 s");
      }
      if (o instanceof GdpException e) {
        throw new IllegalStateException("subscription failed", e);
      }
      if ((Long) o >= acked) {
        return (Long) o;
      }
    }
  }
}
