package org.gdpstore.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.gdpstore.client.GdpClient;
import org.gdpstore.fs.CommitResult;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.FsOptions;
import org.gdpstore.fs.GdpFileSystem;
import org.gdpstore.sim.GdpSimulator;
import org.gdpstore.wire.Ed25519Keys;
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
import org.openjdk.jmh.annotations.Threads;

/**
 * Many threads of one process committing to one filesystem (group commit): every call returns
 * after its own commit is acknowledged; every directory record is Ed25519-signed by the writer and
 * verified by the simulator. {@code transport}: in-process (Netty local channels) or loopback TCP;
 * {@code storage}: the simulator's memory, or durable (a data directory, fsync before the
 * acknowledgement, as the CLI's default store).
 *
 * <ul>
 *   <li>{@code kvPutT1/T8/T64}: one op = {@code kv().put} of a new key with a 100-byte value.
 *   <li>{@code create1KiBT1/T16}: one op = {@code writeFile} of a new 1 KiB file (inline: one
 *       directory entry in a signed commit).
 * </ul>
 *
 * <p>Each iteration prints the Ed25519 signatures made and checked and the JVM's CPU time per call
 * ({@link SignatureCount}): with groups forming, well under one signature per call.
 */
@State(Scope.Benchmark)
public class ConcurrentWritersBenchmark {
  @Param({"inProcess", "tcp"})
  public Transport transport;

  @Param({"memory", "durable"})
  public String storage;

  GdpSimulator sim;
  GdpClient client;
  GdpFileSystem fs;
  ExecutorService callbacks;
  Path dataDir;
  final AtomicInteger threadIds = new AtomicInteger();
  final byte[] value = new byte[100];
  final byte[] file = new byte[1024];
  /** Calls made in this iteration (all threads), for the signatures and CPU per call. */
  final LongAdder calls = new LongAdder();
  final SignatureCount signatures = new SignatureCount("concurrent writers", "call");

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    GdpSimulator.Builder b = GdpSimulator.builder().inProcess().loopbackTcp(0);
    if (storage.equals("durable")) {
      dataDir = Files.createTempDirectory("gdpstore-bench-");
      b.dataDir(dataDir);
    }
    sim = b.start();
    callbacks = Executors.newFixedThreadPool(4);
    client = GdpClient.builder()
        .router(transport == Transport.tcp ? sim.tcpAddress() : sim.inProcessAddress())
        .creationService(sim.serverName())
        .requestTimeout(Duration.ofSeconds(60))
        .callbackExecutor(callbacks)
        .build();
    fs = GdpFileSystem.mkfs(client, Ed25519Keys.generate(new java.security.SecureRandom()), FsOptions.DEFAULT);
    fs.createDir("/d");
  }

  @Setup(Level.Iteration)
  public void countFrom() {
    calls.reset();
    signatures.start();
  }

  @TearDown(Level.Iteration)
  public void count() {
    signatures.records(calls.sumThenReset());
    signatures.report();
    System.out.println("[commits] " + commitStats());
  }

  /**
   * The writer's group-commit counters (cumulative since the trial began): group sizes, leader time
   * per group and the part of it spent waiting for the append. Reached reflectively: they are a
   * diagnostic of fs-engine's internals, not part of its API.
   */
  private String commitStats() {
    try {
      java.lang.reflect.Method engine = GdpFileSystem.class.getDeclaredMethod("engine");
      engine.setAccessible(true);
      Object e = engine.invoke(fs);
      Object txns = e.getClass().getMethod("transactions").invoke(e);
      return String.valueOf(txns.getClass().getMethod("commitStats").invoke(txns));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return "unavailable (" + e + ")";
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    fs.close();
    client.close();
    sim.close();
    callbacks.shutdownNow();
    if (dataDir != null) {
      try (Stream<Path> files = Files.walk(dataDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Each benchmark thread's own key and file names. */
  @State(Scope.Thread)
  public static class Names {
    int id;
    long n;

    @Setup(Level.Trial)
    public void setUp(ConcurrentWritersBenchmark b) {
      id = b.threadIds.incrementAndGet();
    }

    String next() {
      return "t" + id + "-" + (n++);
    }
  }

  private CommitResult put(Names n) throws FsException {
    CommitResult r = fs.kv().put(n.next(), value);
    calls.increment();
    return r;
  }

  private String create(Names n) throws FsException {
    String p = "/d/" + n.next();
    fs.writeFile(p, file);
    calls.increment();
    return p;
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(1)
  public CommitResult kvPutT1(Names n) throws FsException {
    return put(n);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(8)
  public CommitResult kvPutT8(Names n) throws FsException {
    return put(n);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(64)
  public CommitResult kvPutT64(Names n) throws FsException {
    return put(n);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(1)
  public String create1KiBT1(Names n) throws FsException {
    return create(n);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(16)
  public String create1KiBT16(Names n) throws FsException {
    return create(n);
  }
}
