package org.gdpstore.wire;

import io.netty.channel.ChannelPipeline;

/** The one place that installs the GDP codec handlers, so client, router and log server agree. */
public final class GdpPipeline {
  /** Handler names, for code that inserts handlers relative to them. */
  public static final String PDU_DECODER = "gdp-pdu-decoder";
  /** Name of the {@link PduEncoder}. */
  public static final String PDU_ENCODER = "gdp-pdu-encoder";
  /** Name of the {@link GdpMessageCodec}. */
  public static final String MESSAGE_CODEC = "gdp-message-codec";

  private GdpPipeline() {}

  /** Layer 4 only: the pipeline reads and writes {@link Pdu}s (what a router needs). */
  public static ChannelPipeline configureFraming(ChannelPipeline p, WireLimits limits) {
    p.addLast(PDU_DECODER, new PduDecoder(limits));
    p.addLast(PDU_ENCODER, PduEncoder.INSTANCE);
    return p;
  }

  /**
   * Layers 4 and 5: the pipeline reads {@link GdpEnvelope}s for REGULAR PDUs and {@link Pdu}s for
   * the others, and writes either.
   */
  public static ChannelPipeline configure(ChannelPipeline p, WireLimits limits) {
    configureFraming(p, limits);
    p.addLast(MESSAGE_CODEC, GdpMessageCodec.INSTANCE);
    return p;
  }
}
