package org.gdpstore.wire;

import java.util.Objects;
import org.gdpstore.wire.proto.GdpMessage;

/**
 * A decoded REGULAR PDU: its addressing plus the Layer-5 message. This is the unit the log client
 * and the simulator's log server handle.
 *
 * @param dst destination name
 * @param src source name
 * @param message the protobuf message (immutable)
 */
public record GdpEnvelope(GdpName dst, GdpName src, GdpMessage message) {
  public GdpEnvelope {
    Objects.requireNonNull(dst, "dst");
    Objects.requireNonNull(src, "src");
    Objects.requireNonNull(message, "message");
  }

  /** The message code. */
  public int cmd() {
    return message.getCmd();
  }

  /** The request id, 0 when absent. */
  public int rid() {
    return message.getRid();
  }

  /** An envelope going back to the sender of this one: {@code src} and {@code dst} swapped. */
  public GdpEnvelope reply(GdpMessage response) {
    return new GdpEnvelope(src, dst, response);
  }

  @Override
  public String toString() {
    return "GdpEnvelope[" + MsgCode.name(cmd()) + " rid=" + rid() + " " + src + " -> " + dst + "]";
  }
}
