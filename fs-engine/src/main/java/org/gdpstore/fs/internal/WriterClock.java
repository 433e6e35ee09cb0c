package org.gdpstore.fs.internal;

import java.time.Instant;
import org.gdpstore.fs.FsOptions;

/** The writer's clock ({@link FsOptions#clock()}) as commit and modification times. Stateless. */
public final class WriterClock {
  private WriterClock() {}

  /** Now, in nanoseconds since the Unix epoch. */
  public static long nowNanos(FsOptions o) {
    Instant now = o.clock().instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
