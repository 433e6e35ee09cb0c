package org.gdpstore.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.proto.GdpMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone simulator in its own JVM, killed with SIGKILL in the middle of a stream of
 * appends over TCP, then restarted on the same directory: every acknowledged record is there,
 * intact, and nothing beyond what was sent.
 */
class ProcessKillTest {
  @TempDir
  Path dir;

  private SimProcess launch() throws IOException {
    return SimProcess.start(List.of("-Xmx256m"),
        List.of("--data", dir.toString(), "--server-name", "kill.test.gdplogd"), 0);
  }

  @Test
  void acknowledgedRecordsSurviveKillDashNine() throws Exception {
    LogMetadata md = Cmds.metadata("kill-9");
    GdpName log = md.logName();
    int total = 3000;
    TreeSet<Long> acked = new TreeSet<>();
    SimProcess first = launch();
    try {
      assertThat(first.serverName).isEqualTo(GdpName.sha256("kill.test.gdplogd"));
      try (TestClient c = TestClient.connect(first.address, GdpName.sha256("kill-writer"), false, true)) {
        assertThat(c.call(first.serverName, Cmds.create(md)).getCmd()).isEqualTo(MsgCode.ACK_CREATED);
        // stream: write without waiting, read acks as they come, kill after a few hundred
        Thread writer = new Thread(() -> {
          for (int i = 1; i <= total && c.isActive(); i++) {
            c.channel.writeAndFlush(new org.gdpstore.wire.GdpEnvelope(log, c.name,
                Cmds.append(i, Cmds.datum(i, "payload-" + i))));
          }
        }, "kill-writer");
        writer.start();
        while (acked.size() < 300) {
          GdpMessage m = c.nextEnvelope().message();
          assertThat(m.getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
          acked.add(m.getAckSuccess().getRecno());
        }
        first.process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        writer.join(30_000);
        // acks that were already on their way still count: they were sent after the sync
        for (TestClient.Received r : c.drain(200)) {
          if (r.envelope() != null && r.envelope().cmd() == MsgCode.ACK_SUCCESS) {
            acked.add(r.envelope().message().getAckSuccess().getRecno());
          }
        }
      }
    } finally {
      first.process.destroyForcibly();
    }
    assertThat(acked.first()).isEqualTo(1);
    assertThat(acked.last()).isEqualTo(acked.size()).as("acks are contiguous");

    SimProcess second = launch();
    try (TestClient c = TestClient.connect(second.address, GdpName.sha256("kill-reader"), false, true)) {
      long nrecs = c.call(log, Cmds.open(MsgCode.CMD_OPEN_RO, 1)).getAckSuccess().getRecno();
      System.out.println("acknowledged " + acked.size() + " of " + total + ", recovered " + nrecs);
      assertThat(nrecs).isGreaterThanOrEqualTo(acked.last()).isLessThanOrEqualTo(total);
      c.send(log, Cmds.read(2, 1, null));
      for (long i = 1; i <= nrecs; i++) {
        GdpMessage m = c.nextEnvelope().message();
        assertThat(Cmds.recno(m)).isEqualTo(i);
        assertThat(Cmds.data(m)).isEqualTo("payload-" + i);
      }
      assertThat(c.nextEnvelope().message().getAckEndOfResults().getNresults()).isEqualTo(nrecs);
      // and it keeps going
      GdpMessage next = c.call(log, Cmds.append(9, Cmds.datum(nrecs + 1, "after")));
      assertThat(next.getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
    } finally {
      second.process.destroy();
      assertThat(second.process.waitFor(30, TimeUnit.SECONDS)).as("exits on SIGTERM").isTrue();
      second.process.destroyForcibly();
    }
  }
}
