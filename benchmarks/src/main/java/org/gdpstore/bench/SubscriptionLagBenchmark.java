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
 * Subscription delivery lag: how long after an append a subscriber (a second client on the same
 * transport) has the record. One op appends one record, waits for its acknowledgement and then
 * until the subscriber has it; JMH's sample mode gives the distribution (p50 is the issue-7
 * figure).
 *
 * <p>The issue asks for "append acknowledged to record delivered". That interval is never longer
 * than this op (send to max(ack, delivery)) and is often negative: the log server sends the
 * subscription's copy before the writer's ACK. So the op's p50 is an upper bound of the lag, and an
 * unbiased one (an earlier version timed only the wait after the ack, which counted every record
 * that beat its ack as zero).
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

  /** Appends one record, then waits until the subscriber has it; returns its record number. */
  @Benchmark
  public long appendToDelivery() throws InterruptedException {
    long acked = writer.append(data);
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
