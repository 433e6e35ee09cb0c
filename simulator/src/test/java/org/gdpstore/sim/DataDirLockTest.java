package org.gdpstore.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One simulator per data directory: across processes (OS file lock) and within one JVM. */
class DataDirLockTest {
  @TempDir
  Path dir;

  private Process launch(List<String> output) throws IOException {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(javaBin, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
        GdpSimulatorMain.class.getName(), "--listen", "127.0.0.1:0", "--data", dir.toString());
    pb.redirectErrorStream(true);
    Process p = pb.start();
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          synchronized (output) {
            output.add(line);
            output.notifyAll();
          }
        }
      } catch (IOException e) {
        // the process died
      }
    }, "sim-output");
    t.setDaemon(true);
    t.start();
    return p;
  }

  private static void awaitListening(List<String> output, Process p) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    synchronized (output) {
      while (output.stream().noneMatch(l -> l.startsWith("gdp-simulator listening"))) {
        assertThat(p.isAlive()).as("simulator exited: %s", output).isTrue();
        assertThat(System.nanoTime()).as("simulator did not start: %s", output).isLessThan(deadline);
        output.wait(200);
      }
    }
  }

  @Test
  void secondProcessIsRefusedNamingTheHolderAndAKilledHolderBlocksNothing() throws Exception {
    List<String> out1 = new ArrayList<>();
    Process first = launch(out1);
    Process second = null;
    Process third = null;
    try {
      awaitListening(out1, first);
      assertThat(Files.readString(dir.resolve("LOCK")).trim()).isEqualTo(Long.toString(first.pid()));

      List<String> out2 = new ArrayList<>();
      second = launch(out2);
      assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(second.exitValue()).isEqualTo(GdpSimulatorMain.EXIT_LOCKED);
      synchronized (out2) {
        assertThat(String.join("\n", out2)).contains("is in use by process " + first.pid());
      }

      first.destroyForcibly(); // SIGKILL: no shutdown hook runs, the LOCK file stays behind
      assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(dir.resolve("LOCK")).exists();
      List<String> out3 = new ArrayList<>();
      third = launch(out3);
      awaitListening(out3, third);
      assertThat(Files.readString(dir.resolve("LOCK")).trim()).isEqualTo(Long.toString(third.pid()));
    } finally {
      first.destroyForcibly();
      if (second != null) {
        second.destroyForcibly(); // only alive if the lock failed
      }
      if (third != null) {
        third.destroyForcibly();
        third.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void twoSimulatorsInOneJvmAndReleaseOnClose() {
    try (GdpSimulator sim = GdpSimulator.builder().dataDir(dir).start()) {
      assertThatThrownBy(() -> GdpSimulator.builder().dataDir(dir).start())
          .isInstanceOf(DataDirectoryLockedException.class)
          .hasMessageContaining("process " + ProcessHandle.current().pid());
      assertThat(sim.logs()).isEmpty();
    }
    try (GdpSimulator again = GdpSimulator.builder().dataDir(dir).start()) {
      assertThat(again.dataDir()).isEqualTo(dir);
    }
  }
}
