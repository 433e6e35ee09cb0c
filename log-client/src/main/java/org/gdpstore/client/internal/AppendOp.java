package org.gdpstore.client.internal;

import com.google.protobuf.ByteString;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.gdpstore.client.GdpStatus;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.proto.CmdAppend;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpDatumList;
import org.gdpstore.wire.proto.GdpMessage;

/**
 * One APPEND of one or more consecutive records (spec 3.5.4). The datums are numbered and signed
 * when the writer releases the op to the network (so that a re-synchronised writer can renumber
 * ops that never left); after that the op is re-sent byte-identically until it is resolved (or,
 * in renumbering mode, renumbered once another writer's record is proven at one of its numbers).
 */
final class AppendOp extends Request {
  /** One record to append: data (already copied) and timestamp. */
  record Item(ByteString data, Instant timestamp) {}

  final AppendPipeline log;
  final List<Item> items;
  final CompletableFuture<List<Long>> result = new CompletableFuture<>();
  List<GdpDatum> datums;
  /** Datums signed on the caller's thread with the predicted first record number (may be stale). */
  List<GdpDatum> presigned;
  long predictedFirst;
  /** Chained logs: the hash the presigned datums chain from, and the hash of the op's last record. */
  byte[] presignedPrev;
  byte[] lastHash;
  long firstRecno;
  /** Times this op was re-sent after a gap NAK with no predecessor in flight. */
  int gapRetries;
  /**
   * A packed APPEND: the callers' ops whose records it carries, in order (null for an op sent as
   * it was submitted). They are not in the client's table; they complete or fail with this op.
   */
  List<AppendOp> members;

  AppendOp(Outbound client, AppendPipeline log, List<Item> items) {
    super(client, log.name());
    this.log = log;
    this.items = items;
  }

  /** One APPEND carrying the records of {@code ops} (consecutive in submission order). */
  static AppendOp packed(Outbound client, AppendPipeline log, List<AppendOp> ops) {
    List<Item> all = new ArrayList<>();
    for (AppendOp op : ops) {
      all.addAll(op.items);
    }
    AppendOp p = new AppendOp(client, log, all);
    p.members = ops;
    return p;
  }

  /** Data bytes of this op's records. */
  long dataBytes() {
    long n = 0;
    for (Item it : items) {
      n += it.data().size();
    }
    return n;
  }

  long lastRecno() {
    return firstRecno + items.size() - 1;
  }

  List<Long> recnos() {
    List<Long> out = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      out.add(firstRecno + i);
    }
    return out;
  }

  @Override
  GdpMessage message(int rid) {
    return GdpMessage.newBuilder().setCmd(MsgCode.CMD_APPEND).setRid(rid)
        .setCmdAppend(CmdAppend.newBuilder().setDl(GdpDatumList.newBuilder().addAllD(datums))).build();
  }

  @Override
  void onResponse(GdpEnvelope env) {
    log.onResponse(this, env);
  }

  @Override
  void onNoRoute() {
    log.onNoRoute(this);
  }

  @Override
  void onFailure(GdpStatus status) {
    log.onFailed(this, status);
  }
}
