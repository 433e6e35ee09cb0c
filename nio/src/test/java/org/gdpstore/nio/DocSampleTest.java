package org.gdpstore.nio;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** README's "Using java.nio.file" example, as written, on the embedded store of $GDPSTORE_HOME (set for tests). */
class DocSampleTest {
  @Test
  void readmeExampleRuns() throws Exception {
    String name = "notes" + System.nanoTime();
    List<String> printed = new ArrayList<>();
    try (FileSystem fs = FileSystems.newFileSystem(URI.create("gdp://" + name), Map.of("create", true))) {
      Path dir = Files.createDirectories(fs.getPath("/2026/12"));
      Files.writeString(dir.resolve("todo.txt"), "ship the nio provider\n");
      try (GdpTransaction tx = GdpNio.beginTransaction(fs)) {
        Files.writeString(tx.path("/2026/12/a.txt"), "a");
        Files.move(tx.path("/2026/12/todo.txt"), tx.path("/2026/12/done.txt"));
        tx.commit();
      }
      try (Stream<Path> s = Files.walk(fs.getPath("/"))) {
        s.forEach(p -> printed.add(p.toString()));
      }
      Map<String, Object> attrs = Files.readAttributes(dir.resolve("done.txt"), "gdp:sha256,recno,signer");
      assertThat(attrs).containsKeys("sha256", "recno", "signer");
      assertThat((String) attrs.get("signer")).hasSize(64);
    }
    assertThat(printed).containsExactly("/", "/2026", "/2026/12", "/2026/12/a.txt", "/2026/12/done.txt");
    Path done = Path.of(URI.create("gdp://" + name + "/2026/12/done.txt"));
    try {
      assertThat(Files.readString(done)).isEqualTo("ship the nio provider\n");
    } finally {
      done.getFileSystem().close();
    }
  }
}
