package org.gdpstore.client.internal;

import java.util.concurrent.CompletableFuture;
import org.gdpstore.client.GdpStatus;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.proto.GdpMessage;

/**
 * DELETE of a log (spec 3.5.10, no body): ACK_DELETED, then the server withdraws the log. A
 * re-send answered NOT_FOUND or NO_ROUTE means an earlier send deleted it and only its answer was
 * lost, so it counts as done. The reference gdplogd answers 225 (NOT_IMPLEMENTED).
 */
final class DeleteRequest extends Request {
  final CompletableFuture<Void> result = new CompletableFuture<>();

  DeleteRequest(Outbound client, GdpName log) {
    super(client, log);
  }

  @Override
  GdpMessage message(int rid) {
    return GdpMessage.newBuilder().setCmd(MsgCode.CMD_DELETE).setRid(rid).build();
  }

  @Override
  boolean waitsForRoute() {
    return false; // no route: the log is gone (or its server is); the caller decides
  }

  @Override
  void onNoRoute() {
    if (sends > 1) {
      client.finish(this);
      result.complete(null);
      return;
    }
    super.onNoRoute();
  }

  @Override
  void onResponse(GdpEnvelope env) {
    int code = env.cmd();
    if (code == MsgCode.ACK_DELETED || MsgCode.isAck(code) && code != MsgCode.ACK_CONTENT) {
      client.finish(this);
      result.complete(null);
      return;
    }
    if (code == MsgCode.NAK_C_NOTFOUND && sends > 1) {
      client.finish(this);
      result.complete(null);
      return;
    }
    client.fail(this, MsgCode.isNak(code) ? nakStatus(env)
        : GdpStatus.of(GdpStatus.Code.PROTOCOL_ERROR, "DELETE answered with " + MsgCode.name(code)));
  }

  @Override
  void onFailure(GdpStatus status) {
    result.completeExceptionally(status.asException());
  }
}
