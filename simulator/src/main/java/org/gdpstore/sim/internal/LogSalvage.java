package org.gdpstore.sim.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.gdpstore.wire.GdpName;

/**
 * Rewrites damaged log files, only when asked ({@code gdpfs sim salvage}): each damaged or format 1
 * file is copied aside ({@code <file>.damaged-<time>}) and replaced by a format 2 file holding every
 * intact record and a hole marker for each damaged record number, so the numbers are never reused.
 * The caller holds the data directory's lock.
 */
public final class LogSalvage {
  private LogSalvage() {}

  /** What salvage did to one log. */
  public record Outcome(String log, boolean rewritten, boolean failed, String message) {}

  /** Salvages every log in {@code dataDir}, or just {@code only} when not null. */
  public static List<Outcome> salvage(Path dataDir, GdpName only) throws IOException {
    Path logDir = dataDir.resolve("logs");
    List<Outcome> out = new ArrayList<>();
    if (!Files.isDirectory(logDir)) {
      return out;
    }
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(logDir, "*.glog")) {
      ds.forEach(files::add);
    }
    files.sort(null);
    for (Path f : files) {
      String fn = f.getFileName().toString();
      String name = fn.substring(0, fn.length() - ".glog".length());
      if (only == null || only.printable().equals(name)) {
        out.add(salvageOne(f, name));
      }
    }
    return out;
  }

  private static Outcome salvageOne(Path f, String name) throws IOException {
    // the copy is taken first: recovery may cut a torn tail, and the copy keeps even that
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path copy = f.resolveSibling(f.getFileName() + ".damaged-" + stamp);
    Files.copy(f, copy, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
    SimLog log;
    List<String> problems = new ArrayList<>();
    try {
      log = LogRecovery.recover(f, new StorageFaults(), problems);
    } catch (IOException | IllegalArgumentException e) {
      Files.delete(copy);
      return new Outcome(name, false, true, "cannot be salvaged, its header is unreadable (" + e.getMessage()
          + "); the file is left as it is");
    }
    int version = log.file.version();
    var damaged = log.damaged();
    if (problems.isEmpty() && version == LogFile.VERSION) {
      log.file.close();
      Files.delete(copy);
      return new Outcome(name, false, false, log.nrecs() + " records, intact"
          + (damaged.isEmpty() ? "" : " but for the holes of an earlier salvage " + damaged.keySet()) + "; not rewritten");
    }
    Path next = f.resolveSibling(f.getFileName() + ".salvage");
    Files.deleteIfExists(next);
    Files.deleteIfExists(f.resolveSibling(next.getFileName() + ".tmp"));
    try (LogFile out = LogFile.create(f.getParent(), next.getFileName().toString(), log.metadataBytes, new StorageFaults())) {
      List<byte[]> batch = new ArrayList<>();
      long[] recnos = new long[256];
      for (long r = 1; r <= log.nrecs(); r++) {
        recnos[batch.size()] = r;
        batch.add(damaged.containsKey(r) ? new byte[0] : log.bytes(r));
        if (batch.size() == recnos.length || r == log.nrecs()) {
          out.append(java.util.Arrays.copyOf(recnos, batch.size()), batch);
          batch.clear();
        }
      }
      out.sync();
    } finally {
      log.file.close();
    }
    try (var ch = java.nio.channels.FileChannel.open(copy, java.nio.file.StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.deleteIfExists(LogIndex.of(f)); // it describes the file being replaced
    Files.move(next, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    LogFile.syncDirectory(f.getParent());
    return new Outcome(name, true, false, log.nrecs() + " records, " + (damaged.isEmpty() ? "none"
        : "damaged " + damaged.keySet() + " (they stay unreadable; their numbers are not reused)")
        + (problems.isEmpty() ? "" : " [" + String.join("; ", problems) + "]")
        + "; rewritten in format " + LogFile.VERSION + " from format " + version + ", original kept as " + copy);
  }
}
