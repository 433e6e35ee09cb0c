package org.gdpstore.client;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.GdpPipeline;
import org.gdpstore.wire.WireLimits;

/** The captured reference session (tests' resources/golden): its REGULAR PDUs, decoded by the wire codec. */
final class GoldenSession {
  /** One captured message and which way it went. */
  record Captured(boolean fromRouter, GdpEnvelope envelope) {}

  private GoldenSession() {}

  static List<Captured> load(String resource) throws IOException {
    String text;
    try (InputStream in = GoldenSession.class.getResourceAsStream("/golden/" + resource)) {
      if (in == null) {
        throw new IOException("missing resource golden/" + resource);
      }
      text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
    List<Captured> out = new ArrayList<>();
    String[] blocks = text.split("\n=== PDU ");
    for (String b : blocks) {
      int raw = b.indexOf("raw (");
      if (raw < 0) {
        continue;
      }
      boolean fromRouter = b.substring(0, b.indexOf('\n')).contains("from-router");
      StringBuilder hex = new StringBuilder();
      for (String line : b.substring(b.indexOf('\n', raw) + 1).split("\n")) {
        if (!line.matches("([0-9a-f]{2} ?)+")) {
          break;
        }
        hex.append(line.replace(" ", ""));
      }
      byte[] bytes = HexFormat.of().parseHex(hex);
      EmbeddedChannel ch = new EmbeddedChannel();
      GdpPipeline.configure(ch.pipeline(), WireLimits.DEFAULT);
      ch.writeInbound(Unpooled.wrappedBuffer(bytes));
      Object msg = ch.readInbound();
      if (msg instanceof GdpEnvelope env) {
        out.add(new Captured(fromRouter, env));
      } else {
        io.netty.util.ReferenceCountUtil.release(msg);
      }
      ch.finishAndReleaseAll();
    }
    return out;
  }
}
