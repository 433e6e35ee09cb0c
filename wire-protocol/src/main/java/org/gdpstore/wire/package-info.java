/**
 * The GDP v2 wire protocol: Layer-4 PDUs ({@link org.gdpstore.wire.Pdu}, {@link org.gdpstore.wire.PduDecoder},
 * {@link org.gdpstore.wire.PduEncoder}), Layer-5 messages ({@link org.gdpstore.wire.GdpEnvelope},
 * {@link org.gdpstore.wire.GdpMessageCodec}), names, metadata, record digests and signatures.
 * Byte-compatible with libgdp/gdplogd 2.1.x; see {@code gdp-wire-protocol.md}.
 */
package org.gdpstore.wire;
