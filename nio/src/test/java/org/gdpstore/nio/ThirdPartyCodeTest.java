package org.gdpstore.nio;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.io.file.PathUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Code that only knows java.nio.file, unmodified, on gdp paths: the JDK's zipfs and Apache Commons IO. */
class ThirdPartyCodeTest {
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
  void zipfsReadsAndWritesAZipStoredOnGdp() throws Exception {
    try (FileSystem gdp = sim.newFs()) {
      Path zip = Files.createDirectories(gdp.getPath("/archives")).resolve("a.zip");
      byte[] big = new byte[200_000];
      new Random(3).nextBytes(big);
      try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
        z.putNextEntry(new ZipEntry("readme.txt"));
        z.write("hello from a zip".getBytes(UTF_8));
        z.putNextEntry(new ZipEntry("data/blob.bin"));
        z.write(big);
      }
      // zipfs opens the zip through our provider's channels
      try (FileSystem zfs = FileSystems.newFileSystem(zip)) {
        assertThat(Files.readString(zfs.getPath("/readme.txt"))).isEqualTo("hello from a zip");
        assertThat(Files.readAllBytes(zfs.getPath("/data/blob.bin"))).isEqualTo(big);
        List<String> listed = new ArrayList<>();
        try (Stream<Path> s = Files.walk(zfs.getPath("/"))) {
          s.forEach(p -> listed.add(p.toString()));
        }
        assertThat(listed).contains("/readme.txt", "/data", "/data/blob.bin");
        // and writes a new entry: zipfs rewrites the zip on gdp at close
        Files.writeString(zfs.getPath("/added.txt"), "added by zipfs");
      }
      try (FileSystem zfs = FileSystems.newFileSystem(zip)) {
        assertThat(Files.readString(zfs.getPath("/added.txt"))).isEqualTo("added by zipfs");
        assertThat(Files.readAllBytes(zfs.getPath("/data/blob.bin"))).isEqualTo(big);
      }
      // a zip filesystem created on a gdp path from scratch
      Path made = gdp.getPath("/archives/made.zip");
      try (FileSystem zfs = FileSystems.newFileSystem(made, Map.of("create", "true"))) {
        Files.writeString(zfs.getPath("/x.txt"), "x");
      }
      try (FileSystem zfs = FileSystems.newFileSystem(made)) {
        assertThat(Files.readString(zfs.getPath("/x.txt"))).isEqualTo("x");
      }
    }
  }

  @Test
  void commonsIoCopiesADirectoryTreeInAndOut(@TempDir Path local) throws Exception {
    Path src = local.resolve("src");
    Random r = new Random(5);
    for (String name : List.of("a.txt", "d1/b.bin", "d1/d2/c.txt", "d1/d2/empty.txt", "d3/big.bin")) {
      Path p = src.resolve(name);
      Files.createDirectories(p.getParent());
      byte[] b = new byte[name.startsWith("d3") ? 150_000 : name.contains("empty") ? 0 : r.nextInt(3000)];
      r.nextBytes(b);
      Files.write(p, b);
    }
    Files.createDirectories(src.resolve("emptydir"));
    try (FileSystem gdp = sim.newFs()) {
      Path in = gdp.getPath("/tree");
      PathUtils.copyDirectory(src, in);
      Path out = local.resolve("out");
      PathUtils.copyDirectory(in, out);
      assertThat(PathUtils.directoryAndFileContentEquals(src, out)).isTrue();
      assertThat(PathUtils.directoryAndFileContentEquals(src, in)).isTrue();
      assertThat(PathUtils.sizeOfDirectory(in)).isEqualTo(PathUtils.sizeOfDirectory(src));
      PathUtils.deleteDirectory(in);
      assertThat(Files.exists(in)).isFalse();
      try (OutputStream o = Files.newOutputStream(gdp.getPath("/after"))) {
        o.write(1);
      }
      try (Stream<Path> s = Files.list(gdp.getPath("/"))) {
        assertThat(s.map(Path::toString)).containsExactly("/after");
      }
    }
  }

  @Test
  void uriOfAPathOpensTheSameFileThroughPathOf() throws Exception {
    try (FileSystem gdp = sim.newFs()) {
      Path f = Files.writeString(gdp.getPath("/u.txt"), "via uri");
      URI uri = f.toUri();
      assertThat(Files.readString(Path.of(uri))).isEqualTo("via uri");
    }
  }
}
