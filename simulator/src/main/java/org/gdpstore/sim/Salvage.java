package org.gdpstore.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.gdpstore.sim.internal.DataDirLock;
import org.gdpstore.sim.internal.LogSalvage;
import org.gdpstore.wire.GdpName;

/**
 * The explicit repair of a durable data directory (docs/simulator.md, "Salvage"): damaged and
 * format 1 log files are rewritten in the current format with every intact record, the damaged
 * record numbers kept as holes, and the original file kept beside it. Nothing else rewrites a log.
 */
public final class Salvage {
  private Salvage() {}

  /** What happened to one log. */
  public record Result(String log, boolean rewritten, boolean failed, String message) {}

  /**
   * Salvages the logs of {@code dataDir} (or only {@code log}, when not null) while holding the
   * directory's lock.
   *
   * @throws DataDirectoryLockedException if a simulator serves the directory
   * @throws UncheckedIOException if a file cannot be read or written
   */
  public static List<Result> run(Path dataDir, GdpName log) {
    try (DataDirLock lock = DataDirLock.acquire(dataDir, DataDirectoryLockedException::new)) {
      return LogSalvage.salvage(dataDir, log).stream()
          .map(o -> new Result(o.log(), o.rewritten(), o.failed(), o.message())).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
