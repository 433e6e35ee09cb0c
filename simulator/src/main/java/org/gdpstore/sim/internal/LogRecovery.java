package org.gdpstore.sim.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.gdpstore.wire.WriterPolicy;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.proto.GdpDatum;

/**
 * Opens the log files of a data directory when a log server starts and rebuilds each log's state,
 * never guessing: every intact record is kept; a record whose bytes are damaged keeps its number
 * and is marked damaged (reads of it fail, see {@link DamagedRecordException}); appends continue
 * after the highest record number that may have been acknowledged. The only bytes ever cut are a
 * torn tail: what a crash leaves of an unfinished last append. A file whose header is unreadable
 * makes just that log unusable. Each damaged log gets one warning naming file, offsets and records.
 */
final class LogRecovery {
  private static final Logger LOG = Logger.getLogger(LogServer.class.getName());
  /** The reason given for a record number that a salvage left as a hole. */
  static final String SALVAGED = "salvaged away earlier";

  /** The logs recovered, and the logs whose file is unusable with the reason. */
  record Result(Map<GdpName, SimLog> logs, Map<GdpName, String> broken) {}

  private LogRecovery() {}

  /**
   * The log files of {@code logDir} (created if missing) by log name, without reading them; each is
   * recovered by {@link #recoverInto} when first used. Deletes what creates that never completed
   * left. A file whose name is not a log name is recovered now (its metadata names the log).
   */
  static Map<GdpName, Path> list(Path logDir, StorageFaults storageFaults, Result now) throws IOException {
    Map<GdpName, Path> files = new LinkedHashMap<>();
    Files.createDirectories(logDir);
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(logDir)) {
      for (Path f : dir) {
        String fn = f.getFileName().toString();
        if (fn.endsWith(".glog.tmp")) {
          Files.deleteIfExists(f); // a create that never completed (and was never acknowledged)
          continue;
        }
        if (!fn.endsWith(".glog")) {
          continue;
        }
        GdpName name = nameFromFile(fn, null);
        if (name == null) {
          recoverInto(f, storageFaults, now);
        } else {
          files.put(name, f);
        }
      }
    }
    return files;
  }

  /** Recovers every log file in {@code logDir} (created if missing) at once. */
  static Result recoverAll(Path logDir, StorageFaults storageFaults) throws IOException {
    Result r = new Result(new LinkedHashMap<>(), new LinkedHashMap<>());
    for (Path f : list(logDir, storageFaults, r).values()) {
      recoverInto(f, storageFaults, r);
    }
    return r;
  }

  /** Recovers one log file into {@code into}: its logs, or its broken logs with the reason. */
  static void recoverInto(Path f, StorageFaults storageFaults, Result into) {
    try {
      SimLog log = recover(f, storageFaults, new ArrayList<>(), true);
      into.logs().put(log.name, log);
    } catch (IOException | IllegalArgumentException e) {
      String why = "log file " + f + " is damaged: " + e.getMessage();
      LOG.warning(why + "; the log is not served (its other files are untouched)");
      GdpName name = nameFromFile(f.getFileName().toString(), null);
      if (name != null) {
        into.broken().put(name, why);
      }
    }
  }

  /**
   * Recovers one log file by scanning it; adds what is wrong with it (damage found, torn tail cut)
   * to {@code problems}.
   */
  static SimLog recover(Path f, StorageFaults storageFaults, List<String> problems) throws IOException {
    return recover(f, storageFaults, problems, false);
  }

  /**
   * Recovers one log file; {@code useIndex}: from its clean-shutdown {@link LogIndex} if that
   * matches the file, else (and always when false) by scanning the whole file.
   */
  private static SimLog recover(Path f, StorageFaults storageFaults, List<String> problems, boolean useIndex)
      throws IOException {
    String fn = f.getFileName().toString();
    LogFile.Header header = LogFile.readHeader(f);
    LogMetadata md = LogMetadata.parse(header.metadata());
    GdpName name = nameFromFile(fn, md.logName());
    if (!name.equals(md.logName())) {
      LOG.warning("log file " + fn + " holds a log whose metadata hashes to " + md.logName());
    }
    LogFile file = LogFile.openExisting(f, storageFaults);
    try {
      SimLog log = new SimLog(name, md.toBytes(), md, WriterPolicy.signingKey(md).orElse(null), file);
      if (useIndex && LogIndex.load(f, log)) {
        file.resumeAppends(log.nrecs() + 1);
        return log;
      }
      Rebuild r = new Rebuild(log);
      FrameScanner.Tail tail = file.scan(r);
      if (tail != null && tail.torn()) {
        file.cutTornTail(tail.offset());
        LOG.info("log " + name + ": dropped a torn tail (an unfinished append) of " + tail.length()
            + " bytes at offset " + tail.offset() + " of " + f);
      } else if (tail != null) {
        r.unreadable(tail.offset(), tail.offset() + tail.length());
        r.lost(log.nrecs() + 1, "unrecognised bytes at the end of the file");
      }
      file.resumeAppends(log.nrecs() + 1);
      problems.addAll(r.problems);
      if (!r.problems.isEmpty()) {
        LOG.warning("log " + name + " (file " + f + ") is damaged: " + String.join("; ", r.problems)
            + (log.damaged().isEmpty() ? "" : "; damaged records " + log.damaged().keySet())
            + "; " + (log.nrecs() - log.damaged().size()) + " intact records are served, nothing was cut"
            + " ('gdpfs sim salvage' rewrites the file on request, keeping a copy)");
      }
      return log;
    } catch (IOException | RuntimeException e) {
      file.close();
      throw e;
    }
  }

  /** Rebuilds a log from what the scan finds. */
  private static final class Rebuild implements FrameScanner.Sink {
    final SimLog log;
    final List<String> problems = new ArrayList<>();
    /** The damaged bytes seen since the last intact record, for the reason of records lost in them. */
    String where = "";

    Rebuild(SimLog log) {
      this.log = log;
    }

    @Override
    public void frame(long offset, long headerRecno, byte[] payload) {
      if (payload.length == 0) {
        lost(headerRecno, SALVAGED);
        return;
      }
      GdpDatum d;
      try {
        d = GdpDatum.parseFrom(payload);
      } catch (InvalidProtocolBufferException e) {
        d = null;
      }
      if (d == null || (headerRecno != 0 && d.getRecno() != headerRecno) || d.getRecno() <= 0) {
        problems.add("unparsable record frame at offset " + offset);
        if (headerRecno != 0) {
          lost(headerRecno, "unparsable frame at offset " + offset);
        }
        return;
      }
      long recno = d.getRecno();
      if (recno <= log.nrecs()) {
        problems.add("a second frame of record " + recno + " at offset " + offset + " was ignored");
        return;
      }
      if (recno > log.nrecs() + 1) {
        lost(recno - 1, "lost in damaged bytes" + where);
      }
      log.add(d, payload, log.digest.recordHash(d), offset);
      where = "";
    }

    @Override
    public void damagedFrame(long offset, long headerRecno, int length) {
      problems.add("checksum mismatch in the frame of record " + headerRecno + " at offset " + offset);
      lost(headerRecno, "checksum mismatch at offset " + offset);
    }

    @Override
    public void unreadable(long from, long to) {
      problems.add((to - from) + " unreadable bytes at offsets " + from + ".." + (to - 1));
      where = " at offsets " + from + ".." + (to - 1);
    }

    /** Records {@code nrecs + 1 .. upTo} are damaged. */
    void lost(long upTo, String why) {
      while (log.nrecs() < upTo) {
        log.addDamaged(why);
      }
    }
  }

  private static GdpName nameFromFile(String fileName, GdpName fallback) {
    String p = fileName.substring(0, fileName.length() - ".glog".length());
    return GdpName.isPrintableName(p) ? GdpName.parse(p) : fallback;
  }
}
