package org.gdpstore.sim.internal;

import org.gdpstore.wire.EpStat;
import org.gdpstore.wire.proto.AckSuccess;
import org.gdpstore.wire.proto.GdpMessage;
import org.gdpstore.wire.proto.NakGeneric;

/** Builders of response messages; every response copies the command's rid (and l5seqno) when non-zero. */
public final class Replies {
  private Replies() {}

  /** A response skeleton with the command's rid and l5seqno. */
  public static GdpMessage.Builder to(GdpMessage cmd, int code) {
    GdpMessage.Builder b = GdpMessage.newBuilder().setCmd(code);
    if (cmd.getRid() != 0) {
      b.setRid(cmd.getRid());
    }
    if (cmd.getL5Seqno() != 0) {
      b.setL5Seqno(cmd.getL5Seqno());
    }
    return b;
  }

  /** A NAK with ep_stat and description, and recno when {@code recno >= 0}. */
  public static GdpMessage nak(GdpMessage cmd, int code, EpStat stat, String description, long recno) {
    NakGeneric.Builder n = NakGeneric.newBuilder().setEpStat(stat.value());
    if (description != null) {
      n.setDescription(description);
    }
    if (recno >= 0) {
      n.setRecno(recno);
    }
    return to(cmd, code).setNak(n).build();
  }

  /** An ACK with an empty ack_success body. */
  public static GdpMessage ack(GdpMessage cmd, int code) {
    return to(cmd, code).setAckSuccess(AckSuccess.getDefaultInstance()).build();
  }
}
