package org.gdpstore.fs.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.gdpstore.fs.FsException;
import org.gdpstore.wire.GdpName;

/**
 * The part of gc that finds file logs no commit references (format 5, docs/fs-engine.md "Logs no
 * commit references"): every open intent older than the grace is expanded into the names of its
 * slots, and each name that no commit after the intent references is deleted (no such log counts
 * as done: most slots are never used). An intent whose names are all settled is reported, so the
 * gc's done record can name it. Runs in the writer, inside a gc.
 */
final class OrphanCollector {
  /** The intents due and, per intent, the unreferenced names of its slots. */
  record Plan(Map<LogIntents.Intent, List<GdpName>> names) {
    static final Plan NONE = new Plan(Map.of());

    List<GdpName> all() {
      List<GdpName> out = new ArrayList<>();
      names.values().forEach(out::addAll);
      return out;
    }
  }

  /** What deleting a plan's names did. */
  record Outcome(List<GdpName> deleted, List<LogIntents.Intent> settled, Map<String, String> failed) {}

  private OrphanCollector() {}

  /**
   * The open intents appended (or last renewed) at least {@code graceNanos} before {@code nowNanos}, with their
   * slots' names that no commit references. A log of an intent can only be referenced by records
   * after the intent, so the commits from the oldest due intent on are scanned (every version,
   * retained or not: the retention pass owns referenced logs).
   */
  static Plan plan(FsEngine engine, LogStore store, long nowNanos, long graceNanos) throws FsException {
    DirectoryLog dirLog = engine.directoryLog();
    if (dirLog.header().getFormatVersion() < Records.INTENTS_VERSION) {
      return Plan.NONE;
    }
    List<LogIntents.Intent> due = new ArrayList<>();
    for (LogIntents.Intent i : engine.index().openIntents()) {
      if (nowNanos - i.claimNanos() >= graceNanos) {
        due.add(i);
      }
    }
    if (due.isEmpty()) {
      return Plan.NONE;
    }
    NamespaceIndex scan = dirLog.loadRange(due.get(0).recno(), engine.index().head());
    Set<GdpName> referenced = new HashSet<>();
    for (EntryKey key : scan.allKeys()) {
      for (NamespaceIndex.Version v : scan.versions(key, Long.MAX_VALUE)) {
        if (v.entry() != null && v.entry().log != null) {
          referenced.add(v.entry().log);
        }
      }
    }
    byte[] writer = dirLog.writerKey();
    Map<LogIntents.Intent, List<GdpName>> names = new LinkedHashMap<>();
    for (LogIntents.Intent i : due) {
      List<GdpName> unreferenced = new ArrayList<>();
      boolean known = true;
      for (long slot = i.first(); slot < i.first() + i.count(); slot++) {
        List<GdpName> possible = store.possibleNames(writer, LogIntents.identity(dirLog.root(), i, slot));
        known &= !possible.isEmpty();
        for (GdpName n : possible) {
          if (!referenced.contains(n)) {
            unreferenced.add(n);
          }
        }
      }
      if (known) { // a store that cannot name logs leaves the intent open
        names.put(i, unreferenced);
      }
    }
    return new Plan(names);
  }

  /** Deletes the plan's names, all in flight at once; an intent is settled when none of its names failed. */
  static Outcome delete(LogStore store, Plan plan) throws FsException {
    List<GdpName> all = plan.all();
    if (all.isEmpty()) {
      return new Outcome(List.of(), new ArrayList<>(plan.names().keySet()), Map.of());
    }
    // one DELETE first: a log server without DELETE (the reference gdplogd) is reported once, not per name
    List<GdpName> deleted = new ArrayList<>();
    List<GdpName> rest = all.subList(1, all.size());
    try {
      if (store.deleteLog(all.get(0)).join()) {
        deleted.add(all.get(0));
      }
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof LogStoreException l && l.kind() == LogStoreException.Kind.UNSUPPORTED) {
        return new Outcome(List.of(), List.of(), Map.of(all.size() + " names of logs no commit references",
            Await.translate(l, "/").getMessage()));
      }
      rest = all; // another failure: tried again with the others, and reported there if it persists
    }
    GarbageCollector.Deletions d = GarbageCollector.deleteAll(store, rest);
    Map<String, String> failed = d.failed();
    deleted.addAll(d.deleted());
    List<LogIntents.Intent> settled = new ArrayList<>();
    for (Map.Entry<LogIntents.Intent, List<GdpName>> e : plan.names().entrySet()) {
      if (e.getValue().stream().noneMatch(n -> failed.containsKey(n.printable()))) {
        settled.add(e.getKey());
      }
    }
    return new Outcome(deleted, settled, failed);
  }
}
