package org.gdpstore.sim.junit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * For tests of end-to-end integrity: changes a stored record behind the log server's back and
 * reseals its storage frame, so that only the record's signature or hash can tell. Knows the
 * durable simulator's file layout (docs/simulator.md): 8-byte magic, 4-byte metadata length,
 * metadata, 4 bytes, then frames; format 2 ("GDPSLOG2") frames are
 * [magic 4][length 4][recno 8][payload CRC-32C 4][header CRC-32C 4][payload], format 1 frames
 * [length 4][CRC-32C 4][payload]. Stop the simulator that holds the directory first.
 */
public final class StorageTamper {
  private StorageTamper() {}

  /**
   * Flips the lowest bit of the middle byte of {@code needle} wherever it occurs inside a record
   * of the {@code .glog} files under {@code dataDir}, recomputing each touched frame's checksums.
   * Returns how many records were changed.
   */
  public static int flipInRecords(Path dataDir, byte[] needle) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(dataDir)) {
      files = s.filter(p -> p.toString().endsWith(".glog")).toList();
    }
    int flipped = 0;
    for (Path f : files) {
      byte[] bytes = Files.readAllBytes(f);
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      boolean v2 = bytes[7] == '2';
      int head = v2 ? 24 : 8;
      int pos = 8;
      pos += 4 + buf.getInt(pos) + 4;
      boolean dirty = false;
      while (pos + head <= bytes.length) {
        int len = buf.getInt(v2 ? pos + 4 : pos);
        int start = pos + head;
        if (len < 0 || start + len > bytes.length) {
          break;
        }
        int hit = indexOf(bytes, needle, start, start + len);
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

  private static int indexOf(byte[] hay, byte[] needle, int from, int to) {
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
