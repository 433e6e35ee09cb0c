package org.gdpstore.bench;

import java.util.concurrent.TimeUnit;
import org.gdpstore.client.GdpClient;
import org.gdpstore.client.LogInfo;
import org.gdpstore.client.LogWriter;
import org.gdpstore.sim.FaultPlan;
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
 * What pipelining buys on a slow network: unsigned 100-byte appends over loopback TCP with the
 * simulator's fault plan delaying every PDU by {@code delayMs / 2} in each direction (so
 * {@code delayMs} of injected round-trip time), 1 vs 256 appends in flight. One op = one record.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LatencyAppendBenchmark {
  @Param({"1", "256"})
  public int inFlight;

  @Param({"10"})
  public int delayMs;

  private final byte[] data = new byte[100];
  private SimStack stack;
  private LogWriter writer;
  private AppendWindow window;

  @Setup(Level.Iteration)
  public void setUp() {
    FaultPlan plan = FaultPlan.builder(7)
        .rule(FaultPlan.on(FaultPlan.Direction.BOTH).delay(delayMs / 2))
        .build();
    stack = SimStack.start(plan);
    GdpClient client = stack.client(Transport.tcp, inFlight);
    LogInfo log = stack.createLog(client, "latency-bench", false);
    writer = client.openWriter(log.name(), stack.keys);
    window = new AppendWindow(inFlight);
  }

  @TearDown(Level.Iteration)
  public void tearDown() throws InterruptedException {
    try {
      window.drain();
    } finally {
      stack.close();
    }
  }

  @Benchmark
  public void append() throws InterruptedException {
    window.append(writer, data);
  }
}
