package org.gdpstore.bench;

import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import org.gdpstore.fs.internal.DirEntry;
import org.gdpstore.fs.internal.EntryKey;
import org.gdpstore.fs.internal.NamespaceIndex;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The group-commit leader's index work per group (issue 13): applying a commit of 64 new keys to a
 * namespace index that already holds {@code keys} keys, as {@code kvPutT64} does with every group.
 * Reference points of the same run: putting the same 64 keys into a bare
 * {@code ConcurrentSkipListMap} of the same size (what the index did per key up to session 7) and
 * only making the keys and the commit (the floor of any index).
 *
 * <p>One op = one commit of 64 keys. The index is rebuilt before each iteration, so it grows by at
 * most one iteration's keys above {@code keys}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class NamespaceIndexBenchmark {
  private static final int GROUP = 64;

  @Param({"1000000"})
  public int keys;

  private NamespaceIndex index;
  private ConcurrentSkipListMap<EntryKey, Object> skipList;
  private final DirEntry value = DirEntry.inline(new byte[100], new byte[32], 1);
  private long recno;
  private long next;

  @Setup(Level.Iteration)
  public void fill() {
    index = new NamespaceIndex();
    skipList = new ConcurrentSkipListMap<>();
    recno = 1;
    next = 0;
    while (next < keys) {
      TreeMap<EntryKey, DirEntry> c = commit();
      index.apply(++recno, recno, c);
      c.keySet().forEach(k -> skipList.put(k, value));
    }
  }

  /** The next 64 new keys, spread over the key space as 64 writers' names are. */
  private TreeMap<EntryKey, DirEntry> commit() {
    TreeMap<EntryKey, DirEntry> c = new TreeMap<>();
    for (int i = 0; i < GROUP; i++) {
      long n = next++;
      c.put(EntryKey.kv("t" + (n % GROUP) + "-" + (n / GROUP)), value);
    }
    return c;
  }

  @Benchmark
  public NamespaceIndex indexApply() {
    index.apply(++recno, recno, commit());
    return index;
  }

  @Benchmark
  public Object referenceSkipListPut() {
    for (EntryKey k : commit().keySet()) {
      skipList.put(k, value);
    }
    return skipList;
  }

  @Benchmark
  public Object referenceCommitOnly() {
    return commit();
  }
}
