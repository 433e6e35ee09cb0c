package org.gdpstore.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.gdpstore.client.GdpClient;
import org.gdpstore.sim.GdpSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gc end to end through the log-client and a durable simulator: the deleted logs' files are really
 * gone from the data directory (and stay gone after a restart), and the filesystem reopens with
 * its horizon and every retained snapshot intact.
 */
class SimGcTest {
  @TempDir
  Path tmp;

  static Set<String> logFiles(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".glog")).collect(Collectors.toSet());
    }
  }

  static long bytes(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  GdpClient client(GdpSimulator sim) {
    return GdpClient.builder().router(sim.inProcessAddress()).creationService(sim.serverName())
        .requestTimeout(Duration.ofSeconds(20)).build();
  }

  @Test
  void deletedLogsAreGoneFromTheDurableSimulatorsDataDirectory() throws Exception {
    Path data = tmp.resolve("data");
    try (GdpSimulator sim = GdpSimulator.builder().inProcess().dataDir(data).start()) {
      long horizon;
      TreeMap<Long, TreeMap<String, String>> before;
      List<String> toDelete;
      String root;
      try (GdpClient c = client(sim); GdpFileSystem fs = GdpFileSystem.mkfs(c, LogBackend.KEYS, GcTest.OPTS)) {
        root = fs.uri();
        horizon = GcTest.history(fs);
        before = GcTest.dumps(fs, horizon);
        int keep = fs.commits().size() - fs.commits().indexOf(horizon);
        toDelete = fs.gc(RetentionPolicy.keepCommits(keep), true).deleted();
        assertThat(toDelete).hasSize(3);
        Set<String> filesBefore = logFiles(data);
        for (String log : toDelete) {
          assertThat(filesBefore).contains(log + ".glog");
        }
        long bytesBefore = bytes(data);
        GcReport r = fs.gc(RetentionPolicy.keepCommits(keep), false);
        assertThat(r.complete()).isTrue();
        assertThat(r.deleted()).containsExactlyInAnyOrderElementsOf(toDelete);
        Set<String> filesAfter = logFiles(data);
        for (String log : toDelete) {
          assertThat(filesAfter).as("file of deleted log %s", log).doesNotContain(log + ".glog");
        }
        assertThat(filesAfter).hasSize(filesBefore.size() - 3);
        assertThat(bytes(data)).isLessThan(bytesBefore - 6_000); // A1, C1 and K1 held 6,500 content bytes
      }
      sim.restartLogServer();
      assertThat(logFiles(data)).doesNotContainAnyElementsOf(toDelete.stream().map(l -> l + ".glog").toList());
      try (GdpClient c = client(sim); GdpFileSystem fs = GdpFileSystem.open(c, root, null, GcTest.OPTS)) {
        assertThat(fs.retentionHorizon()).isEqualTo(horizon);
        for (var e : before.entrySet()) {
          assertThat(CheckpointTest.dump(fs.at(e.getKey()), GcTest.KV)).isEqualTo(e.getValue());
        }
        GcTest.assertExpired(() -> fs.at(horizon - 1));
        assertThat(fs.verifyAll().failures()).isEmpty();
      }
    }
  }
}
