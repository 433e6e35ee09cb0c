package org.gdpstore.fs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.gdpstore.fs.internal.DirEntry;
import org.gdpstore.fs.internal.EntryKey;
import org.gdpstore.fs.internal.FsEngine;
import org.gdpstore.fs.internal.NamespaceIndex;
import org.gdpstore.fs.internal.Hashes;
import org.gdpstore.fs.internal.View;
import org.gdpstore.fs.internal.WriterClock;

/**
 * Key-value pairs stored in the filesystem's directory log, in a namespace of their own (a key is
 * not a file path). Values up to {@link FsOptions#inlineLimit()} bytes live inside the directory
 * entry; larger ones get a log of their own. Every {@code put}/{@code delete} is one commit;
 * {@link #batch()} commits many at once. Reads see the newest commit. Thread-safe.
 *
 * <p>Keys: non-empty, at most {@value #MAX_KEY_BYTES} UTF-8 bytes, no NUL (else INVALID_ARGUMENT).
 */
public final class KeyValueStore {
  /** Longest key in UTF-8 bytes. */
  public static final int MAX_KEY_BYTES = 1024;

  private final FsEngine engine;

  KeyValueStore(FsEngine engine) {
    this.engine = engine;
  }

  private static EntryKey checkKey(String key) throws FsException {
    if (key == null) {
      throw new NullPointerException("key");
    }
    if (key.isEmpty()) {
      throw new FsException(FsCode.INVALID_ARGUMENT, "kv:", "empty key");
    }
    if (key.indexOf('\0') >= 0) {
      throw new FsException(FsCode.INVALID_ARGUMENT, "kv:" + key.replace("\0", "\\0"), "key contains NUL");
    }
    if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      throw new FsException(FsCode.INVALID_ARGUMENT, "kv:" + key.substring(0, 32) + "...",
          "key longer than " + MAX_KEY_BYTES + " bytes");
    }
    return EntryKey.kv(key);
  }

  private View headView() {
    return new View(engine.index(), engine.index().head(), null);
  }

  /** Stores a value (replacing any); returns the commit. */
  public CommitResult put(String key, byte[] value) throws FsException {
    return batch().put(key, value).commit();
  }

  /** The value, or empty if the key is absent. */
  public Optional<byte[]> get(String key) throws FsException {
    return get(engine, engine.index(), engine.index().head(), key);
  }

  /** The value of {@code key} in the snapshot at directory record {@code at}. */
  static Optional<byte[]> get(FsEngine engine, NamespaceIndex index, long at, String key) throws FsException {
    EntryKey k = checkKey(key);
    DirEntry e = new View(index, at, null).get(k);
    return e == null ? Optional.empty() : Optional.of(engine.content().readAll(e, "kv:" + key));
  }

  /** Whether the key is present. */
  public boolean contains(String key) throws FsException {
    return headView().get(checkKey(key)) != null;
  }

  /** Deletes a key; returns whether it existed. */
  public boolean delete(String key) throws FsException {
    EntryKey k = checkKey(key);
    return engine.transactions().mutate(0, "kv:" + key, t -> {
      if (t.view().get(k) == null) {
        return false;
      }
      t.put(k, null);
      return true;
    });
  }

  /** Keys starting with {@code prefix} ("" = all), sorted. */
  public List<String> keys(String prefix) {
    return headView().kvKeys(prefix);
  }

  /** Keys starting with {@code prefix} and their values, sorted by key, from one snapshot. */
  public TreeMap<String, byte[]> scan(String prefix) throws FsException {
    View v = headView();
    TreeMap<String, byte[]> out = new TreeMap<>();
    for (String k : v.kvKeys(prefix)) {
      out.put(k, engine.content().readAll(v.get(EntryKey.kv(k)), "kv:" + k));
    }
    return out;
  }

  /** A new atomic batch of puts and deletes. */
  public Batch batch() {
    return new Batch();
  }

  /** Puts and deletes that commit together (one directory record) or not at all. Not thread-safe. */
  public final class Batch {
    private final Map<EntryKey, byte[]> ops = new LinkedHashMap<>();

    private Batch() {}

    public Batch put(String key, byte[] value) throws FsException {
      ops.put(checkKey(key), value.clone());
      return this;
    }

    public Batch delete(String key) throws FsException {
      ops.put(checkKey(key), null);
      return this;
    }

    /** Commits every operation with one directory record; returns it. */
    public CommitResult commit() throws FsException {
      engine.transactions().requireWritable("kv:");
      // large values first go into their own (still invisible) logs
      Map<EntryKey, DirEntry> entries = new LinkedHashMap<>();
      List<EntryKey> order = new ArrayList<>(ops.keySet());
      FsOptions opts = engine.options();
      for (EntryKey k : order) {
        byte[] v = ops.get(k);
        if (v == null) {
          entries.put(k, null);
        } else if (v.length <= opts.inlineLimit()) {
          entries.put(k, DirEntry.inline(v, Hashes.sha256(v), WriterClock.nowNanos(opts)));
        } else {
          entries.put(k, engine.writeValueLog(k, v));
        }
      }
      return engine.transactions().commitChanges(entries);
    }
  }
}
