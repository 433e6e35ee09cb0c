package org.gdpstore.nio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import org.gdpstore.client.GdpClient;
import org.gdpstore.fs.FsOptions;
import org.gdpstore.fs.GdpFileSystem;
import org.gdpstore.sim.GdpSimulator;
import org.gdpstore.sim.junit.StorageTamper;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A record tampered with in the log server's storage is a FileSystemException, never data. */
class IntegrityTest {
  @Test
  void tamperedContentIsAFileSystemExceptionNotData(@TempDir Path data) throws Exception {
    Ed25519Keys keys = Ed25519Keys.generate(new SecureRandom());
    String marker = "MARKER-0123456789-MARKER";
    GdpName root;
    try (GdpSimulator sim = GdpSimulator.builder().inProcess().dataDir(data).start();
        GdpClient client = GdpClient.builder().router(sim.inProcessAddress()).creationService(sim.serverName()).build()) {
      root = GdpFileSystem.format(client, keys, FsOptions.DEFAULT);
      try (FileSystem fs = FileSystems.newFileSystem(URI.create("gdp://" + root.printable()),
          Map.of(GdpNio.CLIENT, client, GdpNio.WRITER_KEY, keys))) {
        Files.writeString(fs.getPath("/secret.txt"), "x".repeat(4000) + marker + "y".repeat(4000));
        Files.writeString(fs.getPath("/plain.txt"), "untouched");
      }
    }
    assertThat(flip(data, marker.getBytes(StandardCharsets.US_ASCII))).isEqualTo(1);
    try (GdpSimulator sim = GdpSimulator.builder().inProcess().dataDir(data).start();
        GdpClient client = GdpClient.builder().router(sim.inProcessAddress()).creationService(sim.serverName()).build();
        FileSystem fs = FileSystems.newFileSystem(URI.create("gdp://" + root.printable()),
            Map.of(GdpNio.CLIENT, client, GdpNio.READ_ONLY, true))) {
      assertThatThrownBy(() -> Files.readString(fs.getPath("/secret.txt")))
          .isInstanceOf(FileSystemException.class)
          .isNotInstanceOf(NoSuchFileException.class)
          .hasMessageContaining("integrity check failed")
          .isNotInstanceOf(org.gdpstore.fs.FsException.class);
      assertThat(Files.readString(fs.getPath("/plain.txt"))).isEqualTo("untouched");
    }
  }

  static int flip(Path dir, byte[] needle) throws Exception {
    return StorageTamper.flipInRecords(dir, needle);
  }
}
