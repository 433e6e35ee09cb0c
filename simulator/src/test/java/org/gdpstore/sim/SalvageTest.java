package org.gdpstore.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.proto.GdpMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Salvage rewrites damaged and format 1 logs on request only, keeping the original and the record numbers. */
class SalvageTest {
  @TempDir
  Path dir;

  private GdpSimulator start() {
    return GdpSimulator.builder().inProcess().dataDir(dir).serverName("v1.fixture").start();
  }

  private Path file(GdpName n) {
    return dir.resolve("logs").resolve(n.printable() + ".glog");
  }

  @Test
  void damagedAndOldLogsAreRewrittenWithCopiesAndHoles() throws IOException {
    FormatV1Test.copyFixture(dir);
    byte[] original = Files.readAllBytes(file(FormatV1Test.DAMAGED));
    try (GdpSimulator sim = start()) {
      assertThatThrownBy(() -> Salvage.run(dir, null)).isInstanceOf(DataDirectoryLockedException.class);
    }
    List<Salvage.Result> results = Salvage.run(dir, null);
    assertThat(results).hasSize(2).allMatch(Salvage.Result::rewritten).noneMatch(Salvage.Result::failed);
    assertThat(results).anyMatch(r -> r.message().contains("damaged [2]"));
    try (Stream<Path> s = Files.list(dir.resolve("logs"))) {
      List<Path> copies = s.filter(p -> p.getFileName().toString().startsWith(FormatV1Test.DAMAGED.printable() + ".glog.damaged-")).toList();
      assertThat(copies).hasSize(1);
      assertThat(Files.readAllBytes(copies.get(0))).isEqualTo(original);
    }
    assertThat(new String(Files.readAllBytes(file(FormatV1Test.DAMAGED)), 0, 8, StandardCharsets.US_ASCII)).isEqualTo("GDPSLOG2");
    try (GdpSimulator sim = start(); TestClient c = TestClient.local(sim, "after-salvage")) {
      assertThat(sim.logs()).containsEntry(FormatV1Test.DAMAGED, 4L).containsEntry(FormatV1Test.INTACT, 4L);
      GdpMessage hole = c.call(FormatV1Test.DAMAGED, Cmds.read(1, 2, 0));
      assertThat(hole.getCmd()).isEqualTo(MsgCode.NAK_C_REC_MISSING);
      assertThat(hole.getNak().getDescription()).contains("salvaged");
      for (long r : new long[] {1, 3, 4}) {
        assertThat(Cmds.data(c.call(FormatV1Test.DAMAGED, Cmds.read(1, r, 0)))).isEqualTo("v1-record-" + r);
        assertThat(Cmds.data(c.call(FormatV1Test.INTACT, Cmds.read(1, r, 0)))).isEqualTo("v1-record-" + r);
      }
      assertThat(c.call(FormatV1Test.DAMAGED, Cmds.append(2, Cmds.datum(5, "after"))).getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
    }
    // an intact format 2 log is left alone, and so is one whose only damage is an earlier salvage's holes
    assertThat(Salvage.run(dir, FormatV1Test.DAMAGED)).singleElement().satisfies(r -> {
      assertThat(r.rewritten()).isFalse();
      assertThat(r.message()).contains("holes of an earlier salvage [2]");
    });
    List<Salvage.Result> again = Salvage.run(dir, FormatV1Test.INTACT);
    assertThat(again).singleElement().satisfies(r -> {
      assertThat(r.rewritten()).isFalse();
      assertThat(r.message()).contains("intact");
    });
  }

  @Test
  void standaloneSalvageFlag() throws Exception {
    FormatV1Test.copyFixture(dir);
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(javaBin, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
        GdpSimulatorMain.class.getName(), "--data", dir.toString(), "--salvage").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains(FormatV1Test.DAMAGED.printable() + ": 4 records, damaged [2]")
        .contains(FormatV1Test.INTACT.printable() + ": 4 records, none; rewritten in format 2 from format 1");
  }
}
