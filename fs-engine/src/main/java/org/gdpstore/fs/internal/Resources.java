package org.gdpstore.fs.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.gdpstore.wire.GdpName;

/**
 * What a filesystem has open: file writers and watches (closed with it), file logs being appended
 * in this process (one appender per log at a time), and whether it is closed. Thread-safe.
 */
public final class Resources {
  private final Set<AutoCloseable> openHandles = ConcurrentHashMap.newKeySet();
  private final Set<GdpName> logsBeingAppended = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  public void register(AutoCloseable handle) {
    openHandles.add(handle);
  }

  public void unregister(AutoCloseable handle) {
    openHandles.remove(handle);
  }

  /** Claims a file log for appending; false if this process already appends to it. */
  public boolean claimAppend(GdpName log) {
    return logsBeingAppended.add(log);
  }

  public void releaseAppend(GdpName log) {
    logsBeingAppended.remove(log);
  }

  public boolean isClosed() {
    return closed;
  }

  /** Closes every registered handle and marks the filesystem closed; returns the failures. */
  public List<Throwable> closeAll() {
    List<Throwable> errors = new ArrayList<>();
    for (AutoCloseable h : List.copyOf(openHandles)) {
      try {
        h.close();
      } catch (Exception e) {
        errors.add(e);
      }
    }
    closed = true;
    return errors;
  }
}
