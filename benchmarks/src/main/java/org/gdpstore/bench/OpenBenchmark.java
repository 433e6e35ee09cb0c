package org.gdpstore.bench;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.gdpstore.client.GdpClient;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.FsOptions;
import org.gdpstore.fs.GdpFileSystem;
import org.gdpstore.wire.GdpName;
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
 * Read-only open of a filesystem (issue 14): 500 live keys rewritten over and over, so the live
 * state is the same whatever the history length; one op = open (reading and verifying the
 * directory log over the in-process simulator) and close. {@code checkpoints}: default options
 * (a checkpoint every 1,000 commits, open starts from the latest) or none written (open replays
 * the whole log, as before format version 3).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class OpenBenchmark {
  @Param({"1000", "20000"})
  int commits;

  @Param({"on", "off"})
  String checkpoints;

  SimStack stack;
  GdpClient client;
  GdpName root;
  FsOptions opts;

  @Setup(Level.Trial)
  public void setUp() throws FsException {
    stack = SimStack.start(null);
    client = stack.client(Transport.inProcess, 256, ForkJoinPool.commonPool());
    opts = checkpoints.equals("on") ? FsOptions.DEFAULT
        : FsOptions.builder().checkpointEveryCommits(0).checkpointEveryBytes(0).build();
    try (GdpFileSystem fs = GdpFileSystem.mkfs(client, stack.keys, opts)) {
      root = fs.rootName();
      for (int i = 0; i < commits; i++) {
        fs.kv().put("key-" + (i % 500), ("value " + i).getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    stack.close();
  }

  @Benchmark
  public long openReadOnly() throws FsException {
    try (GdpFileSystem fs = GdpFileSystem.open(client, root, null, opts)) {
      return fs.head();
    }
  }
}
