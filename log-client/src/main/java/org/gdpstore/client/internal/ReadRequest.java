package org.gdpstore.client.internal;

import com.google.protobuf.ByteString;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.gdpstore.client.GdpStatus;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.proto.CmdReadByHash;
import org.gdpstore.wire.proto.CmdReadByRecno;
import org.gdpstore.wire.proto.CmdReadByTs;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpMessage;
import org.gdpstore.wire.proto.GdpTimestamp;

/**
 * READ_BY_RECNO / READ_BY_TS / READ_BY_HASH (spec 3.5.5, 3.5.10). A singleton read ends with its one
 * ACK_CONTENT; a multi read collects ACK_CONTENTs until END_OF_RESULTS (any body, or none: spec 8.9).
 * Results are de-duplicated by record number, so a re-sent read cannot duplicate records.
 *
 * <p>A range by number whose answer PDUs were lost on the way (a hole below a record received, or
 * fewer records than END_OF_RESULTS counted) asks again for the first missing run, under a new rid
 * and within the request's own deadline ({@link RangeRepair}), before anything is handed on.
 */
final class ReadRequest extends Request {
  enum Kind { RECNO, TIMESTAMP, HASH }

  final CompletableFuture<List<GdpDatum>> result = new CompletableFuture<>();
  private final Kind kind;
  private final long recno;
  private final int count;
  /** Range reads by number: what is still missing and what the current ask names. */
  private final RangeRepair repair;
  private final Instant ts;
  private final ByteString hash;
  /** Recno order for recno reads, arrival (timestamp) order for timestamp reads. */
  private final Map<Long, GdpDatum> received;
  /** {@link #received} of a read by number (sorted). */
  private final TreeMap<Long, GdpDatum> sorted;

  private ReadRequest(Outbound client, GdpName log, Kind kind, long recno, int count, Instant ts, ByteString hash) {
    super(client, log);
    this.kind = kind;
    this.recno = recno;
    this.count = count;
    this.ts = ts;
    this.hash = hash;
    this.sorted = kind == Kind.TIMESTAMP ? null : new TreeMap<>();
    this.received = kind == Kind.TIMESTAMP ? new LinkedHashMap<>() : sorted;
    this.repair = kind == Kind.RECNO && count > 0 ? new RangeRepair(log, recno, count) : null;
  }

  /** One record ({@code count == 0}) or up to {@code count} records from {@code recno}. */
  static ReadRequest byRecno(Outbound client, GdpName log, long recno, int count) {
    return new ReadRequest(client, log, Kind.RECNO, recno, count, null, null);
  }

  static ReadRequest byTimestamp(Outbound client, GdpName log, Instant from, int count) {
    return new ReadRequest(client, log, Kind.TIMESTAMP, 0, count, from, null);
  }

  static ReadRequest byHash(Outbound client, GdpName log, byte[] hash) {
    return new ReadRequest(client, log, Kind.HASH, 0, 0, null, ByteString.copyFrom(hash));
  }

  private boolean singleton() {
    return kind == Kind.HASH || (kind == Kind.RECNO && count == 0);
  }

  @Override
  GdpMessage message(int rid) {
    GdpMessage.Builder m = GdpMessage.newBuilder().setRid(rid);
    switch (kind) {
      case RECNO -> m.setCmd(MsgCode.CMD_READ_BY_RECNO).setCmdReadByRecno(repair == null
          ? CmdReadByRecno.newBuilder().setRecno(recno).setNrecs(count)
          : CmdReadByRecno.newBuilder().setRecno(repair.askFrom()).setNrecs(repair.askCount()));
      case TIMESTAMP -> {
        GdpTimestamp.Builder t = GdpTimestamp.newBuilder().setSec(ts.getEpochSecond());
        if (ts.getNano() != 0) {
          t.setNsec(ts.getNano());
        }
        m.setCmd(MsgCode.CMD_READ_BY_TS).setCmdReadByTs(CmdReadByTs.newBuilder().setTimestamp(t).setNrecs(count));
      }
      case HASH -> m.setCmd(MsgCode.CMD_READ_BY_HASH).setCmdReadByHash(CmdReadByHash.newBuilder().setHash(hash));
      default -> throw new IllegalStateException();
    }
    return m.build();
  }

  @Override
  void onResponse(GdpEnvelope env) {
    int code = env.cmd();
    if (code == MsgCode.ACK_CONTENT) {
      for (GdpDatum d : env.message().getAckContent().getDlOrBuilder().getDList()) {
        received.putIfAbsent(d.getRecno(), d);
        if (repair != null) {
          repair.counted(d.getRecno());
        }
      }
      if (singleton() || (count > 0 && received.size() >= count)) {
        done();
      }
      return;
    }
    if (code == MsgCode.ACK_END_OF_RESULTS) {
      if (received.isEmpty() && singleton()) {
        client.fail(this, GdpStatus.of(GdpStatus.Code.NOT_FOUND, "no record"));
      } else if (repair != null) {
        var eor = env.message().getAckEndOfResults();
        askAgainOrFinish(repair.onEnd(sorted, eor.hasNresults() ? eor.getNresults() : -1));
      } else {
        done();
      }
      return;
    }
    if (MsgCode.isNak(code)) {
      if (repair != null && repair.reasking()) {
        client.fail(this, repair.missing(nakStatus(env))); // the server has no record where it sent one before
      } else if (!received.isEmpty()) {
        // a NAK after some results (e.g. a damaged record): the answer ends there; holes before it are asked again
        askAgainOrFinish(repair == null ? null : repair.onNak(sorted, env.message().getNak().getRecno()));
      } else {
        client.fail(this, nakStatus(env));
      }
      return;
    }
    // other acks (e.g. an ACK_SUCCESS the .proto comment promises): ignore
  }

  /** Sends the next ask of a repair under a fresh rid (same deadline and slot), or completes. */
  private void askAgainOrFinish(GdpStatus failure) {
    if (failure != null) {
      client.fail(this, failure);
    } else if (repair != null && repair.reasking()) {
      client.detach(this); // late answers to the old rid are discarded
      rid = 0;
      client.submit(this);
    } else {
      done();
    }
  }

  private void done() {
    client.finish(this);
    List<GdpDatum> list = new ArrayList<>(received.values());
    if (count > 0 && list.size() > count) {
      list = list.subList(0, count);
    }
    result.complete(list);
  }

  @Override
  void onFailure(GdpStatus status) {
    result.completeExceptionally(status.asException());
  }
}
