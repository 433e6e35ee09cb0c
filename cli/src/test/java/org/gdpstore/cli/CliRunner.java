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
  private final Backend.Factory backends;

  /** Runs against the real backends (embedded simulator, or --router). */
  CliRunner(Path home) {
    this(home, null);
  }

  /** Runs against {@code backends} (null = the real ones). */
  CliRunner(Path home, Backend.Factory backends) {
    this.home = home;
    this.backends = backends;
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
      CliEnv env = new CliEnv(home, in, o, e, false);
      int code = backends == null ? GdpfsCli.run(args, env) : GdpfsCli.run(args, env, backends);
      o.flush();
      e.flush();
      return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
          out.toByteArray());
    }
  }
}
