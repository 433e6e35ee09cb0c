package org.gdpstore.fs.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.gdpstore.fs.FsCode;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.FsOptions;
import org.gdpstore.fs.GcReport;
import org.gdpstore.fs.RetentionPolicy;
import org.gdpstore.wire.GdpName;

/**
 * Garbage collection with a retention policy (docs/fs-engine.md "Garbage collection"): moves the
 * retention horizon forward and deletes the file logs that only snapshots older than it reference.
 *
 * <p>Order, for crash safety: (1) a gc record stating the new horizon is appended first, so no
 * reader is ever given a snapshot whose logs may be going; (2) the logs are deleted (a log
 * already gone counts as deleted, so a rerun finishes an interrupted gc); (3) only if every one
 * is gone, a second gc record marks the gc done, and later gcs scan from its horizon on. A log
 * still referenced by a retained snapshot (a copy shares its source's log; an append continues
 * it) is never a candidate. Runs in the writer; one gc at a time.
 */
final class GarbageCollector {
  private final FsEngine engine;
  private final LogStore store;
  private final FsOptions opts;

  GarbageCollector(FsEngine engine, LogStore store, FsOptions opts) {
    this.engine = engine;
    this.store = store;
    this.opts = opts;
  }

  /** The logs a gc to {@code horizon} deletes, with the content bytes each held. */
  private record Plan(long horizon, Map<GdpName, Long> logs) {}

  synchronized GcReport run(RetentionPolicy policy, boolean dryRun) throws FsException {
    DirectoryLog dirLog = engine.directoryLog();
    if (dirLog.header().getFormatVersion() < Records.GC_VERSION) {
      throw new FsException(FsCode.FAILED_PRECONDITION, "/", "this filesystem has on-log format version "
          + dirLog.header().getFormatVersion() + "; gc needs version " + Records.GC_VERSION
          + " (its directory log's header, record 1, fixes the version and cannot be rewritten:"
          + " copy the files into a new filesystem to collect garbage)");
    }
    if (!dryRun) {
      dirLog.requireAppendable("/");
    }
    dirLog.refresh(); // every writer's latest commits, gcs and intents
    long now = WriterClock.nowNanos(opts);
    long grace = (policy.orphanGrace() != null ? policy.orphanGrace() : opts.orphanGrace()).toNanos();
    OrphanCollector.Plan orphans = OrphanCollector.plan(engine, store, now, grace);
    NamespaceIndex live = engine.index();
    long current = live.horizon();
    long reclaimed = live.reclaimed();
    long head = live.head();
    long horizon = current;
    Plan plan = null; // retention: nothing kept back and nothing unfinished, or nothing older than the horizon
    if (!(policy.keepsAll() && current <= Math.max(1, reclaimed))) {
      NamespaceIndex scan = dirLog.loadRange(Math.max(1, reclaimed), head);
      long h = Math.max(current, Math.min(policyHorizon(policy, scan, head), oldestOpenTransaction(scan)));
      if (h > Math.max(1, reclaimed)) {
        horizon = h;
        plan = plan(scan, h);
      } else {
        horizon = Math.max(current, h);
      }
    }
    List<String> orphanNames = names(orphans.all());
    if (plan == null && orphans.names().isEmpty()) {
      return new GcReport(horizon, dryRun, List.of(), 0, 0, Map.of());
    }
    if (dryRun) {
      Map<GdpName, Long> logs = plan == null ? Map.of() : plan.logs();
      long bytes = logs.values().stream().mapToLong(Long::longValue).sum();
      return new GcReport(horizon, true, names(logs.keySet()), bytes, 0, Map.of(), orphanNames,
          orphans.names().size());
    }
    List<GdpName> deleted = new ArrayList<>();
    long bytes = 0;
    int gone = 0;
    Map<String, String> failed = new TreeMap<>();
    if (plan != null) {
      if (horizon > current) {
        dirLog.appendGc(horizon, false, reclaimed, 0, 0, List.of(), now); // the horizon first
      }
      Deletions d = deleteAll(store, new ArrayList<>(plan.logs().keySet()));
      deleted.addAll(d.deleted());
      gone = d.gone();
      failed.putAll(d.failed());
      for (GdpName log : deleted) {
        bytes += plan.logs().get(log);
      }
    }
    OrphanCollector.Outcome o = OrphanCollector.delete(store, orphans);
    boolean retentionDone = failed.isEmpty();
    failed.putAll(o.failed());
    if (retentionDone && (plan != null || !o.settled().isEmpty())) {
      dirLog.appendGc(horizon, true, horizon, deleted.size() + o.deleted().size(), bytes, o.settled(),
          WriterClock.nowNanos(opts));
    }
    return new GcReport(horizon, false, names(deleted), bytes, gone, failed, names(o.deleted()), o.settled().size());
  }

