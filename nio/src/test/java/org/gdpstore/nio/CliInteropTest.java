package org.gdpstore.nio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.gdpstore.sim.GdpSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI (the gdpfs jar, in a child process) and the NIO provider see the same filesystems: on
 * the embedded default store in a shared home, and through a router on a TCP simulator. Needs
 * cli/target/gdpfs.jar (built before this module in the full build; skipped when absent).
 */
class CliInteropTest {
  private static final Path JAR = Path.of(System.getProperty("gdpfs.jar", "../cli/target/gdpfs.jar"));

  record Result(int exit, String out, String err) {}

  static Result gdpfs(Path home, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", JAR.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("GDPSTORE_HOME", home.toString());
    Path out = Files.createTempFile("gdpfs-out", ".txt");
    Path err = Files.createTempFile("gdpfs-err", ".txt");
    try {
      Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError("gdpfs " + String.join(" ", args) + " did not finish");
      }
      Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
      assertThat(r.exit()).as("gdpfs %s: %s", String.join(" ", args), r.err()).isZero();
      return r;
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  @Test
  void embeddedDefaultStoreIsSharedWithTheCli(@TempDir Path tmp) throws Exception {
    assumeTrue(Files.isRegularFile(JAR), "gdpfs jar not built: " + JAR.toAbsolutePath());
    // zero configuration: the provider reads $GDPSTORE_HOME (set for the test JVM), as the CLI does
    Path home = Path.of(System.getenv("GDPSTORE_HOME"));
    String alias = "photos" + System.nanoTime();
    Path local = Files.writeString(tmp.resolve("a.txt"), "put by the CLI");
    gdpfs(home, "mkfs", alias);
    gdpfs(home, "put", local.toString(), "gdp://" + alias + "/a.txt");

    Path a = Path.of(URI.create("gdp://" + alias + "/a.txt"));
    assertThat(Files.readString(a)).isEqualTo("put by the CLI");
    Files.writeString(a.resolveSibling("b.txt"), "written through NIO");
    a.getFileSystem().close(); // releases the embedded store for the next process

    assertThat(gdpfs(home, "cat", "gdp://" + alias + "/b.txt").out()).isEqualTo("written through NIO");
  }

  @Test
  void routerOnATcpSimulatorIsSharedWithTheCli(@TempDir Path tmp) throws Exception {
    assumeTrue(Files.isRegularFile(JAR), "gdpfs jar not built: " + JAR.toAbsolutePath());
    Path home = tmp.resolve("home");
    try (GdpSimulator sim = GdpSimulator.builder().loopbackTcp(0).start()) {
      InetSocketAddress addr = sim.tcpAddress();
      String router = "127.0.0.1:" + addr.getPort();
      Path local = Files.write(tmp.resolve("x.bin"), "bytes from the CLI".getBytes(StandardCharsets.UTF_8));
      gdpfs(home, "--router", router, "mkfs", "team");
      gdpfs(home, "--router", router, "put", local.toString(), "gdp://team/x.bin");

      try (FileSystem fs = FileSystems.newFileSystem(URI.create("gdp://team"),
          Map.of(GdpNio.HOME, home, GdpNio.ROUTER, router))) {
        assertThat(Files.readString(fs.getPath("/x.bin"))).isEqualTo("bytes from the CLI");
        Files.createDirectory(fs.getPath("/from-nio"));
        Files.writeString(fs.getPath("/from-nio/y.txt"), "NIO wrote this");
      }
      assertThat(gdpfs(home, "--router", router, "cat", "gdp://team/from-nio/y.txt").out())
          .isEqualTo("NIO wrote this");

      // a read-only NIO filesystem follows the writer's commits made by another process (the CLI)
      try (FileSystem ro = FileSystems.newFileSystem(URI.create("gdp://team"),
          Map.of(GdpNio.HOME, home, GdpNio.ROUTER, router, GdpNio.READ_ONLY, true));
          WatchService ws = ro.newWatchService()) {
        ro.getPath("/from-nio").register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE);
        gdpfs(home, "--router", router, "put", local.toString(), "gdp://team/from-nio/z.bin");
        gdpfs(home, "--router", router, "rm", "gdp://team/from-nio/y.txt");
        assertThat(NioProviderTest.drain(ws, 2)).containsExactly("ENTRY_CREATE z.bin", "ENTRY_DELETE y.txt");
        assertThat(Files.readString(ro.getPath("/from-nio/z.bin"))).isEqualTo("bytes from the CLI");
      }
    }
  }
}
