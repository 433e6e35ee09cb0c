package org.gdpstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A byte flipped in the embedded simulator's storage (with the storage frame's checksum fixed, so
 * the simulator keeps the record) is caught by {@code verify}, {@code cat} and {@code get}: exit
 * code 6, never the tampered bytes.
 */
class TamperedStoreTest {
  @TempDir Path tmp;

  @Test
  void tamperedFileIsReportedNotReturned() throws Exception {
    Path home = tmp.resolve("home");
    CliRunner cli = new CliRunner(home);
    String marker = "MARKER-0123456789-MARKER";
    Path secret = Files.writeString(tmp.resolve("secret.txt"), ("x".repeat(4000) + marker + "y".repeat(4000)));
    Path plain = Files.writeString(tmp.resolve("plain.txt"), "untouched\n");
    assertThat(cli.run("mkfs", "t").code()).isZero();
    assertThat(cli.run("put", secret.toString(), plain.toString(), "gdp://t/").code()).isZero();
    assertThat(cli.run("verify", "gdp://t/").code()).isZero();

    assertThat(flipInStorage(home.resolve("sim"), marker.getBytes(StandardCharsets.US_ASCII))).isEqualTo(1);

    CliRunner.Result v = cli.run("verify", "gdp://t/");
    assertThat(v.code()).as(v.toString()).isEqualTo(ExitCodes.INTEGRITY);
    assertThat(v.out()).contains("FAILED: /secret.txt");
    assertThat(v.err()).startsWith("gdpfs: verification of gdp://t/ failed");
    CliRunner.Result cat = cli.run("cat", "gdp://t/secret.txt");
    assertThat(cat.code()).as(cat.toString()).isEqualTo(ExitCodes.INTEGRITY);
    assertThat(cat.out()).doesNotContain("MARKER");
    assertThat(cli.run("get", "gdp://t/secret.txt", tmp.resolve("out.txt").toString()).code()).isEqualTo(ExitCodes.INTEGRITY);
    assertThat(cli.run("cat", "gdp://t/plain.txt").out()).isEqualTo("untouched\n");
  }

  /**
   * Flips one bit inside {@code needle} wherever it occurs in a record of the simulator's log
   * files and recomputes that storage frame's checksums. The simulator's file layout (its docs):
   * 8-byte magic, 4-byte metadata length, metadata, 4 bytes, then frames; format 2 ("GDPSLOG2")
   * frames are [magic 4][length 4][recno 8][payload CRC-32C 4][header CRC-32C 4][payload],
   * format 1 frames [length 4][CRC-32C 4][payload].
   */
  static int flipInStorage(Path simDir, byte[] needle) throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.walk(simDir)) {
      files = s.filter(p -> p.toString().endsWith(".glog")).toList();
    }
    int flipped = 0;
    for (Path f : files) {
      byte[] bytes = Files.readAllBytes(f);
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      boolean v2 = bytes[7] == '2';
      int head = v2 ? 24 : 8;
      int pos = 8;
      int mdLen = buf.getInt(pos);
      pos += 4 + mdLen + 4;
      boolean dirty = false;
      while (pos + head <= bytes.length) {
        int len = buf.getInt(v2 ? pos + 4 : pos);
        int start = pos + head;
        if (len < 0 || start + len > bytes.length) {
          break;
        }
        int hit = find(bytes, needle, start, start + len);
        if (hit >= 0) {
          bytes[hit + needle.length / 2] ^= 0x01;
          buf.putInt(v2 ? pos + 16 : pos + 4, crc(bytes, start, len));
          if (v2) {
            buf.putInt(pos + 20, crc(bytes, pos, 20));
          }
          dirty = true;
          flipped++;
        }
        pos = start + len;
      }
      if (dirty) {
        Files.write(f, bytes);
      }
    }
    return flipped;
  }

  private static int crc(byte[] b, int off, int len) {
    CRC32C crc = new CRC32C();
    crc.update(b, off, len);
    return (int) crc.getValue();
  }

  private static int find(byte[] hay, byte[] needle, int from, int to) {
    for (int i = from; i + needle.length <= to; i++) {
      int j = 0;
      while (j < needle.length && hay[i + j] == needle[j]) {
        j++;
      }
      if (j == needle.length) {
        return i;
      }
    }
    return -1;
  }
}
