package org.gdpstore.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.gdpstore.client.GdpClient;
import org.gdpstore.client.LogInfo;
import org.gdpstore.client.LogReader;
import org.gdpstore.client.LogRecord;
import org.gdpstore.client.LogWriter;
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
 * Range reads through the log client: one invocation reads {@value #RANGE} consecutive records with
 * one READ_BY_RECNO request (the reference's fastest way to read), one op = one record. The log
 * holds {@value #RECORDS} Ed25519-signed records written in setup; {@code verify=true} checks every
 * record's hash and signature in the client, {@code verify=false} skips that. The reader is a second
 * client on the same transport. {@code packed=true} turns on the simulator's packed range answers.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ClientReadBenchmark {
  static final int RECORDS = 1_000;
  static final int RANGE = 500;

  @Param({"inProcess", "tcp"})
  public Transport transport;

  @Param({"false", "true"})
  public boolean verify;

  @Param({"100", "4096"})
  public int recordSize;

  /** The simulator's packed answers (many records per ACK_CONTENT) instead of the reference's one per PDU. */
  @Param({"false", "true"})
  public boolean packed;

  /** A hash-chained log (issue 15): the setup's APPENDs of 100 carry one signature each. */
  @Param({"false", "true"})
  public boolean chained;

  private SimStack stack;
  private LogReader reader;
  private long next = 1;
  private final SignatureCount signatures = new SignatureCount("read");

  @Setup(Level.Trial)
  public void setUp() {
    stack = SimStack.start(null, packed);
    GdpClient client = stack.client(transport, 256);
    LogInfo log = chained ? stack.createChainedLog(client, "read-bench")
        : stack.createLog(client, "read-bench", true);
    byte[] data = new byte[recordSize];
    SplittableRandom random = new SplittableRandom(3);
    try (LogWriter writer = client.openWriter(log.name(), stack.keys)) {
      for (int done = 0; done < RECORDS; done += 100) {
        List<byte[]> batch = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          random.nextBytes(data);
          batch.add(data.clone());
        }
        writer.appendBatch(batch);
      }
    }
    // a second client reads, as another process would (and because the writer client's untracked CLOSE
    // answer, which has no rid, can be taken by log-client as the answer to a following OPEN)
    reader = stack.client(transport, 256).openReader(log.name(), verify);
  }

  @Setup(Level.Iteration)
  public void count() {
    signatures.start();
  }

  @TearDown(Level.Iteration)
  public void report() {
    signatures.report();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    stack.close();
  }

  @Benchmark
  @OperationsPerInvocation(RANGE)
  public List<LogRecord> readRange() {
    List<LogRecord> records = reader.readRange(next, RANGE);
    if (records.size() != RANGE || records.get(0).recno() != next) {
      throw new IllegalStateException("read " + records.size() + " records from " + next);
    }
    next = next + RANGE > RECORDS ? 1 : next + RANGE;
    signatures.records(RANGE);
    return records;
  }
}