  /** What deleting some logs did: deleted now, already gone, and the failures by printable name. */
  record Deletions(List<GdpName> deleted, int gone, Map<String, String> failed) {}

  /**
   * Deletes {@code logs}, all DELETEs in flight at once; a log already gone counts as {@code gone},
   * a failure is recorded under its printable name (the gc goes on).
   */
  static Deletions deleteAll(LogStore store, List<GdpName> logs) throws FsException {
    Map<GdpName, CompletableFuture<Boolean>> inFlight = new LinkedHashMap<>();
    for (GdpName n : logs) {
      inFlight.put(n, store.deleteLog(n));
    }
    List<GdpName> deleted = new ArrayList<>();
    int gone = 0;
    Map<String, String> failed = new TreeMap<>();
    for (Map.Entry<GdpName, CompletableFuture<Boolean>> e : inFlight.entrySet()) {
      try {
        if (e.getValue().get()) {
          deleted.add(e.getKey());
        } else {
          gone++;
        }
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new FsException(FsCode.CANCELLED, "/", "gc interrupted; run it again to finish", ie);
      } catch (ExecutionException ee) {
        failed.put(e.getKey().printable(), Await.translate(ee.getCause(), "/").getMessage());
      }
    }
    return new Deletions(deleted, gone, failed);
  }

  /** The oldest snapshot {@code policy} keeps, among the commits {@code scan} holds (1: all). */
  private long policyHorizon(RetentionPolicy policy, NamespaceIndex scan, long head) {
    long h = head;
    boolean set = false;
    if (policy.keepCommits() > 0) {
      List<Long> commits = scan.commitRecnos();
      long byCount = commits.size() >= policy.keepCommits() ? commits.get(commits.size() - policy.keepCommits()) : 1;
      h = Math.min(h, byCount);
      set = true;
    }
    if (policy.keepFor() != null) {
      long since = WriterClock.nowNanos(opts) - policy.keepFor().toNanos();
      h = Math.min(h, scan.recnoAtTime(since)); // the snapshot current then (1 if older than the scan)
      set = true;
    }
    return set ? h : 1;
  }

  /** The snapshot of the oldest open transaction (it may still copy what it sees), else the head. */
  private long oldestOpenTransaction(NamespaceIndex scan) {
    long oldest = Long.MAX_VALUE;
    Transactions txns = engine.transactions();
    for (long id : txns.openIds()) {
      try {
        oldest = Math.min(oldest, scan.commitAtOrBefore(txns.txn(id).base));
      } catch (FsException ended) {
        // ended meanwhile
      }
    }
    return oldest;
  }

  /**
   * The file logs referenced by versions older than {@code horizon} in {@code scan} and by no
   * version visible at or after it, with the largest size of a version in each.
   */
  private static Plan plan(NamespaceIndex scan, long horizon) {
    Set<GdpName> retained = new HashSet<>();
    Map<GdpName, Long> candidates = new HashMap<>();
    for (EntryKey key : scan.allKeys()) {
      long liveAtHorizon = scan.versionOf(key, horizon);
      for (NamespaceIndex.Version v : scan.versions(key, Long.MAX_VALUE)) {
        DirEntry e = v.entry();
        if (e == null || e.log == null) {
          continue; // a delete, a directory or inline content: no log
        }
        if (v.recno() >= liveAtHorizon) {
          retained.add(e.log);
        } else {
          candidates.merge(e.log, e.size, Math::max);
        }
      }
    }
    candidates.keySet().removeAll(retained);
    Map<GdpName, Long> sorted = new LinkedHashMap<>();
    candidates.entrySet().stream().sorted(Map.Entry.comparingByKey((a, b) -> a.printable().compareTo(b.printable())))
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return new Plan(horizon, sorted);
  }

  private static List<String> names(Iterable<GdpName> logs) {
    List<String> out = new ArrayList<>();
    logs.forEach(n -> out.add(n.printable()));
    return out;
  }
}
