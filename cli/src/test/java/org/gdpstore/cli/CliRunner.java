package org.gdpstore.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Runs gdpfs command lines in this JVM against one home directory, capturing the output. */
final class CliRunner {
  private final Path home;

  CliRunner(Path home) {
    this.home = home;
  }

  Path home() {
    return home;
  }

  /** The outcome of one command line. */
  record Result(int code, String out, String err, byte[] outBytes) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  Result run(String... args) {
    return runWithInput(new byte[0], args);
  }

  Result runWithInput(String stdin, String... args) {
    return runWithInput(stdin.getBytes(StandardCharsets.UTF_8), args);
  }

  Result runWithInput(byte[] stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    InputStream in = new ByteArrayInputStream(stdin);
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      int code = GdpfsCli.run(args, new CliEnv(home, in, o, e, false));
      o.flush();
      e.flush();
      return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
          out.toByteArray());
    }
  }
}
