package org.gdpstore.client.internal;

import org.gdpstore.client.GdpStatus;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.proto.GdpMessage;

/**
 * PING to a log (GDPSTORE servers only: the reference crashes on it): ACK if the server holds a
 * subscription of ours there, NAK 239 (LOST_SUBSCR) if it forgot them, e.g. after a restart.
 * Never re-sent: the next check asks again.
 */
final class PingRequest extends Request {
  private final Runnable onLost;

  PingRequest(Outbound client, GdpName log, Runnable onLost) {
    super(client, log);
    this.onLost = onLost;
  }

  @Override
  GdpMessage message(int rid) {
    return GdpMessage.newBuilder().setCmd(MsgCode.CMD_PING).setRid(rid).build();
  }

  @Override
  void onResponse(GdpEnvelope env) {
    client.finish(this);
    if (env.cmd() == MsgCode.NAK_S_LOST_SUBSCR) {
      onLost.run();
    }
  }

  @Override
  boolean resendable() {
    return false;
  }

  @Override
  boolean waitsForRoute() {
    return false; // NO_ROUTE already holds the subscriptions themselves
  }

  @Override
  void onFailure(GdpStatus status) {
    // nothing to do: a lost or unroutable PING says nothing about the subscriptions
  }
}
