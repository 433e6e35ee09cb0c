package org.gdpstore.client.internal;

import java.util.concurrent.CompletableFuture;
import org.gdpstore.client.GdpStatus;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.proto.CmdOpen;
import org.gdpstore.wire.proto.GdpMessage;

/**
 * OPEN_AO / OPEN_RO (spec 3.5.2): answered by ACK_SUCCESS with the server's record count and the
 * metadata. The metadata must hash to the log's name, or the answer is refused (INTEGRITY): the
 * writer key used for verification comes from it.
 */
final class OpenRequest extends Request {
  /** What OPEN returned. */
  record Opened(LogMetadata metadata, long recno) {}

  final CompletableFuture<Opened> result = new CompletableFuture<>();
  private final int cmd;
  /** A re-open probing whether a restarted log server is back: NO_ROUTE fails it (the caller retries). */
  private boolean probe;

  OpenRequest(Outbound client, GdpName log, int cmd) {
    super(client, log);
    this.cmd = cmd;
  }

  static OpenRequest probe(Outbound client, GdpName log, int cmd) {
    OpenRequest o = new OpenRequest(client, log, cmd);
    o.probe = true;
    return o;
  }

  @Override
  boolean waitsForRoute() {
    return !probe && super.waitsForRoute();
  }

  @Override
  GdpMessage message(int rid) {
    return GdpMessage.newBuilder().setCmd(cmd).setRid(rid).setCmdOpen(CmdOpen.getDefaultInstance()).build();
  }

  @Override
  void onResponse(GdpEnvelope env) {
    int code = env.cmd();
    if (MsgCode.isNak(code)) {
      client.fail(this, nakStatus(env));
      return;
    }
    if (!MsgCode.isAck(code) || code == MsgCode.ACK_CONTENT || code == MsgCode.ACK_END_OF_RESULTS) {
      client.fail(this, GdpStatus.of(GdpStatus.Code.PROTOCOL_ERROR, "OPEN answered with " + MsgCode.name(code)));
      return;
    }
    var ack = env.message().getAckSuccess();
    if (!ack.hasMetadata()) {
      client.fail(this, GdpStatus.of(GdpStatus.Code.PROTOCOL_ERROR, "OPEN of " + dst + " returned no metadata"));
      return;
    }
    LogMetadata md;
    try {
      md = LogMetadata.parse(ack.getMetadata().toByteArray());
    } catch (IllegalArgumentException e) {
      client.fail(this, GdpStatus.of(GdpStatus.Code.PROTOCOL_ERROR, "OPEN of " + dst + " returned bad metadata: "
          + e.getMessage()));
      return;
    }
    if (!md.logName().equals(dst)) {
      client.fail(this, GdpStatus.of(GdpStatus.Code.INTEGRITY, "the metadata returned for " + dst
          + " hashes to " + md.logName()));
      return;
    }
    client.finish(this);
    result.complete(new Opened(md, ack.getRecno()));
  }

  @Override
  void onFailure(GdpStatus status) {
    result.completeExceptionally(status.asException());
  }
}
