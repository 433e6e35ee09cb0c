package org.gdpstore.fs;

import org.gdpstore.sim.junit.StorageTamper;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.gdpstore.client.Backoff;
import org.gdpstore.client.GdpClient;
import org.gdpstore.sim.FaultPlan;
import org.gdpstore.sim.GdpSimulator;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.MsgCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash consistency and tampering through the real stack (fs engine, log-client, simulator): the
 * simulator's fault injection drops every APPEND after the first n (the writer is cut off at that
 * instant, whatever it was doing), and a byte flipped in the simulator's log file (with its frame
 * checksum fixed, so storage recovery keeps it) must be reported by readers, not returned.
 */
class SimCrashAndIntegrityTest {
  /** Every file in a file log (these tests cut file-log appends and flip file-log bytes). */
  static final FsOptions OPTS = FsOptions.builder().chunkSize(200).inlineFileBytes(0).build();
  @TempDir
  Path dataDir;
  GdpSimulator sim;
  ExecutorService callbacks;

  @BeforeEach
  void start() {
    callbacks = Executors.newFixedThreadPool(4);
    sim = GdpSimulator.builder().inProcess().dataDir(dataDir).start();
  }

  @AfterEach
  void stop() throws Exception {
    sim.close();
    callbacks.shutdownNow();
  }

  GdpClient client(Duration timeout) {
    return GdpClient.builder()
        .router(sim.inProcessAddress())
        .creationService(sim.serverName())
        .requestTimeout(timeout)
        .resendInterval(Duration.ofMillis(100))
        .backoff(Backoff.exponential(Duration.ofMillis(5), Duration.ofMillis(50)))
        .callbackExecutor(callbacks)
        .random(new SecureRandom())
        .build();
  }

  interface Op {
    void run(GdpFileSystem fs) throws Exception;
  }

  @Test
  void writerCutOffAtEveryAppendOfACommitAndARename() throws Exception {
    Op setup = fs -> {
      fs.recursivelyCreateDir("/ckpt/src/sub");
      fs.writeFile("/ckpt/src/sub/x", "x".repeat(300).getBytes(UTF_8));
      fs.createDir("/ckpt/empty");
    };
    Op commit = fs -> {
      try (Transaction tx = fs.newTransaction()) {
        tx.writeFile("/ckpt/a", "A".repeat(500).getBytes(UTF_8));
        tx.writeFile("/ckpt/b", "B".repeat(250).getBytes(UTF_8));
        tx.deleteRecursively("/ckpt/src");
        tx.commit();
      }
    };
    int steps = crashAtEveryAppend(setup, commit);
    assertThat(steps).isGreaterThanOrEqualTo(6);
    crashAtEveryAppend(setup, fs -> fs.renamePath("/ckpt/src", "/ckpt/empty"));
  }

  int crashAtEveryAppend(Op setup, Op op) throws Exception {
    TreeMap<String, String> before = null;
    TreeMap<String, String> after = null;
    for (int k = 0; ; k++) {
      boolean crashed = false;
      GdpName root;
      // the writer gives up after 1 s of silence, so each cut costs about a second
      try (GdpClient writerClient = client(Duration.ofMillis(1000))) {
        GdpFileSystem fs = setUp(writerClient, setup);
        root = fs.rootName();
        if (before == null) {
          before = FsDifferentialTest.tree(fs);
        }
        FaultPlan.Rule cut = FaultPlan.on(FaultPlan.Direction.TO_SERVER).code(MsgCode.CMD_APPEND).skip(k).drop();
        sim.faults().add(cut);
        try {
          op.run(fs);
        } catch (FsException e) {
          assertThat(e.code()).as(e.getMessage()).isIn(FsCode.UNAVAILABLE);
          crashed = true;
        } finally {
          try {
            fs.close();
          } catch (RuntimeException e) {
            crashed = true;
          }
          sim.faults().clear();
        }
      }
      try (GdpClient readerClient = client(Duration.ofSeconds(10));
          GdpFileSystem reader = GdpFileSystem.open(readerClient, root, null, OPTS)) {
        TreeMap<String, String> seen = FsDifferentialTest.tree(reader);
        if (!crashed) {
          after = seen;
          assertThat(after).isNotEqualTo(before);
          return k;
        }
        checkAllOrNothing(seen, k);
      }
    }
  }

