package org.gdpstore.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.gdpstore.client.GdpClient;
import org.gdpstore.fs.internal.InMemoryLogStore;
import org.gdpstore.fs.internal.LogStore;
import org.gdpstore.fs.internal.proto.FsRecord;
import org.gdpstore.sim.GdpSimulator;
import org.gdpstore.wire.GdpName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Format 7: a writer renews the intents of the file logs it holds open, so a file written (or
 * left open after a sync) for longer than the orphan grace keeps its log when another writer
 * instance runs gc meanwhile; once the file is published or abandoned, renewals stop and an
 * abandoned log is collected after the grace.
 */
@Timeout(120)
class IntentRenewalTest {
  private static final Duration GRACE = Duration.ofHours(24); // the default

  @Test
  void aFileOpenForDaysKeepsItsLogThroughAnotherWritersGc() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    FsTransactionTest.TestClock clock = new FsTransactionTest.TestClock(); // moved by hand
    // checkpoints every 2 commits: the other instance opens from one, which must carry the renewals
    FsOptions o = FsOptions.builder().clock(clock).chunkSize(4_096).logPool(1).checkpointEveryCommits(2).build();
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, o)) {
      GdpName root = fs.rootName();
      WritableFile f = fs.newWritableFile("/events");
      f.append(OrphanGcTest.content(10_000, 1)); // past the inline limit: the file has a log
      f.sync();
      // three days with the file open, written to now and then; every 7 hours another writer
      // instance (as another process would) collects what no commit references
      for (int step = 1; step <= 10; step++) {
        sevenHoursLater(store, root, clock);
        if (step % 3 == 0) {
          f.append(OrphanGcTest.content(1_000, step));
        }
        for (int i = 0; i < 3; i++) {
          fs.kv().put("step", new byte[] {(byte) step, (byte) i});
        }
        assertThat(gcByAnotherWriter(store, root, o).intentsSettled()).as("step %d: the held intent stays open", step)
            .isZero();
      }
      f.close();
      byte[] expected = concat(OrphanGcTest.content(10_000, 1), OrphanGcTest.content(1_000, 3),
          OrphanGcTest.content(1_000, 6), OrphanGcTest.content(1_000, 9));
      assertThat(fs.readFile("/events")).isEqualTo(expected);
      // published: renewals stop; the intent ages out and gc settles it, keeping the referenced log
      long after = renewals(store, root);
      clock.advance(Duration.ofHours(25).toSeconds());
      Thread.sleep(2_500); // two checks of the renewer
      assertThat(renewals(store, root)).as("no renewals for a published file").isEqualTo(after);
      try (GdpFileSystem other = GdpFileSystem.open(store, root, LogBackend.KEYS, o)) {
        GcReport r = other.gc(RetentionPolicy.KEEP_ALL.withOrphanGrace(GRACE), false);
        assertThat(r.intentsSettled()).isEqualTo(1);
        assertThat(other.readFile("/events")).isEqualTo(expected);
        // a directory log with renewal records reads like any other: fsck, a path's history
        assertThat(other.verifyAll().ok()).isTrue();
        assertThat(other.history("/events")).hasSize(1);
      }
    }
  }

  @Test
  void aFileClosedInATransactionKeptOpenForDaysKeepsItsLog() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    FsTransactionTest.TestClock clock = new FsTransactionTest.TestClock();
    FsOptions o = FsOptions.builder().clock(clock).chunkSize(4_096).logPool(0).build();
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, o)) {
      GdpName root = fs.rootName();
      TransactionToken t = fs.startTransaction();
      try (WritableFile f = fs.inTransaction(t).newWritableFile("/staged")) {
        f.append(OrphanGcTest.content(10_000, 4));
      } // staged in the transaction: its log is held until the transaction ends
      for (int step = 1; step <= 5; step++) {
        sevenHoursLater(store, root, clock);
        assertThat(gcByAnotherWriter(store, root, o).intentsSettled()).as("step %d", step).isZero();
      }
      fs.endTransaction(t);
      assertThat(fs.readFile("/staged")).isEqualTo(OrphanGcTest.content(10_000, 4));
    }
  }

  @Test
  void anAbandonedFileIsNoLongerRenewedAndItsLogIsCollected() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    FsTransactionTest.TestClock clock = new FsTransactionTest.TestClock();
    FsOptions o = FsOptions.builder().clock(clock).chunkSize(4_096).logPool(0).build();
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, o)) {
      GdpName root = fs.rootName();
      int logs = store.logCount();
      TransactionToken t = fs.startTransaction();
      WritableFile f = fs.inTransaction(t).newWritableFile("/tmp");
      f.append(OrphanGcTest.content(10_000, 2));
      f.sync();
      long before = renewals(store, root);
      clock.advance(Duration.ofHours(7).toSeconds());
      awaitRenewalAfter(store, root, before);
      fs.abortTransaction(t); // the file is abandoned with its transaction
      long after = renewals(store, root);
      clock.advance(Duration.ofHours(25).toSeconds());
      Thread.sleep(2_500);
      assertThat(renewals(store, root)).isEqualTo(after);
      GcReport r = fs.gc(RetentionPolicy.KEEP_ALL.withOrphanGrace(GRACE), false);
      assertThat(r.orphansDeleted()).hasSize(1);
      assertThat(store.logCount()).isEqualTo(logs);
    }
  }

  /**
   * Across processes and in real time: a writer process holds a synced file open for twice the
   * grace while this process runs gc with the same grace; the log is kept and the file, closed
   * afterwards, reads back whole. Then a writer is killed while it holds a file: a gc after the
   * grace completes, takes the logs no commit references, and the published file stays whole.
   */
  @Test
  void aWriterProcessHoldingAFileOpenPastTheGraceKeepsItsLog(@TempDir Path tmp) throws Exception {
    Duration grace = Duration.ofSeconds(6);
    try (GdpSimulator sim = GdpSimulator.builder().loopbackTcp(0).dataDir(tmp.resolve("sim")).start();
        GdpClient client = OrphanGcTest.tcpClient(sim)) {
      GdpName root;
      try (GdpFileSystem fs = GdpFileSystem.mkfs(client, LogBackend.KEYS, FsOptions.DEFAULT)) {
        root = fs.rootName();
      }
      Process p = worker(sim, root, grace);
      try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
          Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
        assertThat(readUntil(out, "READY")).isEqualTo("READY");
        Thread.sleep(grace.toMillis() * 2);
        try (GdpFileSystem fs = GdpFileSystem.open(client, root, LogBackend.KEYS, FsOptions.DEFAULT)) {
          GcReport r = fs.gc(RetentionPolicy.KEEP_ALL.withOrphanGrace(grace), false);
          assertThat(r.intentsSettled()).as("the writer's held intent").isZero();
          assertThat(r.orphansDeleted()).isEmpty();
        }
        in.write("CLOSE\n");
        in.flush();
        assertThat(readUntil(out, "CLOSED")).isEqualTo("CLOSED");
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      } finally {
        p.destroyForcibly();
      }
      try (GdpFileSystem fs = GdpFileSystem.open(client, root, null, FsOptions.DEFAULT)) {
        assertThat(fs.readFile("/held")).isEqualTo(OrphanGcTest.content(100_000, 7));
      }
      // a writer killed while it holds a file: its renewals stop, and after the grace its log goes
      Process killed = worker(sim, root, grace);
      try (BufferedReader out = new BufferedReader(new InputStreamReader(killed.getInputStream(), StandardCharsets.UTF_8))) {
        readUntil(out, "READY");
      } finally {
        killed.destroyForcibly();
        killed.waitFor(30, TimeUnit.SECONDS);
      }
      Thread.sleep(grace.toMillis() + 1_000);
      try (GdpFileSystem fs = GdpFileSystem.open(client, root, LogBackend.KEYS, FsOptions.DEFAULT)) {
        GcReport r = fs.gc(RetentionPolicy.KEEP_ALL.withOrphanGrace(grace), false);
        assertThat(r.orphansDeleted()).as("logs of the writers gone (closed, killed) that no commit references")
            .isNotEmpty();
        assertThat(r.complete()).isTrue();
        assertThat(fs.readFile("/held")).isEqualTo(OrphanGcTest.content(100_000, 7));
      }
    }
  }

  private static Process worker(GdpSimulator sim, GdpName root, Duration grace) throws Exception {
    return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        RenewalWorker.class.getName(), sim.tcpAddress().getHostString(), String.valueOf(sim.tcpAddress().getPort()),
        sim.serverName().printable(), root.printable(), String.valueOf(grace.toMillis()))
        .redirectErrorStream(true).start();
  }

  /** Moves the clock 7 hours on and waits for the writer's renewal. */
  private static void sevenHoursLater(InMemoryLogStore store, GdpName root, FsTransactionTest.TestClock clock)
      throws Exception {
    long before = renewals(store, root);
    clock.advance(Duration.ofHours(7).toSeconds());
    awaitRenewalAfter(store, root, before);
  }

  /** A gc with the default grace by another writer instance of the filesystem (as another process would run it). */
  private static GcReport gcByAnotherWriter(InMemoryLogStore store, GdpName root, FsOptions o) throws Exception {
    try (GdpFileSystem other = GdpFileSystem.open(store, root, LogBackend.KEYS, o)) {
      return other.gc(RetentionPolicy.KEEP_ALL.withOrphanGrace(GRACE), false);
    }
  }

  private static String readUntil(BufferedReader out, String wanted) throws Exception {
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = out.readLine()) != null && !line.equals(wanted)) {
      seen.append(line).append('\n');
    }
    assertThat(line).as("worker output:\n%s", seen).isEqualTo(wanted);
    return line;
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** Renewal records in the directory log. */
  static long renewals(InMemoryLogStore store, GdpName root) throws Exception {
    LogStore.Source src = store.openSource(root, true).get();
    long n = 0;
    for (long r = 2; r <= store.lastRecno(root); r++) {
      FsRecord fr = FsRecord.parseFrom(src.read(r).get().payload().duplicate());
      if (fr.hasIntent() && fr.getIntent().getRenewedUnixNanos() != 0) {
        n++;
      }
    }
    return n;
  }

  /** Waits for the writer's renewer (it checks every second) to append a renewal. */
  private static void awaitRenewalAfter(InMemoryLogStore store, GdpName root, long before) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (renewals(store, root) <= before) {
      assertThat(System.nanoTime() - deadline).as("a renewal within 30 s").isNegative();
      Thread.sleep(50);
    }
  }
}
