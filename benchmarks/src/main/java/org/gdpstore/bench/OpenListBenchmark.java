package org.gdpstore.bench;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.gdpstore.client.GdpClient;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.FsOptions;
import org.gdpstore.fs.GdpFileSystem;
import org.gdpstore.fs.Transaction;
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
 * Read-only open of a filesystem of 10,000 entries as a ratio to listing them in a warm one (issue
 * 14): {@code /d} holds 10,000 small (inline) files written by 10 transactions of 1,000. Both
 * methods share one trial, so the ratio {@code openReadOnly / list} comes from one run.
 * {@code from}: {@code checkpoint} (the last commit is followed by a checkpoint, as a filesystem
 * that has been written for a while; the open reads the checkpoint) or {@code replay} (no
 * checkpoint: the open replays the 10 commits).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class OpenListBenchmark {
  static final int ENTRIES = 10_000;
  static final int PER_COMMIT = 1_000;

  @Param({"checkpoint", "replay"})
  String from;

  SimStack stack;
  GdpClient client;
  GdpName root;
  FsOptions opts;
  /** The warm filesystem: opened once, its directory index in memory. */
  GdpFileSystem warm;

  @Setup(Level.Trial)
  public void setUp() throws FsException {
    stack = SimStack.start(null);
    client = stack.client(Transport.inProcess, 256, ForkJoinPool.commonPool());
    opts = from.equals("checkpoint")
        ? FsOptions.builder().checkpointEveryCommits(ENTRIES / PER_COMMIT + 1).build() // mkdir + 10 commits
        : FsOptions.builder().checkpointEveryCommits(0).checkpointEveryBytes(0).build();
    try (GdpFileSystem fs = GdpFileSystem.mkfs(client, stack.keys, opts)) {
      root = fs.rootName();
      fs.createDir("/d");
      for (int c = 0; c < ENTRIES / PER_COMMIT; c++) {
        try (Transaction tx = fs.newTransaction()) {
          for (int i = 0; i < PER_COMMIT; i++) {
            int n = c * PER_COMMIT + i;
            tx.writeFile(String.format("/d/entry-%05d", n), ("content " + n).getBytes(StandardCharsets.UTF_8));
          }
          tx.commit();
        }
      }
    }
    warm = GdpFileSystem.open(client, root, null, opts);
    if (warm.getChildren("/d").size() != ENTRIES) {
      throw new IllegalStateException("expected " + ENTRIES + " entries");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws FsException {
    warm.close();
    stack.close();
  }

  /** Open (read and verify the directory log) and close. */
  @Benchmark
  public long openReadOnly() throws FsException {
    try (GdpFileSystem fs = GdpFileSystem.open(client, root, null, opts)) {
      return fs.head();
    }
  }

  /** List the 10,000 names in the warm filesystem. */
  @Benchmark
  public List<String> list() throws FsException {
    return warm.getChildren("/d");
  }
}
