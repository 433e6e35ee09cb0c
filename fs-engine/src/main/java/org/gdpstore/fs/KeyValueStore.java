package org.gdpstore.fs;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.gdpstore.fs.internal.ConflictRules.Condition;
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
 * <p>Several writers (threads or processes): puts and deletes are blind, so those of different
 * keys all land and of one key the last in directory-log order wins. {@link #putIfAbsent},
 * {@link #replace} and {@link #delete(String, byte[])} are conditional: the condition is evaluated
 * where the commit finally lands in the log (after any commits of other writers it was rebased
 * onto), and when it does not hold nothing is written and they return false.
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

  /**
   * Deletes a key; returns whether it existed where the delete landed in the log (false: nothing
   * was written).
   */
  public boolean delete(String key) throws FsException {
    EntryKey k = checkKey(key);
    return commitIf(k, null, Condition.PRESENT);
  }

  /**
   * Stores {@code value} only if the key is absent where the commit lands in the directory log
   * (after other writers' commits); returns whether it was stored.
   */
  public boolean putIfAbsent(String key, byte[] value) throws FsException {
    EntryKey k = checkKey(key);
    return commitIf(k, value.clone(), Condition.ABSENT);
  }

  /**
   * Replaces the value only if the key holds exactly {@code expected} where the commit lands (a
   * compare-and-set); returns whether it was replaced.
   */
  public boolean replace(String key, byte[] expected, byte[] value) throws FsException {
    EntryKey k = checkKey(key);
    return commitIf(k, value.clone(), Condition.equalTo(expected));
  }

  /** Deletes the key only if it holds exactly {@code expected} where the commit lands; returns whether it did. */
  public boolean delete(String key, byte[] expected) throws FsException {
    EntryKey k = checkKey(key);
    return commitIf(k, null, Condition.equalTo(expected));
  }

  /** Commits {@code value} (null: a delete) at {@code k} if {@code c} holds where it lands. */
  private boolean commitIf(EntryKey k, byte[] value, Condition c) throws FsException {
    engine.transactions().requireWritable(k.display());
    Map<EntryKey, DirEntry> change = new LinkedHashMap<>();
    change.put(k, value == null ? null : entry(k, value));
    return engine.transactions().commitChanges(change, Map.of(k, c)) != null;
  }

  private DirEntry entry(EntryKey k, byte[] v) throws FsException {
    FsOptions opts = engine.options();
    return v.length <= opts.inlineLimit() ? DirEntry.inline(v, Hashes.sha256(v), WriterClock.nowNanos(opts))
        : engine.writeValueLog(k, v);
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
      for (Map.Entry<EntryKey, byte[]> op : ops.entrySet()) {
        entries.put(op.getKey(), op.getValue() == null ? null : entry(op.getKey(), op.getValue()));
      }
      return engine.transactions().commitChanges(entries, Map.of());
    }
  }
}
