package org.gdpstore.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.gdpstore.client.GdpClient;
import org.gdpstore.client.LogReader;
import org.gdpstore.client.ServerMode;
import org.gdpstore.sim.GdpSimulator;
import org.gdpstore.wire.GdpName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 15: a filesystem written before chained logs (every log signed per record; made here by a
 * REFERENCE-mode client, which never chains) opens with today's engine, which adds chained file
 * logs to it ({@link FsOptions#chainedLogs()}); the mixed store reopens, reads and verifies. A new
 * store is chained throughout.
 */
@Timeout(120)
class ChainedStoreTest {
  @Test
  void aStoreMixingUnchainedAndChainedLogsOpensReadsAndVerifies() throws Exception {
    byte[] old = InMemoryCrashAndIntegrityTest.content(200_000, 1);
    byte[] fresh = InMemoryCrashAndIntegrityTest.content(150_000, 2);
    FsOptions chained = FsOptions.builder().chainedLogs(true).build();
    try (GdpSimulator sim = GdpSimulator.builder().inProcess().start()) {
      GdpName root;
      try (GdpClient c = client(sim, ServerMode.REFERENCE);
           GdpFileSystem fs = GdpFileSystem.mkfs(c, LogBackend.KEYS, FsOptions.DEFAULT)) {
        fs.writeFile("/a", old);
        root = fs.rootName();
      }
      try (GdpClient c = client(sim, ServerMode.GDPSTORE)) {
        try (GdpFileSystem fs = GdpFileSystem.open(c, root, LogBackend.KEYS, chained)) {
          assertThat(fs.readFile("/a")).isEqualTo(old);
          fs.writeFile("/b", fresh);
        }
        try (GdpFileSystem fs = GdpFileSystem.open(c, root, LogBackend.KEYS, chained)) {
          assertThat(chained(c, root)).as("directory log of the old store").isFalse();
          assertThat(chained(c, fs.entryInfo("/a").fileLog())).as("file log written before").isFalse();
          assertThat(chained(c, fs.entryInfo("/b").fileLog())).as("file log written now").isTrue();
          assertThat(fs.readFile("/a")).isEqualTo(old);
          assertThat(fs.readFile("/b")).isEqualTo(fresh);
          assertThat(fs.verifyAll().ok()).isTrue();
        }
        try (GdpFileSystem fs = GdpFileSystem.mkfs(c, LogBackend.KEYS, chained)) {
          fs.writeFile("/c", fresh);
          assertThat(chained(c, fs.rootName())).as("directory log of a new store").isTrue();
          assertThat(chained(c, fs.entryInfo("/c").fileLog())).isTrue();
          assertThat(fs.verifyAll().ok()).isTrue();
        }
      }
    }
  }

  private static boolean chained(GdpClient c, GdpName log) {
    try (LogReader r = c.openReader(log)) {
      return r.metadata().chained();
    }
  }

  private static GdpClient client(GdpSimulator sim, ServerMode mode) {
    return GdpClient.builder().router(sim.inProcessAddress()).creationService(sim.serverName())
        .serverMode(mode).requestTimeout(Duration.ofSeconds(20)).build();
  }
}
