package org.gdpstore.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.proto.GdpMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory written by the previous storage format (1, before issue 11) still opens: its
 * records are served, a damaged record in it is found by resynchronising, and appends continue in
 * format 1. The fixture (src/test/resources/v1-store) holds two logs of four records "v1-record-N";
 * in the second, record 2's bytes were altered after it was written.
 */
class FormatV1Test {
  static final GdpName INTACT = GdpName.parse("Uj7gnGE_MEB80ID1fbu7o75eUKhAjfsq0qG9m6lAjjo");
  static final GdpName DAMAGED = GdpName.parse("hh_j6vdY9LRN_rOoCbqEs7nMFkpwtrDPLaediyzsL-A");

  @TempDir
  Path dir;

  static void copyFixture(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("logs"));
    for (GdpName n : new GdpName[] {INTACT, DAMAGED}) {
      String f = n.printable() + ".glog";
      try (InputStream in = FormatV1Test.class.getResourceAsStream("/v1-store/logs/" + f)) {
        Files.copy(in, dir.resolve("logs").resolve(f));
      }
    }
  }

  private GdpSimulator start() {
    return GdpSimulator.builder().inProcess().dataDir(dir).serverName("v1.fixture").start();
  }

  @Test
  void previousFormatOpensAndStaysWritable() throws IOException {
    copyFixture(dir);
    byte[] before = Files.readAllBytes(dir.resolve("logs").resolve(DAMAGED.printable() + ".glog"));
    try (GdpSimulator sim = start(); TestClient c = TestClient.local(sim, "v1-reader")) {
      assertThat(sim.logs()).containsEntry(INTACT, 4L).containsEntry(DAMAGED, 4L);
      for (int i = 1; i <= 4; i++) {
        assertThat(Cmds.data(c.call(INTACT, Cmds.read(1, i, 0)))).isEqualTo("v1-record-" + i);
        GdpMessage m = c.call(DAMAGED, Cmds.read(2, i, 0));
        if (i == 2) {
          assertThat(m.getCmd()).isEqualTo(MsgCode.NAK_C_REC_MISSING);
        } else {
          assertThat(Cmds.data(m)).isEqualTo("v1-record-" + i);
        }
      }
      assertThat(c.call(INTACT, Cmds.append(3, Cmds.datum(5, "v1-record-5"))).getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
      assertThat(c.call(DAMAGED, Cmds.append(3, Cmds.datum(5, "v1-record-5"))).getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
    }
    byte[] after = Files.readAllBytes(dir.resolve("logs").resolve(DAMAGED.printable() + ".glog"));
    assertThat(java.util.Arrays.copyOf(after, before.length)).as("appended to, never rewritten").isEqualTo(before);
    assertThat(new String(after, 0, 8, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("GDPSLOG1");
    try (GdpSimulator sim = start(); TestClient c = TestClient.local(sim, "v1-reader-2")) {
      assertThat(sim.logs()).containsEntry(INTACT, 5L).containsEntry(DAMAGED, 5L);
      assertThat(Cmds.data(c.call(DAMAGED, Cmds.read(1, 5, 0)))).isEqualTo("v1-record-5");
      assertThat(c.call(DAMAGED, Cmds.read(1, 2, 0)).getCmd()).isEqualTo(MsgCode.NAK_C_REC_MISSING);
    }
  }
}
