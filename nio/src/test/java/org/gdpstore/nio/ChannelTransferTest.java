package org.gdpstore.nio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code FileChannel.transferFrom/transferTo} and {@code InputStream.transferTo} on gdp files,
 * each checked byte for byte against the same calls on a local file of the default provider;
 * sizes span several transfer blocks (1 MiB) and engine chunks, with gaps and offsets.
 */
class ChannelTransferTest {
  static SimFixture sim;

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() {
    sim = new SimFixture();
  }

  @AfterAll
  static void stop() throws Exception {
    sim.close();
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** The same transferFrom calls on a gdp file and on a local file: sequential, at the end, past the end (nothing), into the middle. */
  @Test
  void transferFromMatchesALocalFile() throws Exception {
    byte[] first = random(3 * (1 << 20) + 12_345, 1);
    byte[] second = random(70_000, 2);
    byte[] third = random(200_000, 3);
    Path srcA = Files.write(tmp.resolve("a"), first);
    Path srcB = Files.write(tmp.resolve("b"), second);
    Path srcC = Files.write(tmp.resolve("c"), third);
    Path local = tmp.resolve("local.bin");
    try (FileSystem fs = sim.newFs()) {
      Path gdp = fs.getPath("/t.bin");
      for (Path target : new Path[] {local, gdp}) {
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            StandardOpenOption.READ)) {
          try (FileChannel a = FileChannel.open(srcA); FileChannel b = FileChannel.open(srcB);
              FileChannel c = FileChannel.open(srcC)) {
            assertThat(out.transferFrom(a, 0, Long.MAX_VALUE)).isEqualTo(first.length);
            assertThat(out.transferFrom(b, first.length + 5_000, second.length)).as("past the end").isZero();
            assertThat(out.transferFrom(b, first.length, second.length)).isEqualTo(second.length);
            assertThat(out.transferFrom(c, 1_000_000, 100_000)).isEqualTo(100_000); // count below the source size
            assertThat(out.position()).as("transferFrom leaves the position").isZero();
            assertThat(out.size()).isEqualTo(first.length + (long) second.length);
          }
        }
      }
      byte[] expected = Files.readAllBytes(local);
      assertThat(Arrays.equals(Files.readAllBytes(gdp), expected)).as("gdp bytes equal the local file's").isTrue();
      // published: a new filesystem instance reads the same
      var root = gdp.toUri().getRawAuthority();
      fs.close();
      try (FileSystem again = sim.open(org.gdpstore.wire.GdpName.parse(root))) {
        assertThat(Arrays.equals(Files.readAllBytes(again.getPath("/t.bin")), expected)).isTrue();
      }
    }
  }

  @Test
  void transferToFromAnOffsetMatchesTheContent() throws Exception {
    byte[] data = random(2 * (1 << 20) + 777, 4);
    try (FileSystem fs = sim.newFs()) {
      Path gdp = Files.write(fs.getPath("/s.bin"), data);
      Path local = tmp.resolve("out.bin");
      try (FileChannel in = FileChannel.open(gdp); FileChannel out = FileChannel.open(local,
          StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        assertThat(in.transferTo(100_001, data.length, out)).isEqualTo(data.length - 100_001);
        assertThat(in.transferTo(data.length, 10, out)).isZero();
      }
      assertThat(Arrays.equals(Files.readAllBytes(local), Arrays.copyOfRange(data, 100_001, data.length))).isTrue();
    }
  }

  /** InputStream.transferTo after partial reads hands over the buffered bytes first, then the rest in blocks. */
  @Test
  void inputStreamTransferToAfterPartialReads() throws Exception {
    byte[] data = random(3 * (1 << 20) + 99, 5);
    try (FileSystem fs = sim.newFs()) {
      Path gdp = Files.write(fs.getPath("/i.bin"), data);
      for (int head : new int[] {0, 1, 1000, 300_000}) {
        try (InputStream in = Files.newInputStream(gdp)) {
          byte[] first = in.readNBytes(head);
          ByteArrayOutputStream rest = new ByteArrayOutputStream();
          assertThat(in.transferTo(rest)).isEqualTo(data.length - head);
          assertThat(in.read()).isEqualTo(-1);
          byte[] all = new byte[data.length];
          System.arraycopy(first, 0, all, 0, head);
          System.arraycopy(rest.toByteArray(), 0, all, head, data.length - head);
          assertThat(Arrays.equals(all, data)).as("head %d", head).isTrue();
        }
      }
      // Files.copy out of gdp is InputStream.transferTo
      Path local = tmp.resolve("copy.bin");
      Files.copy(gdp, local);
      assertThat(Arrays.equals(Files.readAllBytes(local), data)).isTrue();
    }
  }

  @Test
  void syncWritesAndTheFileStore() throws Exception {
    try (FileSystem fs = sim.newFs()) {
      Path p = fs.getPath("/.sync.bin");
      byte[] data = random(200_000, 6);
      try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
          StandardOpenOption.SYNC)) {
        ch.write(ByteBuffer.wrap(data));
        ch.force(true);
      }
      Files.write(p, data, StandardOpenOption.APPEND, StandardOpenOption.DSYNC);
      assertThat(Files.size(p)).isEqualTo(2L * data.length);
      assertThat(Files.isHidden(p)).isTrue();
      assertThat(Files.isHidden(fs.getPath("/visible"))).isFalse();
      var store = Files.getFileStore(p);
      assertThat(store).isSameAs(Files.getFileStore(fs.getPath("/")));
      assertThat(store.type()).isNotBlank();
      assertThat(store.isReadOnly()).isFalse();
    }
  }
}
