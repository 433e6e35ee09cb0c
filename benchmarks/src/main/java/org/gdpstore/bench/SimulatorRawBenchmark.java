package org.gdpstore.bench;

import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.proto.GdpMessage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The simulator's own capacity, driven by a bare wire-level client ({@link RawGdpClient}) instead of
 * the log-client: what the server side can serve, comparable with the reference C log server's
 * figures (issue 7: at least 10x its append ceiling, 5x its fastest read).
 *
 * <ul>
 *   <li>{@code append}: unsigned APPENDs of one datum, {@code inFlight} outstanding; one op = one
 *       acknowledged record. A fresh simulator and log per iteration.
 *   <li>{@code readRange}: READ_BY_RECNO of {@value #RANGE} records from a {@value #RECORDS}-record
 *       log, the reference's fastest read; one op = one record received. {@code packed=true} turns on
 *       the simulator's packed answers (many records per ACK_CONTENT).
 * </ul>
 */
public class SimulatorRawBenchmark {
  static final int RANGE = 500;
  static final int RECORDS = 2_000;
  /** How long the append benchmarks prime the JIT before JMH's warm-up ({@link JitPrimer}). */
  static final long PRIME_MILLIS = 2_000;

  /** State of the append benchmark. */
  @State(Scope.Benchmark)
  public static class Appends {
    @Param({"inProcess", "tcp"})
    public Transport transport;

    @Param({"1", "256"})
    public int inFlight;

    @Param({"100", "4096"})
    public int recordSize;

    byte[] data;
    SimStack stack;
    RawGdpClient client;
    GdpName log;
    Semaphore window;
    long recno;
    final AtomicReference<GdpMessage> failure = new AtomicReference<>();

    /** Appends for a few seconds on a throwaway simulator, so that warm-up starts JIT-compiled. */
    @Setup(Level.Trial)
    public void prime() throws Exception {
      JitPrimer.prime(PRIME_MILLIS, this::setUp, this::appendOne, this::tearDown);
    }

    @Setup(Level.Iteration)
    public void setUp() throws Exception {
      data = new byte[recordSize];
      new SplittableRandom(5).nextBytes(data);
      stack = SimStack.start(null);
      client = new RawGdpClient(stack.address(transport), stack.sim.serverName());
      log = client.createLog("raw-append-bench");
      window = new Semaphore(inFlight);
      recno = 0;
      client.onMessage(m -> {
        if (m.getCmd() != MsgCode.ACK_SUCCESS) {
          failure.compareAndSet(null, m);
        }
        window.release();
      });
    }

    /** Waits for a free slot in the window, then sends the next record. */
    void appendOne() throws InterruptedException {
      window.acquire();
      client.append(log, ++recno, data, true);
    }

    @TearDown(Level.Iteration)
    public void tearDown() throws Exception {
      try {
        if (!window.tryAcquire(inFlight, 60, TimeUnit.SECONDS)) {
          throw new IllegalStateException("appends still in flight after 60 s");
        }
        if (failure.get() != null) {
          throw new IllegalStateException("an append failed: " + failure.get());
        }
      } finally {
        client.close();
        stack.close();
      }
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public void append(Appends s) throws InterruptedException {
    s.appendOne();
  }

  /** State of the read benchmark. */
  @State(Scope.Benchmark)
  public static class Reads {
    @Param({"inProcess", "tcp"})
    public Transport transport;

    @Param({"100", "4096"})
    public int recordSize;

    /** false: one record per ACK_CONTENT (the reference's way, the default); true: the simulator's packed answers. */
    @Param({"false", "true"})
    public boolean packed;

    SimStack stack;
    RawGdpClient client;
    GdpName log;
    final Semaphore done = new Semaphore(0);
    volatile int received;
    volatile GdpMessage failure;
    long next = 1;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      stack = SimStack.start(null, packed);
      client = new RawGdpClient(stack.address(transport), stack.sim.serverName());
      log = client.createLog("raw-read-bench");
      Semaphore acks = new Semaphore(0);
      client.onMessage(m -> {
        if (m.getCmd() != MsgCode.ACK_SUCCESS) {
          failure = m;
        }
        acks.release();
      });
      byte[] data = new byte[recordSize];
      SplittableRandom random = new SplittableRandom(9);
      for (int i = 1; i <= RECORDS; i++) {
        random.nextBytes(data);
        client.append(log, i, data.clone(), i % 64 == 0 || i == RECORDS);
        if (i % 256 == 0) {
          acks.acquire(256);
        }
      }
      acks.acquire(RECORDS % 256);
      if (failure != null) {
        throw new IllegalStateException("filling the log failed: " + failure);
      }
      client.onMessage(m -> {
        switch (m.getCmd()) {
          case MsgCode.ACK_CONTENT -> received += m.getAckContent().getDl().getDCount();
          case MsgCode.ACK_END_OF_RESULTS -> done.release();
          default -> {
            failure = m;
            done.release();
          }
        }
      });
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      client.close();
      stack.close();
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(RANGE)
  public int readRange(Reads s) throws InterruptedException {
    s.received = 0;
    s.client.readRange(s.log, s.next, RANGE);
    if (!s.done.tryAcquire(60, TimeUnit.SECONDS) || s.failure != null || s.received != RANGE) {
      throw new IllegalStateException("read " + s.received + " records from " + s.next + ", failure " + s.failure);
    }
    s.next = s.next + RANGE > RECORDS ? 1 : s.next + RANGE;
    return s.received;
  }
}
