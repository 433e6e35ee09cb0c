package org.gdpstore.fs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.gdpstore.client.GdpClient;
import org.gdpstore.sim.GdpSimulator;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;
import org.junit.jupiter.api.Test;

/** The quick start of docs/fs-engine.md, run; and the module's dependency rule. */
class DocSampleTest {
  @Test
  void quickStart() throws Exception {
    byte[] weights = new byte[100_000];
    try (GdpSimulator sim = GdpSimulator.builder().inProcess().start()) {
      Ed25519Keys keys = Ed25519Keys.generate(new SecureRandom());
      try (GdpClient client = GdpClient.builder().router(sim.inProcessAddress())
          .creationService(sim.serverName()).build()) {
        GdpName root;
        long commit;
        try (GdpFileSystem fs = GdpFileSystem.mkfs(client, keys, FsOptions.DEFAULT)) {
          root = fs.rootName();
          fs.recursivelyCreateDir("/ckpt");
          fs.writeFile("/ckpt/notes.txt", "hello".getBytes(UTF_8));
          try (Transaction tx = fs.newTransaction()) {
            try (WritableFile w = tx.newWritableFile("/ckpt/model")) {
              w.append(weights);
            }
            tx.writeFile("/ckpt/checkpoint", "step-2".getBytes(UTF_8));
            CommitResult c = tx.commit();
            commit = c.recno();
          }
          fs.kv().put("run/last-step", "2".getBytes(UTF_8));
        }
        try (GdpFileSystem ro = GdpFileSystem.open(client, root, null, FsOptions.DEFAULT)) {
          byte[] model = ro.readFile("/ckpt/model");
          assertThat(model).isEqualTo(weights);
          FsSnapshot old = ro.at(Instant.parse("2026-01-01T00:00:00Z"));
          assertThat(old.exists("/ckpt")).isFalse();
          assertThat(ro.at(commit).exists("/ckpt/checkpoint")).isTrue();
          assertThat(ro.kv().get("run/last-step")).isPresent();
        }
        GdpName formatted = GdpFileSystem.format(client, keys, FsOptions.DEFAULT);
        try (GdpFileSystem fs = GdpFileSystem.open(client, "gdp://" + formatted.printable(), keys,
            FsOptions.DEFAULT)) {
          assertThat(fs.getChildren("/")).isEmpty();
          assertThat(fs.isWritable()).isTrue();
        }
      }
    }
  }

  /** fs-engine uses only the log-client's public API: no Netty, no client internals, no wire protos. */
  @Test
  void usesOnlyThePublicClientApi() throws IOException {
    List<Path> sources;
    try (Stream<Path> s = Files.walk(Path.of("src/main/java"))) {
      sources = s.filter(p -> p.toString().endsWith(".java")).toList();
    }
    assertThat(sources).isNotEmpty();
    for (Path p : sources) {
      String text = Files.readString(p);
      assertThat(text).as(p.toString())
          .doesNotContain("import io.netty")
          .doesNotContain("org.gdpstore.client.internal")
          .doesNotContain("org.gdpstore.wire.proto")
          .doesNotContain("org.gdpstore.sim");
    }
  }
}
