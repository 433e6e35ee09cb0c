package org.gdpstore.nio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.gdpstore.client.GdpClient;
import org.gdpstore.fs.FsOptions;
import org.gdpstore.fs.GdpFileSystem;
import org.gdpstore.sim.GdpSimulator;
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

  /**
   * Flips a bit inside {@code needle} in the simulator's log files and fixes the storage frame's
   * CRC-32C, so only the record signature can tell (layout per docs/simulator.md: 8-byte header,
   * 4-byte metadata length, metadata, 4 bytes, then [length][CRC-32C][payload] frames).
   */
  static int flip(Path dir, byte[] needle) throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(p -> p.toString().endsWith(".glog")).toList();
    }
    int flipped = 0;
    for (Path f : files) {
      byte[] b = Files.readAllBytes(f);
      ByteBuffer buf = ByteBuffer.wrap(b);
      int pos = 12 + buf.getInt(8) + 4;
      boolean changed = false;
      while (pos + 8 <= b.length) {
        int len = buf.getInt(pos);
        int start = pos + 8;
        if (len < 0 || start + len > b.length) {
          break;
        }
        for (int i = start; i + needle.length <= start + len; i++) {
          if (java.util.Arrays.equals(b, i, i + needle.length, needle, 0, needle.length)) {
            b[i + needle.length / 2] ^= 1;
            CRC32C crc = new CRC32C();
            crc.update(b, start, len);
            buf.putInt(pos + 4, (int) crc.getValue());
            changed = true;
            flipped++;
            break;
          }
        }
        pos = start + len;
      }
      if (changed) {
        Files.write(f, b);
      }
    }
    return flipped;
  }
}
