package org.gdpstore.sim.internal;

import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.proto.GdpMessage;

/** What the log service sends, free of Netty types; {@link LogServer} turns each into a PDU. */
sealed interface Outgoing {
  /** A response or notification as a message. */
  record Message(GdpEnvelope envelope) implements Outgoing {}

  /** A one-record ACK_CONTENT answering {@code command}, to be written from the record's stored bytes. */
  record Content(GdpName to, GdpName from, GdpMessage command, byte[] datum) implements Outgoing {}

  /** The log server now holds {@code name}. */
  record Advertise(GdpName name) implements Outgoing {}

  /** The log server no longer holds {@code name}. */
  record Withdraw(GdpName name) implements Outgoing {}
}
