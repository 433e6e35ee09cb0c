package org.gdpstore.cli;

import java.io.PrintStream;

/**
 * A one-line progress bar for long transfers, redrawn in place with {@code \r} at most ten times
 * a second. It is drawn only when the CLI runs on a terminal ({@link CliEnv#interactive()});
 * otherwise every method is a no-op, so scripts and pipes see clean output. Thread-safe: parallel
 * uploads advance one bar.
 */
class Progress implements AutoCloseable {
  private static final long REDRAW_NANOS = 100_000_000L;
  private static final int WIDTH = 30;

  private final PrintStream out;
  private final String label;
  private final long total;
  private final long start = System.nanoTime();
  private long done;
  private long lastDraw;
  private boolean drawn;

  private Progress(PrintStream out, String label, long total) {
    this.out = out;
    this.label = label;
    this.total = total;
  }

  /** A bar on {@code env.err()} if {@code env} is interactive, else a silent one. */
  static Progress start(CliEnv env, String label, long totalBytes) {
    return env.interactive() ? new Progress(env.err(), label, totalBytes) : new Silent();
  }

  /**
   * For a command whose data goes to stdout ({@code cat}): a bar on {@code env.err()} only when
   * stdout is not a terminal but stderr is (as curl does: {@code gdpfs cat big > file} shows one,
   * data on a terminal is never overdrawn, and scripts without a terminal stay quiet).
   */
  static Progress startBesideOutput(CliEnv env, boolean stderrTerminal, String label, long totalBytes) {
    return !env.interactive() && stderrTerminal ? new Progress(env.err(), label, totalBytes) : new Silent();
  }

  /** Whether stderr is a terminal, as the launcher says ({@code -Dgdpfs.stderr.tty=true}; Java cannot tell). */
  static boolean stderrTerminal() {
    return Boolean.getBoolean("gdpfs.stderr.tty");
  }

  /** Adds {@code bytes} to the amount done and redraws if enough time has passed. */
  synchronized void advance(long bytes) {
    done += bytes;
    long now = System.nanoTime();
    if (now - lastDraw >= REDRAW_NANOS || done >= total) {
      lastDraw = now;
      draw(now);
    }
  }

  private void draw(long now) {
    int filled = total <= 0 ? WIDTH : (int) Math.min(WIDTH, done * WIDTH / total);
    StringBuilder sb = new StringBuilder(96).append('\r').append(label).append(" [");
    sb.append("=".repeat(filled));
    if (filled < WIDTH) {
      sb.append('>').append(" ".repeat(WIDTH - filled - 1));
    }
    sb.append("] ").append(Sizes.human(done)).append(" / ").append(Sizes.human(Math.max(total, 0)));
    sb.append("  ").append(Sizes.rate(done, now - start)).append("   ");
    out.print(sb);
    out.flush();
    drawn = true;
  }

  @Override
  public synchronized void close() {
    if (drawn) {
      draw(System.nanoTime());
      out.println();
      out.flush();
    }
  }

  /** The no-op bar for non-terminal output. */
  private static final class Silent extends Progress {
    Silent() {
      super(null, "", 0);
    }

    @Override
    void advance(long bytes) {}

    @Override
    public void close() {}
  }
}
