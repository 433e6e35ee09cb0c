package org.gdpstore.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.gdpstore.home.GdpHome;

/**
 * The outside world of one CLI run: home directory, standard streams and whether a human watches.
 * Injected so that tests can run commands in-process with their own streams and a temporary home.
 *
 * @param home the gdpstore home ({@code $GDPSTORE_HOME}, default {@code ~/.gdpstore})
 * @param in standard input (records for {@code logs append}, values for {@code kv put})
 * @param out standard output (results)
 * @param err standard error (messages, progress bars)
 * @param interactive true when stdout is a terminal: progress bars are drawn
 */
public record CliEnv(Path home, InputStream in, PrintStream out, PrintStream err, boolean interactive) {
  public CliEnv {
    Objects.requireNonNull(home, "home");
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(err, "err");
  }

  /** The environment of a real process: {@code System.in/out/err} and {@code $GDPSTORE_HOME}. */
  public static CliEnv system() {
    return new CliEnv(homeFrom(System.getenv()), System.in, System.out, System.err, System.console() != null);
  }

  /** {@code $GDPSTORE_HOME} if set and not blank, else {@code ~/.gdpstore}. */
  static Path homeFrom(Map<String, String> environment) {
    return GdpHome.locate(environment);
  }
}
