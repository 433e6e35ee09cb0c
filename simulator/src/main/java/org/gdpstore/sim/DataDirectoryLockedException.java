package org.gdpstore.sim;

import java.nio.file.Path;

/** A simulator could not start in durable mode: another process (or simulator) holds the data directory. */
public final class DataDirectoryLockedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;
  private final transient Path dataDir;
  private final long holderPid;

  public DataDirectoryLockedException(Path dataDir, long holderPid) {
    super("data directory " + dataDir + " is in use by "
        + (holderPid > 0 ? "process " + holderPid : "another process") + " (another simulator serves it)");
    this.dataDir = dataDir;
    this.holderPid = holderPid;
  }

  /** The locked directory. */
  public Path dataDir() {
    return dataDir;
  }

  /** The pid written by the holder, or -1 if it could not be read. */
  public long holderPid() {
    return holderPid;
  }
}
