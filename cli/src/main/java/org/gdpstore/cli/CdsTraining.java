package org.gdpstore.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The workload the {@code gdpfs} launcher runs once per build with
 * {@code -XX:ArchiveClassesAtExit}: the classes the common commands load (command line, embedded
 * simulator, client, filesystem, key-value store) end up in a class-data sharing archive, and
 * later commands start from it instead of loading and verifying them from the jar. Runs in a
 * temporary home that it deletes.
 */
public final class CdsTraining {
  private CdsTraining() {}

  public static void main(String[] args) throws IOException {
    GdpfsCli.configureLogging(false);
    Path home = Files.createTempDirectory("gdpfs-cds-training");
    try {
      Path file = Files.write(home.resolve("one-kib.bin"), new byte[1024]);
      PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
      CliEnv env = new CliEnv(home.resolve("home"), InputStream.nullInputStream(), quiet, quiet, false);
      String[][] commands = {
        {"--version"}, {"--help"}, {"mkfs", "t"}, {"put", file.toString(), "gdp://t/f.bin"}, {"ls", "gdp://t/"},
        {"ls", "-l", "gdp://t/"}, {"cat", "gdp://t/f.bin"}, {"stat", "gdp://t/f.bin"}, {"kv", "put", "t", "k", "v"},
        {"kv", "get", "t", "k"}, {"get", "gdp://t/f.bin", home.resolve("back.bin").toString()}, {"ls", "gdp://nosuch/"},
      };
      for (String[] c : commands) {
        GdpfsCli.run(c, env);
      }
    } finally {
      try (Stream<Path> s = Files.walk(home)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
