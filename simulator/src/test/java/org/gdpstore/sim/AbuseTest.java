package org.gdpstore.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
}
