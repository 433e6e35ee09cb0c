package org.gdpstore.sim.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.proto.GdpDatum;

/** Opens the log files of a data directory when a log server starts and rebuilds each log's state. */
final class LogRecovery {
  private static final Logger LOG = Logger.getLogger(LogServer.class.getName());

  private LogRecovery() {}

  /** The logs found in {@code logDir} (created if missing), by name. */
  static Map<GdpName, SimLog> recoverAll(Path logDir, StorageFaults storageFaults) throws IOException {
    Map<GdpName, SimLog> logs = new LinkedHashMap<>();
    Files.createDirectories(logDir);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(logDir)) {
      for (Path f : files) {
        String fn = f.getFileName().toString();
        if (fn.endsWith(".glog.tmp")) {
          Files.deleteIfExists(f); // a create that never completed (and was never acknowledged)
          continue;
        }
        if (!fn.endsWith(".glog")) {
          continue;
        }
        LogMetadata md;
        try {
          md = LogMetadata.parse(LogFile.readMetadata(f));
        } catch (IOException | IllegalArgumentException e) {
          LOG.log(Level.WARNING, "skipping unreadable log file " + f + ": " + e.getMessage());
          continue;
        }
        GdpName name = nameFromFile(fn, md.logName());
        if (!name.equals(md.logName())) {
          LOG.warning("log file " + fn + " holds a log whose metadata hashes to " + md.logName());
        }
        LogFile file = LogFile.openExisting(f, storageFaults);
        SimLog log = new SimLog(name, md.toBytes(), md, LogServer.writerKeyOf(md), file);
        long truncated;
        try {
          truncated = file.recover((offset, payload) -> {
            GdpDatum d;
            try {
              d = GdpDatum.parseFrom(payload);
            } catch (InvalidProtocolBufferException e) {
              LOG.warning("stopping recovery of " + fn + " at an unparsable record " + (log.nrecs() + 1));
              return false;
            }
            if (d.getRecno() != log.nrecs() + 1) {
              LOG.warning("stopping recovery of " + fn + " at record " + d.getRecno() + ", expected " + (log.nrecs() + 1));
              return false;
            }
            log.add(d, payload, log.digest.recordHash(d), offset);
            return true;
          });
        } catch (IOException e) {
          file.close();
          LOG.log(Level.WARNING, "skipping unreadable log file " + f + ": " + e.getMessage());
          continue;
        }
        if (truncated > 0) {
          LOG.info("log " + log.name + ": dropped a torn tail of " + truncated + " bytes");
        }
        logs.put(log.name, log);
      }
    }
    return logs;
  }

  private static GdpName nameFromFile(String fileName, GdpName fallback) {
    String p = fileName.substring(0, fileName.length() - ".glog".length());
    return GdpName.isPrintableName(p) ? GdpName.parse(p) : fallback;
  }
}
