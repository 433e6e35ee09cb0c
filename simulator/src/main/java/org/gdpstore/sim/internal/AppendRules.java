package org.gdpstore.sim.internal;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.gdpstore.wire.EpStat;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.PduHeader;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpSignature;
import org.gdpstore.wire.proto.GdpTimestamp;

/**
 * The record-number and signature rules of APPEND (docs/simulator.md): the next record must be
 * {@code nrecs + 1}; an identical re-append of an existing record number (same record hash) is
 * acknowledged again without storing; a different record with an existing number gets 201 CONFLICT;
 * a gap gets 195 FORBIDDEN; {@code recno <= 0} gets 194. An APPEND is all-or-nothing: its datums are
 * checked in order as if the earlier ones were already stored. In a hash-chained log with a writer
 * key each new datum's prevhash must be the hash of the record before it (none for record 1) and
 * the last datum must carry a valid signature (other datums' signatures are checked when present);
 * a break gets 193 UNAUTH. Pure: stores nothing.
 */
final class AppendRules {
  /** Bytes a one-datum ACK_CONTENT adds around the datum, at most (cmd, rid, body and list framing). */
  static final int REPLY_OVERHEAD = 22;

  private AppendRules() {}

  /** What to store (datums in stored form and their record hashes), or why the APPEND is refused. */
  record Verdict(List<GdpDatum> toStore, List<byte[]> hashes, int nakCode, EpStat stat, String reason, long recno) {
    static Verdict refuse(int nakCode, EpStat stat, String reason, long recno) {
      return new Verdict(List.of(), List.of(), nakCode, stat, reason, recno);
    }

    boolean accepted() {
      return reason == null;
    }
  }

  /**
   * Checks the datums of one APPEND against {@code log}.
   *
   * @param ahead signature checks done ahead for this batch (may know nothing of these datums)
   */
  static Verdict check(SimLog log, List<GdpDatum> dl, int maxRecordBytes, SignatureBatch ahead) {
    if (dl.isEmpty()) {
      return Verdict.refuse(MsgCode.NAK_C_BADREQ, EpStat.NAK_BADREQ, "APPEND with an empty datum list", -1);
    }
    long nrecs = log.nrecs();
    long next = nrecs + 1;
    List<GdpDatum> toStore = new ArrayList<>(dl.size());
    List<byte[]> newHashes = new ArrayList<>(dl.size());
    long first = dl.get(0).getRecno();
    for (int index = 0; index < dl.size(); index++) {
      GdpDatum d = dl.get(index);
      long recno = d.getRecno();
      if (log.chained && recno != first + index) {
        // consecutive numbers keep "the last datum" the newest one, so it is the one that must be signed
        return Verdict.refuse(MsgCode.NAK_C_BADREQ, EpStat.NAK_BADREQ,
            "datums of an APPEND to a chained log must have consecutive record numbers", recno);
      }
      if (recno <= 0) {
        return Verdict.refuse(MsgCode.NAK_C_BADOPT, EpStat.gdp(EpStat.SEV_ERROR, 402),
            "record number must be > 0, got " + recno, Math.max(0, recno));
      }
      GdpDatum stored = storedForm(d);
      if (d.getData().size() > maxRecordBytes || stored.getSerializedSize() + REPLY_OVERHEAD > PduHeader.MAX_PAYLOAD_LENGTH) {
        return Verdict.refuse(MsgCode.NAK_C_TOOLARGE, EpStat.NAK_TOOLARGE, "record " + recno + " of "
            + d.getData().size() + " bytes exceeds the limit of " + maxRecordBytes, recno);
      }
      SignatureBatch.Verified pre = ahead.get(d, log);
      // once per datum: dedupe, storage and the signature check all use it
      byte[] hash = pre != null ? pre.hash() : log.digest.recordHash(d);
      if (recno < next) {
        boolean same = recno <= nrecs ? log.hashEquals(recno, hash)
            : Arrays.equals(SimLog.stored32(newHashes.get((int) (recno - nrecs - 1))), SimLog.stored32(hash));
        if (!same) {
          return Verdict.refuse(MsgCode.NAK_C_CONFLICT, EpStat.NAK_CONFLICT,
              "record " + recno + " exists with other content", recno);
        }
        continue; // identical retry: acknowledged, not stored again
      }
      if (recno > next) {
        return Verdict.refuse(MsgCode.NAK_C_FORBIDDEN, EpStat.NAK_FORBIDDEN,
            "record " + recno + " would leave a gap; next is " + next, recno);
      }
      if (log.chained) {
        byte[] prev = next == 1 ? new byte[0]
            : next - 1 <= nrecs ? log.hashAt(next - 1) : SimLog.stored32(newHashes.get(newHashes.size() - 1));
        if (!Arrays.equals(prev, d.getPrevhash().toByteArray())) {
          return Verdict.refuse(MsgCode.NAK_C_UNAUTH, EpStat.CRYPTO_BAD_SIGNATURE, "record " + recno
              + (d.getPrevhash().isEmpty() ? " has no prevhash" : " has a prevhash that does not link to record "
              + (recno - 1)) + " (the log is hash-chained)", recno);
        }
      }
      // a chained log needs only the last datum signed: its signature vouches for the links before it
      boolean mustSign = log.writerKey != null && (!log.chained || index == dl.size() - 1
          || (d.hasSig() && !d.getSig().getSig().isEmpty()));
      if (mustSign && !(pre != null ? pre.ok() : log.digest.verify(d, log.writerKey))) {
        return Verdict.refuse(MsgCode.NAK_C_UNAUTH, EpStat.CRYPTO_BAD_SIGNATURE, "record " + recno
            + (d.hasSig() && !d.getSig().getSig().isEmpty() ? " has a bad signature" : " is not signed")
            + " (the log has a writer key)", recno);
      }
      toStore.add(stored);
      newHashes.add(hash);
      next++;
    }
    return new Verdict(toStore, newHashes, 0, null, null, -1);
  }

  /**
   * The form a record is stored and returned in (spec 3.5.6): recno; ts with sec always present
   * and nsec/accuracy only when non-zero; prevhash always present (possibly empty); data; sig
   * always present (possibly empty); no proofs.
   */
  static GdpDatum storedForm(GdpDatum d) {
    GdpTimestamp in = d.getTs();
    GdpTimestamp.Builder ts = GdpTimestamp.newBuilder().setSec(in.getSec());
    if (in.getNsec() != 0) {
      ts.setNsec(in.getNsec());
    }
    if (Float.floatToRawIntBits(in.getAccuracy()) != 0) {
      ts.setAccuracy(in.getAccuracy());
    }
    return GdpDatum.newBuilder()
        .setRecno(d.getRecno())
        .setTs(ts)
        .setPrevhash(d.getPrevhash())
        .setData(d.getData())
        .setSig(GdpSignature.newBuilder().setSig(d.hasSig() ? d.getSig().getSig() : ByteString.EMPTY))
        .build();
  }
}
