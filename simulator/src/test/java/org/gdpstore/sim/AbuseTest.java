package org.gdpstore.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.GdpPipeline;
import org.gdpstore.wire.Pdu;
import org.gdpstore.wire.WireLimits;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.proto.GdpMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone simulator in its own JVM under abuse (issue 11): a well-behaved client is served
 * during and after each abuse, and the process stays within its limits.
 */
class AbuseTest {
  @TempDir
  Path dir;

  /** Creates a log, appends to it and reads it back: what a well-behaved client does. */
  private static void wellBehaved(SimProcess sim, String tag) {
    LogMetadata md = Cmds.metadata("well-behaved-" + tag);
    GdpName log = md.logName();
    try (TestClient c = TestClient.connect(sim.address, GdpName.sha256("good-" + tag), false, true)) {
      assertThat(c.call(sim.serverName, Cmds.create(md)).getCmd()).isEqualTo(MsgCode.ACK_CREATED);
      assertThat(c.call(log, Cmds.append(2, Cmds.datum(1, "hello"))).getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
      GdpMessage r = c.call(log, Cmds.read(3, 1, 0));
      assertThat(Cmds.data(r)).isEqualTo("hello");
    }
  }

  @Test
  @Timeout(120)
  void survivesRunningOutOfFileDescriptors() throws Exception {
    try (SimProcess sim = SimProcess.start(List.of("-Xmx128m"), List.of("--data", dir.toString()), 256)) {
      wellBehaved(sim, "before");
      int before = sim.output.size();
      List<Socket> idle = new ArrayList<>();
      try {
        for (int i = 0; i < 400; i++) {
          idle.add(new Socket(sim.address.getAddress(), sim.address.getPort()));
        }
        Thread.sleep(2000); // the simulator runs out of descriptors and keeps hitting the limit meanwhile
        assertThat(sim.process.isAlive()).isTrue();
        System.out.println("open fds of the simulator at the limit: " + sim.openFds());
      } finally {
        for (Socket s : idle) {
          s.close();
        }
      }
      Thread.sleep(1500); // closed connections are noticed; backed-off accepting resumes
      try {
        wellBehaved(sim, "after");
      } finally {
        System.out.println("simulator output:\n" + sim.outputText());
      }
      String log = sim.outputText();
      assertThat(log).doesNotContain("NoClassDefFoundError").doesNotContain("Exception in thread");
      assertThat(sim.output.size() - before).as("a few lines, not one per failed accept").isLessThan(20);
    }
  }

  /** Heap of the simulator JVM in the unread-reads test; the RSS cap below leaves room for Netty's direct buffers. */
  static final String HEAP = "-Xmx256m";
  /** Resident memory the simulator may reach (VmHWM) while one client pipelines reads it never reads. */
  static final long RSS_CAP_MB = 400;

  @Test
  @Timeout(180)
  void unreadPipelinedFullReadsThenDisconnectNeitherStallOthersNorGrowMemory() throws Exception {
    try (SimProcess sim = SimProcess.start(List.of(HEAP, "-XX:MaxDirectMemorySize=128m"),
        List.of("--data", dir.toString()), 0)) {
      // a 28 MiB log: 470 records of 60,000 bytes
      LogMetadata md = Cmds.metadata("big-log");
      GdpName big = md.logName();
      String chunk = "x".repeat(60_000);
      int records = 470;
      try (TestClient w = TestClient.connect(sim.address, GdpName.sha256("big-writer"), false, true)) {
        assertThat(w.call(sim.serverName, Cmds.create(md)).getCmd()).isEqualTo(MsgCode.ACK_CREATED);
        for (int first = 1; first <= records; first += 50) {
          List<GdpMessage> batch = new ArrayList<>();
          for (int r = first; r < first + 50 && r <= records; r++) {
            batch.add(Cmds.append(r, Cmds.datum(r, chunk)));
          }
          w.sendAll(big, batch);
          for (int i = 0; i < batch.size(); i++) {
            assertThat(w.nextEnvelope().message().getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
          }
        }
      }
      long rssBefore = sim.statusKb("VmRSS") / 1024;

      // the abuser: pipelines 40,000 full-range reads and never reads a byte of the answers
      EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
      GdpName abuserName = GdpName.sha256("abuser");
      Channel abuser = new Bootstrap().group(group).channel(NioSocketChannel.class)
          .option(ChannelOption.AUTO_READ, false)
          .handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
              GdpPipeline.configure(ch.pipeline(), WireLimits.DEFAULT);
            }
          }).connect(sim.address).syncUninterruptibly().channel();
      List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
      try (TestClient good = TestClient.connect(sim.address, GdpName.sha256("good-during"), false, true)) {
        LogMetadata gmd = Cmds.metadata("good-during");
        assertThat(good.call(sim.serverName, Cmds.create(gmd)).getCmd()).isEqualTo(MsgCode.ACK_CREATED);
        abuser.writeAndFlush(Pdu.advertise(abuserName, abuserName));
        for (int i = 1; i <= 40_000; i++) {
          abuser.write(new GdpEnvelope(big, abuserName, Cmds.read(i, 1, null)));
          if (i % 1000 == 0) {
            abuser.flush();
          }
        }
        abuser.flush();
        long peakDuring = 0;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
        for (int r = 1; System.nanoTime() < until; r++) {
          long t0 = System.nanoTime();
          assertThat(good.call(gmd.logName(), Cmds.append(r, Cmds.datum(r, "during-" + r))).getCmd())
              .isEqualTo(MsgCode.ACK_SUCCESS);
          GdpMessage back = good.call(big, Cmds.read(100_000 + r, r, 0));
          assertThat(Cmds.recno(back)).isEqualTo(r);
          latencies.add((System.nanoTime() - t0) / 1_000_000);
          peakDuring = Math.max(peakDuring, sim.statusKb("VmRSS") / 1024);
          Thread.sleep(20);
        }
        abuser.close().syncUninterruptibly();
        // after the disconnect: nothing is produced for the dead client any more
        Thread.sleep(1000);
        long cpu0 = sim.cpuTicks();
        Thread.sleep(3000);
        long cpuIdle = sim.cpuTicks() - cpu0;
        long t0 = System.nanoTime();
        assertThat(good.call(gmd.logName(), Cmds.append(9, Cmds.datum(latencies.size() + 1, "after"))).getCmd())
            .isEqualTo(MsgCode.ACK_SUCCESS);
        long after = (System.nanoTime() - t0) / 1_000_000;
        long hwm = sim.statusKb("VmHWM") / 1024;
        System.out.println("first round trips (ms): " + latencies.subList(0, Math.min(10, latencies.size())));
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        System.out.printf("unread reads: RSS before %d MB, peak during %d MB, high-water %d MB (cap %d MB);"
                + " good client: %d round trips, median %d ms, p90 %d ms, max %d ms; after disconnect: %d CPU ticks in 3 s,"
                + " next append %d ms%n", rssBefore, peakDuring, hwm, RSS_CAP_MB, sorted.size(),
            sorted.get(sorted.size() / 2), sorted.get(sorted.size() * 9 / 10), sorted.get(sorted.size() - 1), cpuIdle,
            after);
        assertThat(sorted.size()).as("the good client kept being served").isGreaterThan(20);
        // starving the good client shows in most round trips (and in how many fit the 8 s), not in the
        // worst one alone: one of ~100 can meet a GC pause or a descheduled process on a shared machine
        assertThat(sorted.get(sorted.size() * 9 / 10)).as("90th percentile append+read round trip, ms")
            .isLessThan(2_000);
        assertThat(sorted.get(sorted.size() - 1)).as("worst append+read round trip, ms").isLessThan(8_000);
        assertThat(hwm).as("resident memory high-water mark, MB").isLessThan(RSS_CAP_MB);
        assertThat(cpuIdle).as("CPU ticks (1/100 s) in 3 s after the abuser left").isLessThan(100);
        assertThat(sim.outputText()).doesNotContain("OutOfMemoryError").doesNotContain("Exception in thread");
      } finally {
        abuser.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      }
    }
  }

  @Test
  @Timeout(120)
  void routeHijackAndAdvertisementFloodAreRefusedOverTcp() throws Exception {
    try (SimProcess sim = SimProcess.start(List.of("-Xmx128m"), List.of("--max-advertisements", "1000"), 0)) {
      LogMetadata md = Cmds.metadata("hijacked");
      GdpName log = md.logName();
      try (TestClient writer = TestClient.connect(sim.address, GdpName.sha256("hijack-writer"), false, true)) {
        assertThat(writer.call(sim.serverName, Cmds.create(md)).getCmd()).isEqualTo(MsgCode.ACK_CREATED);
        // a thief advertises the log's name: the router closes it, the log server keeps answering
        try (TestClient thief = TestClient.connect(sim.address, GdpName.sha256("hijack-thief"), false, true)) {
          thief.sendPdu(Pdu.advertise(log, thief.name));
          Thread.sleep(300);
          assertThat(writer.call(log, Cmds.append(1, Cmds.datum(1, "mine"))).getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
          assertThat(thief.channel.closeFuture().await(5, TimeUnit.SECONDS)).as("thief closed").isTrue();
        }
        // a flood of advertisements on one connection: closed at the limit, memory stays flat
        long rss0 = sim.statusKb("VmRSS") / 1024;
        try (TestClient flood = TestClient.connect(sim.address, GdpName.sha256("ad-flood"), false, true)) {
          for (int i = 0; i < 100_000 && flood.isActive(); i++) {
            flood.channel.write(Pdu.advertise(GdpName.sha256("flood-" + i), flood.name));
            if (i % 1000 == 0) {
              flood.channel.flush();
            }
          }
          flood.channel.flush();
          assertThat(flood.channel.closeFuture().await(10, TimeUnit.SECONDS)).as("flooder closed").isTrue();
        }
        long rss1 = sim.statusKb("VmRSS") / 1024;
        System.out.println("advertisement flood: RSS " + rss0 + " -> " + rss1 + " MB");
        assertThat(writer.call(log, Cmds.append(2, Cmds.datum(2, "still mine"))).getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
        wellBehaved(sim, "after-flood");
        assertThat(sim.outputText()).contains("a name of the log server").contains("advertised more than 1000 names");
      }
    }
  }
}
