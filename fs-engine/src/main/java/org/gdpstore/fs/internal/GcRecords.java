package org.gdpstore.fs.internal;

import java.nio.ByteBuffer;
import org.gdpstore.fs.internal.proto.DirectoryGc;
import org.gdpstore.fs.internal.proto.FsRecord;

/**
 * Garbage-collection records of the directory log (format version 4, docs/on-log-format.md 3.7):
 * encoding and checked decoding. Stateless.
 */
final class GcRecords {
  private GcRecords() {}

  /** One decoded gc record. {@code reclaimed}: below it every unreferenced log is gone. */
  record Gc(long id, long horizon, long commitNanos, long checkpoint, boolean done, long reclaimed,
      long logsDeleted, long bytesDeleted, java.util.List<LogIntents.Intent> settled) {}

  static ByteBuffer encode(Gc g, long nowNanos) {
    DirectoryGc.Builder b = DirectoryGc.newBuilder().setGcId(g.id()).setHorizonRecno(g.horizon())
        .setCommitUnixNanos(g.commitNanos()).setCheckpointRecno(g.checkpoint()).setDone(g.done())
        .setReclaimedRecno(g.reclaimed()).setGcUnixNanos(nowNanos)
        .setLogsDeleted(g.logsDeleted()).setBytesDeleted(g.bytesDeleted());
    for (LogIntents.Intent i : g.settled()) {
      b.addSettledIntents(LogIntents.toProto(i));
    }
    return ByteBuffer.wrap(FsRecord.newBuilder().setGc(b).build().toByteArray());
  }

  /** Decodes the gc record at {@code recno}; IllegalArgumentException if it is inconsistent. */
  static Gc decode(DirectoryGc d, long recno) {
    if (d.getHorizonRecno() < 1 || d.getHorizonRecno() >= recno) {
      throw new IllegalArgumentException("gc horizon " + d.getHorizonRecno() + " is not before the record");
    }
    if (d.getCheckpointRecno() >= recno || d.getCheckpointRecno() == 1) {
      throw new IllegalArgumentException("gc names checkpoint " + d.getCheckpointRecno() + ", which is not before it");
    }
    if (d.getReclaimedRecno() > d.getHorizonRecno() || d.getDone() && d.getReclaimedRecno() != d.getHorizonRecno()) {
      throw new IllegalArgumentException("gc reclaimed mark " + d.getReclaimedRecno() + " does not fit its horizon");
    }
    if (!d.getDone() && d.getSettledIntentsCount() > 0) {
      throw new IllegalArgumentException("a gc record that is not done settles intents");
    }
    java.util.List<LogIntents.Intent> settled = new java.util.ArrayList<>();
    for (org.gdpstore.fs.internal.proto.DirectoryLogIntent i : d.getSettledIntentsList()) {
      LogIntents.Intent intent = LogIntents.decode(i, 0);
      if (intent.recno() >= recno) {
        throw new IllegalArgumentException("gc settles an intent of record " + intent.recno() + ", not before it");
      }
      settled.add(intent);
    }
    return new Gc(d.getGcId(), d.getHorizonRecno(), d.getCommitUnixNanos(), d.getCheckpointRecno(),
        d.getDone(), d.getReclaimedRecno(), d.getLogsDeleted(), d.getBytesDeleted(), settled);
  }
}
