package org.gdpstore.client.internal;

import com.google.protobuf.ByteString;
import java.util.concurrent.CompletableFuture;
import org.gdpstore.client.GdpStatus;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.proto.CmdCreate;
import org.gdpstore.wire.proto.GdpMessage;
import org.gdpstore.wire.proto.GdpMetadata;

/**
 * CREATE (spec 3.5.1), sent to the creation service with the log name computed here. A CONFLICT
 * after a re-send may mean our first attempt succeeded and only its answer was lost: then the log
 * is opened, and if its metadata is ours the creation counts as done.
 */
final class CreateRequest extends Request {
  final CompletableFuture<Void> result = new CompletableFuture<>();
  final GdpName logName;
  private final LogMetadata metadata;

  CreateRequest(Outbound client, GdpName service, LogMetadata metadata) {
    super(client, service);
    this.metadata = metadata;
    this.logName = metadata.logName();
  }

  @Override
  GdpMessage message(int rid) {
    return GdpMessage.newBuilder().setCmd(MsgCode.CMD_CREATE).setRid(rid)
        .setCmdCreate(CmdCreate.newBuilder()
            .setMetadata(GdpMetadata.newBuilder().setData(ByteString.copyFrom(metadata.toBytes())))
            .setLogname(ByteString.copyFrom(logName.toBytes())))
        .build();
  }

  @Override
  void onResponse(GdpEnvelope env) {
    int code = env.cmd();
    if (MsgCode.isAck(code)) {
      client.finish(this);
      result.complete(null);
      return;
    }
    if (code == MsgCode.NAK_C_CONFLICT && sends > 1) {
      client.finish(this);
      OpenRequest check = new OpenRequest(client, logName, MsgCode.CMD_OPEN_RO);
      check.result.whenComplete((o, t) -> {
        if (t == null && o.metadata().equals(metadata)) {
          result.complete(null);
        } else {
          result.completeExceptionally(nakStatus(env).asException());
        }
      });
      client.submit(check);
      return;
    }
    client.fail(this, MsgCode.isNak(code) ? nakStatus(env)
        : GdpStatus.of(GdpStatus.Code.PROTOCOL_ERROR, "CREATE answered with " + MsgCode.name(code)));
  }

  @Override
  void onFailure(GdpStatus status) {
    result.completeExceptionally(status.asException());
  }
}
