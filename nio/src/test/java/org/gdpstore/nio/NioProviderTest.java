package org.gdpstore.nio;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.ProviderMismatchException;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.security.MessageDigest;
import org.gdpstore.fs.FsOptions;
import org.gdpstore.fs.GdpFileSystem;
import org.gdpstore.wire.GdpName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class NioProviderTest {
  static SimFixture sim;

  @BeforeAll
  static void start() {
    sim = new SimFixture();
  }

  @AfterAll
  static void stop() throws Exception {
    sim.close();
  }

  @Test
  void providerIsInstalledForGdp() {
    assertThat(java.nio.file.spi.FileSystemProvider.installedProviders())
        .anyMatch(p -> p.getScheme().equals("gdp") && p instanceof GdpFileSystemProvider);
  }

  @Test
  void pathsBehaveAsUnixPaths() throws Exception {
    try (FileSystem fs = sim.newFs()) {
      Path a = fs.getPath("/a/b/../c/./d");
      assertThat(a.normalize().toString()).isEqualTo("/a/c/d");
      assertThat(fs.getPath("a//b/").toString()).isEqualTo("a/b");
      assertThat(fs.getPath("/a").resolve("b/c").toString()).isEqualTo("/a/b/c");
      assertThat(fs.getPath("/a").resolve("/x").toString()).isEqualTo("/x");
      assertThat(fs.getPath("/a/b").relativize(fs.getPath("/a/c/d")).toString()).isEqualTo("../c/d");
      assertThat(fs.getPath("/a/b/c").startsWith(fs.getPath("/a/b"))).isTrue();
      assertThat(fs.getPath("/a/bc").startsWith("/a/b")).isFalse();
      assertThat(fs.getPath("/a/b/c").endsWith("b/c")).isTrue();
      assertThat(fs.getPath("/a/b").getParent().toString()).isEqualTo("/a");
      assertThat(fs.getPath("/").getParent()).isNull();
      assertThat(fs.getPath("/").getFileName()).isNull();
      assertThat(fs.getPath("").getFileName().toString()).isEmpty();
      assertThat(fs.getPath("/a/b/c").subpath(1, 3).toString()).isEqualTo("b/c");
      assertThat(fs.getPath("x").toAbsolutePath().toString()).isEqualTo("/x");
      assertThat(fs.getPath("..").normalize().toString()).isEqualTo("..");
      assertThat(fs.getPath("/..").normalize().toString()).isEqualTo("/");
      Path p = fs.getPath("/dir with space/ü.txt");
      URI uri = p.toUri();
      assertThat(uri.getScheme()).isEqualTo("gdp");
      assertThat(Path.of(uri)).isEqualTo(p);
      assertThat(fs.getPath("rel").getRoot()).isNull();
      assertThatThrownBy(() -> fs.getPath("/a").resolve(Path.of("/tmp"))).isInstanceOf(ProviderMismatchException.class);
      Files.createDirectories(fs.getPath("/x/y"));
      assertThat(fs.getPath("/x/../x/y/.").toRealPath().toString()).isEqualTo("/x/y");
      assertThatThrownBy(() -> fs.getPath("/nope").toRealPath()).isInstanceOf(NoSuchFileException.class);
    }
  }

  @Test
  void filesRoundTripThroughStreamsChannelsAndCopies() throws Exception {
    try (FileSystem fs = sim.newFs()) {
      Path dir = Files.createDirectories(fs.getPath("/data/sub"));
      Path f = dir.resolve("hello.txt");
      Files.writeString(f, "hello gdp");
      assertThat(Files.readString(f)).isEqualTo("hello gdp");
      assertThat(Files.size(f)).isEqualTo(9);
      Files.writeString(f, " more", StandardOpenOption.APPEND);
      assertThat(Files.readString(f)).isEqualTo("hello gdp more");

      byte[] big = new byte[300_000];
      new Random(7).nextBytes(big);
      Path b = fs.getPath("/data/big.bin");
      try (OutputStream out = Files.newOutputStream(b)) {
        for (int i = 0; i < big.length; i += 10_000) {
          out.write(big, i, 10_000);
        }
      }
      try (InputStream in = Files.newInputStream(b)) {
        assertThat(in.readAllBytes()).isEqualTo(big);
      }
      // random writes and truncate through a FileChannel
      try (FileChannel ch = FileChannel.open(b, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        assertThat(ch.size()).isEqualTo(big.length);
        ch.write(ByteBuffer.wrap("XYZ".getBytes(UTF_8)), 1000);
        ch.truncate(200_000);
        ByteBuffer back = ByteBuffer.allocate(3);
        ch.read(back, 1000);
        assertThat(new String(back.array(), UTF_8)).isEqualTo("XYZ");
        ch.position(ch.size());
        ch.write(ByteBuffer.wrap(new byte[] {1, 2}));
        assertThat(ch.size()).isEqualTo(200_002);
        assertThatThrownBy(() -> ch.map(FileChannel.MapMode.READ_ONLY, 0, 1))
            .isInstanceOf(UnsupportedOperationException.class);
      }
      byte[] expect = java.util.Arrays.copyOf(big, 200_002);
      System.arraycopy("XYZ".getBytes(UTF_8), 0, expect, 1000, 3);
      expect[200_000] = 1;
      expect[200_001] = 2;
      assertThat(Files.readAllBytes(b)).isEqualTo(expect);

      // same-filesystem copy shares the content log; move is a rename
      Path c = fs.getPath("/data/copy.bin");
      Files.copy(b, c);
      GdpFileAttributes ba = Files.readAttributes(b, GdpFileAttributes.class);
      GdpFileAttributes ca = Files.readAttributes(c, GdpFileAttributes.class);
      assertThat(ca.fileLog()).isNotNull().isEqualTo(ba.fileLog());
      assertThat(ca.sha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(expect)));
      assertThat(ca.signer()).isEqualTo(HexFormat.of().formatHex(sim.keys.publicKey()));
      assertThat(ca.recno()).isGreaterThan(ba.recno());
      assertThat(Files.readAttributes(f, "gdp:inline,size")).containsEntry("inline", true).containsEntry("size", 14L);
      assertThatThrownBy(() -> Files.copy(b, c)).isInstanceOf(FileAlreadyExistsException.class);
      Files.copy(f, c, StandardCopyOption.REPLACE_EXISTING);
      assertThat(Files.readString(c)).isEqualTo("hello gdp more");
      Files.move(c, fs.getPath("/data/sub/moved.txt"), StandardCopyOption.ATOMIC_MOVE);
      assertThat(Files.exists(c)).isFalse();
      Files.move(fs.getPath("/data/sub"), fs.getPath("/data/sub2"));
      assertThat(Files.readString(fs.getPath("/data/sub2/moved.txt"))).isEqualTo("hello gdp more");

      // copy in and out of the default filesystem
      Path local = Files.createTempFile("nio-test", ".bin");
      try {
        Files.copy(b, local, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.readAllBytes(local)).isEqualTo(expect);
        Files.copy(local, fs.getPath("/data/in.bin"));
        assertThat(Files.mismatch(local, fs.getPath("/data/in.bin"))).isEqualTo(-1);
      } finally {
        Files.delete(local);
      }

      List<String> names = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(fs.getPath("/data"), "*.bin")) {
        ds.forEach(p -> names.add(p.getFileName().toString()));
      }
      assertThat(names).containsExactly("big.bin", "in.bin");
      PathMatcher m = fs.getPathMatcher("glob:/data/**.{bin,txt}");
      assertThat(m.matches(fs.getPath("/data/sub2/moved.txt"))).isTrue();
      assertThat(fs.getPathMatcher("regex:.*\\.bin").matches(fs.getPath("/x.bin"))).isTrue();
    }
  }

  @Test
  void errorsAreJavaNioExceptions() throws Exception {
    GdpName root = sim.format();
    try (FileSystem fs = sim.open(root)) {
      Path d = Files.createDirectory(fs.getPath("/d"));
      Files.writeString(d.resolve("f"), "x");
      assertThatThrownBy(() -> Files.delete(d)).isInstanceOf(DirectoryNotEmptyException.class);
      assertThatThrownBy(() -> Files.createDirectory(d)).isInstanceOf(FileAlreadyExistsException.class);
      assertThatThrownBy(() -> Files.readString(fs.getPath("/nope"))).isInstanceOf(NoSuchFileException.class);
      assertThatThrownBy(() -> Files.newDirectoryStream(d.resolve("f"))).isInstanceOf(NotDirectoryException.class);
      assertThatThrownBy(() -> Files.createDirectory(fs.getPath("/a/b"))).isInstanceOf(NoSuchFileException.class);
      assertThatThrownBy(() -> Files.newByteChannel(d.resolve("f"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
          .isInstanceOf(FileAlreadyExistsException.class);
      assertThatThrownBy(() -> Files.setLastModifiedTime(d, java.nio.file.attribute.FileTime.fromMillis(0)))
          .isInstanceOf(FileSystemException.class);
      assertThatThrownBy(() -> FileSystems.newFileSystem(sim.uri(root), Map.of(GdpNio.CLIENT, sim.client)))
          .isInstanceOf(FileSystemAlreadyExistsException.class);
      assertThat(FileSystems.getFileSystem(sim.uri(root))).isSameAs(fs);
      fs.close();
      assertThatThrownBy(() -> Files.exists(d)).isInstanceOf(ClosedFileSystemException.class);
      assertThatThrownBy(() -> FileSystems.getFileSystem(sim.uri(root))).isInstanceOf(FileSystemNotFoundException.class);
    }
    // without the writer key: AccessDenied; opened read-only: ReadOnlyFileSystemException
    GdpClient2.noKey(root);
    try (FileSystem ro = FileSystems.newFileSystem(sim.uri(root), Map.of(GdpNio.CLIENT, sim.client, GdpNio.READ_ONLY, true))) {
      assertThat(ro.isReadOnly()).isTrue();
      assertThat(Files.readString(ro.getPath("/d/f"))).isEqualTo("x");
      assertThatThrownBy(() -> Files.writeString(ro.getPath("/g"), "y")).isInstanceOf(ReadOnlyFileSystemException.class);
    }
  }

  /** Opens without any key (an empty home, so no default key either). */
  static final class GdpClient2 {
    static void noKey(GdpName root) throws IOException {
      Path home = Files.createTempDirectory("gdp-home");
      try (FileSystem fs = FileSystems.newFileSystem(sim.uri(root), Map.of(GdpNio.CLIENT, sim.client, GdpNio.HOME, home))) {
        assertThat(Files.readString(fs.getPath("/d/f"))).isEqualTo("x");
        assertThatThrownBy(() -> Files.writeString(fs.getPath("/g"), "y")).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> Files.delete(fs.getPath("/d/f"))).isInstanceOf(AccessDeniedException.class);
      }
    }
  }

  @Test
  void aFileExistsFromItsCreationInThisInstance() throws Exception {
    GdpName root = sim.format();
    try (FileSystem fs = sim.open(root);
        GdpFileSystem other = GdpFileSystem.open(sim.newClient(), root, null, FsOptions.DEFAULT)) {
      Path f = fs.getPath("/new.txt");
      try (SeekableByteChannel ch = Files.newByteChannel(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        assertThat(Files.exists(f)).isTrue();
        assertThat(Files.size(f)).isZero();
        ch.write(ByteBuffer.wrap("abc".getBytes(UTF_8)));
        assertThat(Files.size(f)).isEqualTo(3);
        try (var s = Files.list(fs.getPath("/"))) {
          assertThat(s.map(p -> p.getFileName().toString())).containsExactly("new.txt");
        }
        assertThatThrownBy(() -> Files.createDirectory(f)).isInstanceOf(FileAlreadyExistsException.class);
        other.refresh();
        assertThat(other.exists("/new.txt")).isFalse(); // other processes: published at close
      }
      other.refresh();
      assertThat(other.readFile("/new.txt")).isEqualTo("abc".getBytes(UTF_8));
      // deleted while being created: nothing is published
      Path g = fs.getPath("/gone.txt");
      try (SeekableByteChannel ch = Files.newByteChannel(g, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap("zz".getBytes(UTF_8)));
        Files.delete(g);
        assertThat(Files.exists(g)).isFalse();
      }
      assertThat(Files.exists(g)).isFalse();
      try (SeekableByteChannel ch = Files.newByteChannel(g, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.DELETE_ON_CLOSE)) {
        ch.write(ByteBuffer.wrap("zz".getBytes(UTF_8)));
      }
      assertThat(Files.exists(g)).isFalse();
    }
  }

  @Test
  void seekingBackAfterSequentialWritesKeepsEverything() throws Exception {
    try (FileSystem fs = sim.newFs()) {
      for (int size : new int[] {100, 5000, 200_000}) {
        Path f = fs.getPath("/s" + size);
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        for (int round = 0; round < 2; round++) { // a new file, then an existing one truncated
          try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(data));
            ch.position(10);
            ch.write(ByteBuffer.wrap(new byte[] {9, 9, 9}));
            ch.write(ByteBuffer.wrap(new byte[] {7}), size); // at the end again, positional
          }
          byte[] expect = java.util.Arrays.copyOf(data, size + 1);
          expect[10] = expect[11] = expect[12] = 9;
          expect[size] = 7;
          assertThat(Files.readAllBytes(f)).as("size %d round %d", size, round).isEqualTo(expect);
        }
        // appending, then shrinking: the appended content moves to the scratch file
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.APPEND)) {
          ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
          ch.truncate(size + 3);
          ch.write(ByteBuffer.wrap(new byte[] {5}));
        }
        byte[] all = Files.readAllBytes(f);
        assertThat(all).hasSize(size + 4);
        assertThat(java.util.Arrays.copyOfRange(all, size, size + 4)).containsExactly(7, 1, 2, 5);
      }
    }
  }

  @Test
  void copiesAndMovesBetweenTwoGdpFilesystemsStreamTheBytes() throws Exception {
    try (FileSystem a = sim.newFs(); FileSystem b = sim.newFs()) {
      byte[] data = new byte[100_000];
      new Random(11).nextBytes(data);
      Path src = Files.write(a.getPath("/src.bin"), data);
      Path dst = b.getPath("/dst.bin");
      Files.copy(src, dst);
      assertThat(Files.readAllBytes(dst)).isEqualTo(data);
      assertThat(Files.readAttributes(dst, GdpFileAttributes.class).fileLog())
          .isNotEqualTo(Files.readAttributes(src, GdpFileAttributes.class).fileLog());
      assertThatThrownBy(() -> Files.move(src, b.getPath("/m.bin"), StandardCopyOption.ATOMIC_MOVE))
          .isInstanceOf(java.nio.file.AtomicMoveNotSupportedException.class);
      Files.move(src, b.getPath("/m.bin"));
      assertThat(Files.exists(src)).isFalse();
      assertThat(Files.readAllBytes(b.getPath("/m.bin"))).isEqualTo(data);
      // FileChannel.transferTo into a local file
      Path local = Files.createTempFile("nio-transfer", ".bin");
      try (FileChannel in = FileChannel.open(dst); FileChannel out = FileChannel.open(local, StandardOpenOption.WRITE)) {
        assertThat(in.transferTo(0, in.size(), out)).isEqualTo(data.length);
      } finally {
        assertThat(Files.readAllBytes(local)).isEqualTo(data);
        Files.delete(local);
      }
    }
  }

  @Test
  void anOpenChannelKeepsReadingItsVersion() throws Exception {
    try (FileSystem fs = sim.newFs()) {
      Path f = fs.getPath("/v");
      Files.writeString(f, "version one");
      try (SeekableByteChannel ch = Files.newByteChannel(f)) {
        Files.writeString(f, "version two!");
        ByteBuffer buf = ByteBuffer.allocate(64);
        ch.read(buf);
        assertThat(new String(buf.array(), 0, buf.position(), UTF_8)).isEqualTo("version one");
      }
    }
  }

  @Test
  void transactionsAreAllOrNothing() throws Exception {
    GdpName root = sim.format();
    try (FileSystem fs = sim.open(root)) {
      Files.writeString(fs.getPath("/keep"), "old");
      try (GdpTransaction tx = GdpNio.beginTransaction(fs)) {
        Files.createDirectory(tx.path("/t"));
        Files.writeString(tx.path("/t/a"), "A");
        try (OutputStream out = Files.newOutputStream(tx.path("/t/b"))) {
          out.write("B".getBytes(UTF_8));
        }
        Files.delete(tx.path("/keep"));
        assertThat(Files.readString(tx.path("/t/a"))).isEqualTo("A");
        assertThat(Files.exists(fs.getPath("/t"))).isFalse();
        assertThat(Files.exists(fs.getPath("/keep"))).isTrue();
        // closed without commit: aborted
      }
      assertThat(Files.exists(fs.getPath("/t"))).isFalse();
      long recno;
      try (GdpTransaction tx = GdpNio.beginTransaction(fs)) {
        Files.createDirectory(tx.path("/t"));
        Files.writeString(tx.path("/t/a"), "A");
        Files.move(tx.path("/keep"), tx.path("/t/kept"));
        recno = tx.commit();
      }
      assertThat(Files.readString(fs.getPath("/t/a"))).isEqualTo("A");
      assertThat(Files.readString(fs.getPath("/t/kept"))).isEqualTo("old");
      assertThat(Files.readAttributes(fs.getPath("/t/a"), GdpFileAttributes.class).recno()).isEqualTo(recno);
      assertThat(Files.readAttributes(fs.getPath("/t/kept"), GdpFileAttributes.class).recno()).isEqualTo(recno);
    }
  }

  @Test
  void watchServiceSeesOwnAndOtherProcessesCommits() throws Exception {
    GdpName root = sim.format();
    try (FileSystem fs = sim.open(root); WatchService ws = fs.newWatchService()) {
      Path d = Files.createDirectory(fs.getPath("/w"));
      d.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
          StandardWatchEventKinds.ENTRY_MODIFY);
      Files.writeString(d.resolve("a"), "1");
      Files.writeString(d.resolve("a"), "2");
      Files.delete(d.resolve("a"));
      assertThat(drain(ws, 3)).containsExactly("ENTRY_CREATE a", "ENTRY_MODIFY a", "ENTRY_DELETE a");

      // a reader (no key) follows the writer's commits made by another filesystem instance
      // (one open filesystem per URI authority and JVM, so the reader names it by an alias)
      Path home = Files.createTempDirectory("gdp-home");
      Files.writeString(home.resolve("aliases.properties"), "w = fs " + root.printable() + " default\n");
      try (FileSystem reader = FileSystems.newFileSystem(URI.create("gdp://w"),
          Map.of(GdpNio.CLIENT, sim.newClient(), GdpNio.HOME, home, GdpNio.READ_ONLY, true));
          WatchService rws = reader.newWatchService()) {
        reader.getPath("/w").register(rws, StandardWatchEventKinds.ENTRY_CREATE);
        Files.writeString(d.resolve("b"), "x");
        assertThat(drain(rws, 1)).containsExactly("ENTRY_CREATE b");
        assertThat(Files.readString(reader.getPath("/w/b"))).isEqualTo("x");
      }
    }
  }

  static List<String> drain(WatchService ws, int n) throws InterruptedException {
    List<String> out = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (out.size() < n && System.nanoTime() < deadline) {
      WatchKey k = ws.poll(200, TimeUnit.MILLISECONDS);
      if (k == null) {
        continue;
      }
      for (WatchEvent<?> e : k.pollEvents()) {
        out.add(e.kind().name() + " " + e.context());
      }
      k.reset();
    }
    return out;
  }
}
