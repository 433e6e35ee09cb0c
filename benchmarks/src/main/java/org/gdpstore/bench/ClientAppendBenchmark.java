package org.gdpstore.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.gdpstore.client.GdpClient;
import org.gdpstore.client.LogInfo;
import org.gdpstore.client.LogWriter;
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
 * Append throughput through the log client into the in-memory simulator: one op = one record
 * appended and acknowledged. {@code inFlight} appends are kept outstanding with a semaphore (1 =
 * wait for each ack before the next append). {@code signed=true} appends to a log whose metadata
 * names the writer's Ed25519 key, so the client signs and the simulator verifies every record;
 * {@code signed=false} uses a log without a writer key.
 *
 * <p>Each iteration gets a fresh simulator, client and log (set up outside the timing) so that the
 * in-memory log does not grow across iterations; the iteration ends by waiting for every append in
 * flight.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ClientAppendBenchmark {
  @Param({"inProcess", "tcp"})
  public Transport transport;

  @Param({"false", "true"})
  public boolean signed;

  @Param({"1", "16", "256"})
  public int inFlight;

  @Param({"100", "4096", "61440"})
  public int recordSize;

  /**
   * A hash-chained log (issue 15, needs {@code signed=true}): one signature per APPEND, and the
   * client packs pending appends. Off in the default grid; run with {@code -p chained=true,false}.
   */
  @Param({"false"})
  public boolean chained;

  private byte[] data;
  private SimStack stack;
  private LogWriter writer;
  private AppendWindow window;
  private final SignatureCount signatures = new SignatureCount("append");

  @Setup(Level.Trial)
  public void data() throws Exception {
    data = new byte[recordSize];
    new SplittableRandom(1).nextBytes(data);
    // appends for a few seconds on a throwaway simulator, so that warm-up starts JIT-compiled
    JitPrimer.prime(SimulatorRawBenchmark.PRIME_MILLIS, this::setUp, this::append, this::tearDown);
  }

  @Setup(Level.Iteration)
  public void setUp() {
    stack = SimStack.start(null);
    GdpClient client = stack.client(transport, inFlight);
    LogInfo log = chained ? stack.createChainedLog(client, "append-bench")
        : stack.createLog(client, "append-bench", signed);
    writer = client.openWriter(log.name(), stack.keys);
    window = new AppendWindow(inFlight);
    signatures.start();
  }

  @TearDown(Level.Iteration)
  public void tearDown() throws InterruptedException {
    try {
      window.drain();
      signatures.report();
    } finally {
      stack.close();
    }
  }

  @Benchmark
  public void append() throws InterruptedException {
    window.append(writer, data);
    signatures.records(1);
    window.check();
  }
}
