package org.gdpstore.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts {@code java -cp <test class path> org.gdpstore.cli.GdpfsCli ...} as a child process with
 * {@code GDPSTORE_HOME} set, the way a user's shell would run the tool.
 */
final class CliProcess {
  private CliProcess() {}

  static String classPath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }

  static ProcessBuilder builder(Path home, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-XX:TieredStopAtLevel=1"); // short-lived JVMs: start fast
    cmd.add("-cp");
    cmd.add(classPath());
    cmd.add(GdpfsCli.class.getName());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("GDPSTORE_HOME", home.toString());
    return pb;
  }

  /** Runs to completion (at most two minutes) feeding {@code stdin}. */
  static CliRunner.Result run(Path home, byte[] stdin, String... args) throws IOException, InterruptedException {
    Path out = Files.createTempFile("gdpfs-out", ".txt");
    Path err = Files.createTempFile("gdpfs-err", ".txt");
    try {
      Process p = builder(home, args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      try (OutputStream o = p.getOutputStream()) {
        o.write(stdin);
      }
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError("gdpfs " + String.join(" ", args) + " did not finish in 120 s; stderr: "
            + Files.readString(err));
      }
      byte[] ob = Files.readAllBytes(out);
      return new CliRunner.Result(p.exitValue(), new String(ob, StandardCharsets.UTF_8), Files.readString(err), ob);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  static CliRunner.Result run(Path home, String... args) throws IOException, InterruptedException {
    return run(home, new byte[0], args);
  }

  /** Reads one line from a process's stream (for "listening on ..." banners), at most 200 bytes. */
  static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      sb.append((char) c);
      if (sb.length() > 500) {
        break;
      }
    }
    return sb.toString();
  }
}
