package org.gdpstore.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.gdpstore.fs.internal.InMemoryLogStore;
import org.gdpstore.wire.GdpName;
import org.junit.jupiter.api.Test;

/**
 * Reads in order stream the file log (many range reads in flight, past the chunk cache): the bytes
 * are exact whatever the read sizes and however short the log server's answers, a bad record or a
 * consistently forged chunk met while streaming is an integrity error, and reads elsewhere go on
 * working after a stream.
 */
class StreamedReadTest {
  /** 100-byte chunks: a 200 KB file is 2,000 records, many range reads. */
  static final FsOptions OPTS = FsOptions.builder().chunkSize(100).cacheBytes(1 << 16).inlineFileBytes(0).build();
  static final int SIZE = 200_000;

  static byte[] content(int seed) {
    byte[] b = new byte[SIZE];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Reads {@code r} front to back in reads of random sizes; returns what it got. */
  static byte[] readInOrder(GdpRandomAccessFile r, Random sizes) throws FsException {
    ByteBuffer all = ByteBuffer.allocate((int) r.length());
    while (all.hasRemaining()) {
      ByteBuffer part = all.slice();
      part.limit(Math.min(part.remaining(), 1 + sizes.nextInt(5_000)));
      int n = r.read(all.position(), part);
      assertThat(n).isPositive();
      all.position(all.position() + n);
    }
    return all.array();
  }

  private static GdpName fileLog(InMemoryLogStore store, GdpName root) {
    return store.logNames().stream().filter(n -> !n.equals(root) && store.lastRecno(n) > 1).findFirst().orElseThrow();
  }

  @Test
  void readsInOrderAreExactAndBypassTheCache() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    byte[] data = content(1);
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, OPTS)) {
      fs.writeFile("/f", data);
      fs.flushCaches();
      try (GdpRandomAccessFile r = fs.newRandomAccessFile("/f")) {
        assertThat(readInOrder(r, new Random(2))).isEqualTo(data);
      }
      // the stream did not go through the 64 KiB cache (only the first read did)
      assertThat(fs.cacheStats().loadedBytes()).isLessThan(10_000);
      store.limitRangeReads(3); // a server that answers range reads short
      try (GdpRandomAccessFile r = fs.newRandomAccessFile("/f")) {
        assertThat(readInOrder(r, new Random(3))).isEqualTo(data);
      }
    }
  }

  @Test
  void readsElsewhereBetweenRunsInOrderStayExact() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    byte[] data = content(4);
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, OPTS);
        GdpRandomAccessFile r = fs.newRandomAccessFile(write(fs, data))) {
      Random rnd = new Random(5);
      for (int run = 0; run < 20; run++) {
        long off = rnd.nextInt(SIZE - 20_000);
        for (int i = 0; i < 10; i++) { // a run in order from a random place (streamed from its 2nd read)
          int n = 1 + rnd.nextInt(2_000);
          assertThat(r.readFully(off, n)).isEqualTo(Arrays.copyOfRange(data, (int) off, (int) off + n));
          off += n;
        }
      }
      assertThat(r.readFully(SIZE - 10, 10)).isEqualTo(Arrays.copyOfRange(data, SIZE - 10, SIZE));
    }
  }

  private static String write(GdpFileSystem fs, byte[] data) throws FsException {
    fs.writeFile("/f", data);
    return "/f";
  }

  @Test
  void aBadRecordMetWhileStreamingIsAnIntegrityError() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    byte[] data = content(6);
    GdpName root;
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, OPTS)) {
      root = fs.rootName();
      fs.writeFile("/f", data);
    }
    store.tamper(fileLog(store, root), 1_500, 40); // deep inside the stream, far past any read-ahead
    try (GdpFileSystem fs = GdpFileSystem.open(store, root, null, OPTS);
        GdpRandomAccessFile r = fs.newRandomAccessFile("/f")) {
      assertThatThrownBy(() -> readInOrder(r, new Random(7))).isInstanceOf(IntegrityException.class)
          .satisfies(e -> assertThat(((FsException) e).code()).isEqualTo(FsCode.DATA_LOSS));
      // the reader is still usable elsewhere
      assertThat(r.readFully(1_000, 100)).isEqualTo(Arrays.copyOfRange(data, 1_000, 1_100));
    }
  }

  @Test
  void aForgedChunkMetWhileStreamingFailsTheContentHash() throws Exception {
    // records that pass verification (forged with the writer's key) but carry other bytes: only the
    // directory entry's SHA-256 catches them, at the end of a read in order from 0
    InMemoryLogStore store = new InMemoryLogStore();
    byte[] data = content(8);
    GdpName root;
    try (GdpFileSystem fs = GdpFileSystem.mkfs(store, LogBackend.KEYS, OPTS)) {
      root = fs.rootName();
      fs.writeFile("/f", data);
    }
    store.forge(fileLog(store, root), 1_200, 60); // a byte of chunk data, not of its offset
    try (GdpFileSystem fs = GdpFileSystem.open(store, root, null, OPTS);
        GdpRandomAccessFile r = fs.newRandomAccessFile("/f")) {
      assertThatThrownBy(() -> readInOrder(r, new Random(9))).isInstanceOf(IntegrityException.class)
          .hasMessageContaining("content hash mismatch");
    }
  }
}
