package org.gdpstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Progress bars: drawn on a terminal, silent otherwise. */
class ProgressTest {
  @Test
  void drawsOnATerminalOnly() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    CliEnv tty = new CliEnv(Path.of("."), new ByteArrayInputStream(new byte[0]), System.out, e, true);
    try (Progress p = Progress.start(tty, "put", 4L << 20)) {
      p.advance(1L << 20);
      p.advance(3L << 20);
    }
    String drawn = err.toString(StandardCharsets.UTF_8);
    assertThat(drawn).startsWith("\rput [").contains("4.0 MiB / 4.0 MiB").endsWith(System.lineSeparator());

    ByteArrayOutputStream quiet = new ByteArrayOutputStream();
    CliEnv pipe = new CliEnv(Path.of("."), new ByteArrayInputStream(new byte[0]), System.out,
        new PrintStream(quiet, true, StandardCharsets.UTF_8), false);
    try (Progress p = Progress.start(pipe, "put", 100)) {
      p.advance(100);
    }
    assertThat(quiet.size()).isZero();
  }

  @Test
  void catDrawsOnlyWhenStdoutIsNotATerminalButStderrIs() {
    for (boolean stdoutTty : new boolean[] {false, true}) {
      for (boolean stderrTty : new boolean[] {false, true}) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CliEnv env = new CliEnv(Path.of("."), new ByteArrayInputStream(new byte[0]), System.out,
            new PrintStream(err, true, StandardCharsets.UTF_8), stdoutTty);
        try (Progress p = Progress.startBesideOutput(env, stderrTty, "cat", 100)) {
          p.advance(100);
        }
        assertThat(err.size() > 0).as("stdout tty %s, stderr tty %s", stdoutTty, stderrTty)
            .isEqualTo(!stdoutTty && stderrTty);
      }
    }
  }
}
