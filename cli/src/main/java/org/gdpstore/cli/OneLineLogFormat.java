package org.gdpstore.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;

/**
 * java.util.logging (used by the embedded simulator) as one line per warning on stderr:
 * {@code gdpfs: warning: MESSAGE (CAUSE)}, the JDK's default being two lines with a stack trace.
 * With {@code --verbose} the stack trace follows and INFO records are shown too.
 */
public final class OneLineLogFormat extends Formatter {
  /** Set by {@link GdpfsCli#main} when {@code --verbose} is given. */
  static final String VERBOSE_PROPERTY = "gdpfs.verbose";

  private final boolean verbose = Boolean.getBoolean(VERBOSE_PROPERTY);

  @Override
  public String format(LogRecord r) {
    StringBuilder sb = new StringBuilder("gdpfs: ");
    sb.append(r.getLevel().intValue() >= Level.SEVERE.intValue() ? "error: "
        : r.getLevel().intValue() >= Level.WARNING.intValue() ? "warning: " : "");
    sb.append(Names.escape(formatMessage(r)));
    Throwable t = r.getThrown();
    if (t != null) {
      sb.append(" (").append(Names.escape(String.valueOf(t))).append(')');
    }
    sb.append(System.lineSeparator());
    if (verbose && t != null) {
      java.io.StringWriter w = new java.io.StringWriter();
      t.printStackTrace(new java.io.PrintWriter(w));
      sb.append(w);
    }
    return sb.toString();
  }

  /**
   * Named by {@code -Djava.util.logging.config.class}: configures java.util.logging when it is
   * first used (a command that logs nothing pays nothing).
   */
  public static final class Config {
    public Config() throws IOException {
      boolean verbose = Boolean.getBoolean(VERBOSE_PROPERTY);
      String props = "handlers=java.util.logging.ConsoleHandler\n"
          + ".level=" + (verbose ? "INFO" : "WARNING") + "\n"
          + "java.util.logging.ConsoleHandler.level=ALL\n"
          + "java.util.logging.ConsoleHandler.formatter=" + OneLineLogFormat.class.getName() + "\n";
      LogManager.getLogManager().readConfiguration(new ByteArrayInputStream(props.getBytes(StandardCharsets.ISO_8859_1)));
    }
  }
}