  /**
   * A new filesystem with {@code setup} done, before any fault. On a loaded machine a CREATE or
   * APPEND can meet the writer's 1 s of silence here: then it starts over with a new filesystem
   * (the cut-off under test comes later, during the operation).
   */
  static GdpFileSystem setUp(GdpClient c, Op setup) throws Exception {
    for (int attempt = 1; ; attempt++) {
      GdpFileSystem fs = null;
      try {
        fs = GdpFileSystem.mkfs(c, LogBackend.KEYS, OPTS);
        setup.run(fs);
        return fs;
      } catch (FsException e) {
        if (fs != null) {
          try {
            fs.close();
          } catch (RuntimeException ignored) {
            // already failed: the next attempt starts afresh
          }
        }
        if (e.code() != FsCode.UNAVAILABLE || attempt == 5) {
          throw e;
        }
      }
    }
  }

  /** All or nothing: either none of the operation's effects, or all of them. */
  static void checkAllOrNothing(TreeMap<String, String> seen, int k) {
    boolean anyNew = seen.containsKey("/ckpt/a") || seen.containsKey("/ckpt/b") || seen.containsKey("/ckpt/empty/sub");
    boolean srcGone = !seen.containsKey("/ckpt/src");
    if (seen.containsKey("/ckpt/a") || seen.containsKey("/ckpt/b")) {
      // the commit: both files, and /ckpt/src deleted
      assertThat(seen).as("after %d appends", k).containsKeys("/ckpt/a", "/ckpt/b").doesNotContainKey("/ckpt/src");
    } else if (seen.containsKey("/ckpt/empty/sub")) {
      // the rename: everything moved
      assertThat(seen).containsKeys("/ckpt/empty/sub/x").doesNotContainKey("/ckpt/src");
    } else {
      assertThat(anyNew).isFalse();
      assertThat(srcGone).as("nothing of the operation is visible after %d appends", k).isFalse();
      assertThat(seen).containsKeys("/ckpt/src/sub/x", "/ckpt/empty");
    }
  }

  @Test
  void byteFlippedInStorageIsReportedNotReturned() throws Exception {
    String marker = "TAMPER-ME-" + "0123456789".repeat(5);
    GdpName root;
    try (GdpClient c = client(Duration.ofSeconds(10));
        GdpFileSystem fs = GdpFileSystem.mkfs(c, LogBackend.KEYS, OPTS)) {
      root = fs.rootName();
      fs.writeFile("/secret", marker.getBytes(UTF_8));
      fs.writeFile("/plain", "untouched".getBytes(UTF_8));
    }
    sim.crashLogServer();
    assertThat(flipByteOf(marker.getBytes(UTF_8))).isEqualTo(1);
    sim.restartLogServer();
    try (GdpClient c = client(Duration.ofSeconds(10));
        GdpFileSystem fs = GdpFileSystem.open(c, root, null, OPTS)) {
      assertThat(new String(fs.readFile("/plain"), UTF_8)).isEqualTo("untouched");
      assertThatThrownBy(() -> fs.readFile("/secret")).isInstanceOf(IntegrityException.class);
      try (GdpRandomAccessFile r = fs.newRandomAccessFile("/secret")) {
        assertThatThrownBy(() -> r.read(0, ByteBuffer.allocate(10))).isInstanceOf(IntegrityException.class);
      }
    }
  }

  @Test
  void byteFlippedInAnInlineFileIsReportedNotReturned() throws Exception {
    FsOptions inline = OPTS.toBuilder().inlineFileBytes(1024).build();
    String marker = "TAMPER-INLINE-" + "0123456789".repeat(5);
    GdpName root;
    try (GdpClient c = client(Duration.ofSeconds(10));
        GdpFileSystem fs = GdpFileSystem.mkfs(c, LogBackend.KEYS, inline)) {
      root = fs.rootName();
      fs.writeFile("/secret", marker.getBytes(UTF_8));
      assertThat(fs.readFile("/secret")).isEqualTo(marker.getBytes(UTF_8));
    }
    sim.crashLogServer();
    // the content lives in the signed directory record: flipping it breaks that record's signature
    assertThat(flipByteOf(marker.getBytes(UTF_8))).isEqualTo(1);
    sim.restartLogServer();
    try (GdpClient c = client(Duration.ofSeconds(10))) {
      assertThatThrownBy(() -> GdpFileSystem.open(c, root, null, inline).close())
          .isInstanceOf(IntegrityException.class);
    }
  }

  /** Flips a bit of {@code needle} in a stored record, resealing its frame (see {@link StorageTamper}). */
  int flipByteOf(byte[] needle) throws IOException {
    return StorageTamper.flipInRecords(dataDir, needle);
  }
}
