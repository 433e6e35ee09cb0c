package org.gdpstore.fs.internal;

import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Files being written by this filesystem instance, by transaction (0: the calls committed one by
 * one) and path. TensorFlow expects a file to exist from its creation: views of this instance show
 * these files with the bytes written so far, while other processes see a file only when its close
 * publishes it (so a writer that dies leaves nothing half-written behind). Changed under the
 * transactions' lock; read from any thread.
 */
public final class PendingFiles {
  private final Map<Long, NavigableMap<EntryKey, FileVersionWriter>> byTxn = new ConcurrentHashMap<>();

  /** The files being written in transaction {@code txnId} (0: none), or null if there are none. */
  public NavigableMap<EntryKey, FileVersionWriter> of(long txnId) {
    NavigableMap<EntryKey, FileVersionWriter> m = byTxn.get(txnId);
    return m == null || m.isEmpty() ? null : m;
  }

  /** The writer whose file is at {@code key} in transaction {@code txnId}, or null. */
  public FileVersionWriter get(long txnId, EntryKey key) {
    NavigableMap<EntryKey, FileVersionWriter> m = byTxn.get(txnId);
    return m == null ? null : m.get(key);
  }

  /** Makes {@code w} the file at {@code key} (a later writer of the same path takes its place). */
  void put(long txnId, EntryKey key, FileVersionWriter w) {
    byTxn.computeIfAbsent(txnId, k -> new ConcurrentSkipListMap<>()).put(key, w);
  }

  /** Removes {@code w} from {@code key} if it is still the file there. */
  void remove(long txnId, EntryKey key, FileVersionWriter w) {
    NavigableMap<EntryKey, FileVersionWriter> m = byTxn.get(txnId);
    if (m != null) {
      m.remove(key, w);
    }
  }

  /** Forgets every file of an ended transaction. */
  void dropTxn(long txnId) {
    byTxn.remove(txnId);
  }
}
