package org.gdpstore.cli;

import java.time.Duration;
import java.util.Locale;
import org.gdpstore.fs.GcReport;
import org.gdpstore.fs.RetentionPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gdpfs gc}: garbage collection with a retention policy (docs/cli.md "gc"). */
@Command(name = "gc", description = "Delete the file logs that no retained snapshot references. Snapshots older"
    + " than what is kept can no longer be read (--at refuses them).")
final class GcCommand extends CliCommand {
  @Parameters(index = "0", paramLabel = "[gdp://]FS", description = "The filesystem (alias or root log name).")
  String fs;

  @Option(names = "--keep-commits", paramLabel = "N", description = "Keep the snapshots of the last N commits (N >= 1).")
  Integer keepCommits;

  @Option(names = "--keep-for", paramLabel = "DURATION",
      description = "Keep every snapshot current within DURATION before now: 7d, 12h, 30m, 45s (or ISO-8601 such as PT1H).")
  String keepFor;

  @Option(names = "--dry-run", description = "Print what would be deleted; change nothing (needs no writer key).")
  boolean dryRun;

  @Option(names = "--orphan-grace", paramLabel = "DURATION",
      description = "Delete the file logs no commit references (a writer killed before its commit, aborted"
          + " transactions, unused pooled logs) once their intent is this old (default 24h; format-5 filesystems).")
  String orphanGrace;

  @Override
  int execute() throws Exception {
    RetentionPolicy policy = policy();
    RemotePath p = RemotePath.parse(RemotePath.isRemote(fs) ? fs : RemotePath.SCHEME + fs);
    if (!p.path().equals("/")) {
      throw CliException.usage("gc works on a whole filesystem, not on " + p.path());
    }
    try (Backend b = openBackend(); RemoteFs remote = FsAccess.open(b, home(), p.fs(), !dryRun)) {
      GcReport r = remote.gc(policy, dryRun);
      String verb = dryRun ? "would delete " : "deleted ";
      for (String log : r.deleted()) {
        env().out().println(verb + log);
      }
      if (!dryRun) { // a dry run cannot tell which of an intent's 128 names exist: it only counts them
        for (String log : r.orphansDeleted()) {
          env().out().println(verb + log + " (no commit referenced it)");
        }
      }
      r.notDeleted().forEach((log, why) -> env().err().println("gdpfs: could not delete " + log + ": " + Names.escape(why)));
      env().out().println((dryRun ? "dry run: " : "") + verb + r.deleted().size() + " log" + (r.deleted().size() == 1 ? "" : "s")
          + " (" + Sizes.human(r.deletedBytes()) + ")"
          + (r.alreadyGone() > 0 ? ", " + r.alreadyGone() + " already gone" : "")
          + orphanSummary(r)
          + "; snapshots from record " + r.horizon() + " on are kept");
      if (!r.complete()) {
        env().err().println("gdpfs: " + r.notDeleted().size() + " log(s) not deleted (the log server may not implement"
            + " DELETE, as the reference gdplogd does not); the filesystem is intact and a later gc tries them again");
      }
    }
    return ExitCodes.OK;
  }

  /** The part of the summary about logs no commit references; empty if there were none. */
  private String orphanSummary(GcReport r) {
    if (r.intentsSettled() == 0 && r.orphansDeleted().isEmpty()) {
      return "";
    }
    int n = r.orphansDeleted().size();
    String intents = r.intentsSettled() + " intent" + (r.intentsSettled() == 1 ? "" : "s");
    return r.dryRun()
        ? ", and would try " + n + " names of logs no commit references (" + intents + " due)"
        : " and " + n + " log" + (n == 1 ? "" : "s") + " no commit referenced (" + intents + " settled)";
  }

  private RetentionPolicy policy() {
    if (keepCommits != null && keepCommits < 1) {
      throw CliException.usage("--keep-commits must be at least 1, got " + keepCommits);
    }
    Duration d = keepFor == null ? null : duration(keepFor, "--keep-for");
    Duration grace = orphanGrace == null ? null : duration(orphanGrace, "--orphan-grace");
    if (grace != null && grace.isZero()) {
      throw CliException.usage("--orphan-grace must be positive, got " + orphanGrace);
    }
    return new RetentionPolicy(keepCommits == null ? 0 : keepCommits, d, grace);
  }

  /** {@code 7d}, {@code 12h}, {@code 30m}, {@code 45s}, or ISO-8601 ({@code PT1H}). */
  static Duration duration(String s, String option) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.startsWith("p")) {
        return nonNegative(s, Duration.parse(t.toUpperCase(Locale.ROOT)), option);
      }
      if (t.length() >= 2) {
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        Duration d = switch (t.charAt(t.length() - 1)) {
          case 'd' -> Duration.ofDays(n);
          case 'h' -> Duration.ofHours(n);
          case 'm' -> Duration.ofMinutes(n);
          case 's' -> Duration.ofSeconds(n);
          default -> null;
        };
        if (d != null) {
          return nonNegative(s, d, option);
        }
      }
    } catch (RuntimeException e) {
      // reported below
    }
    throw CliException.usage(option + ": '" + s + "' is not a duration (examples: 7d, 12h, 30m, 45s, PT1H)");
  }

  private static Duration nonNegative(String s, Duration d, String option) {
    if (d.isNegative()) {
      throw CliException.usage(option + " must not be negative: " + s);
    }
    return d;
  }
}
