package org.gdpstore.sim.internal;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The log files written while handling one read batch; they are synced together before the batch's
 * answers go out, so one fsync covers many appends and an acknowledged record is on stable storage.
 */
final class GroupCommit {
  private final Set<LogFile> dirty = new LinkedHashSet<>();

  void wrote(LogFile file) {
    dirty.add(file);
  }

  /** A deleted file needs no sync. */
  void forget(LogFile file) {
    dirty.remove(file);
  }

  /**
   * Syncs every file written since the last call.
   *
   * @throws IOException naming the file whose sync failed; the others are left unsynced
   */
  void syncAll() throws IOException {
    for (LogFile f : dirty) {
      try {
        f.sync();
      } catch (IOException e) {
        throw new IOException("sync of " + f.path() + " failed", e);
      }
    }
    dirty.clear();
  }

  /** Forgets everything unsynced (a crash). */
  void clear() {
    dirty.clear();
  }
}
