package org.gdpstore.sim.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneId;
import java.util.TimeZone;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The handler of a listening TCP channel: when accepting a connection fails (EMFILE, "Too many
 * open files", or any other I/O error), it pauses accepting for {@link #PAUSE_MILLIS} and logs one
 * line (at most one every {@link #LOG_EVERY_MILLIS}, with the count of failures since), then
 * resumes; waiting connections stay in the kernel's backlog meanwhile. Nothing here may throw: an
 * error escaping an event loop would kill its thread and every connection it serves.
 */
public final class AcceptGuard extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = Logger.getLogger(AcceptGuard.class.getName());
  static final long PAUSE_MILLIS = 100;
  static final long LOG_EVERY_MILLIS = 10_000;

  private long failures;
  private long lastLogNanos;
  private boolean logged;

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof IOException)) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    failures++;
    long now = System.nanoTime();
    if (!logged || now - lastLogNanos > TimeUnit.MILLISECONDS.toNanos(LOG_EVERY_MILLIS)) {
      logQuietly("cannot accept connections on " + ctx.channel().localAddress() + ": " + cause.getMessage()
          + " (" + failures + " failure" + (failures == 1 ? "" : "s") + " since the last report); pausing accepts for "
          + PAUSE_MILLIS + " ms at a time until it works again");
      logged = true;
      lastLogNanos = now;
      failures = 0;
    }
    if (ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(false);
      ctx.executor().schedule(() -> {
        ctx.channel().config().setAutoRead(true);
      }, PAUSE_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  private static void logQuietly(String line) {
    try {
      LOG.warning(line);
    } catch (Throwable t) { // logging must never take the event loop down
      // nothing else to do
    }
  }

  /**
   * Loads and initializes what logging a warning needs (the formatter, the time zone data, stack
   * trace printing) while files can still be opened: the first log line written when descriptors
   * have run out would otherwise fail with NoClassDefFoundError (tzdb.dat cannot be read) and
   * kill the thread that logged it. Idempotent and cheap after the first call.
   */
  public static void preloadLogging() {
    try {
      TimeZone.getDefault();
      ZoneId.systemDefault();
      LogRecord r = new LogRecord(Level.WARNING, "preload {0}");
      r.setParameters(new Object[] {"x"});
      r.setThrown(new IOException("preload"));
      new SimpleFormatter().format(r);
      new Throwable().printStackTrace(new PrintWriter(new StringWriter()));
      Logger.getLogger("org.gdpstore.sim").isLoggable(Level.WARNING);
    } catch (RuntimeException e) {
      // best effort
    }
  }
}
