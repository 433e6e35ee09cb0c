package org.gdpstore.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.gdpstore.sim.GdpSimulator;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.LogMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Hash-chained logs end to end over TCP: prevhash links, one signature per APPEND, verified reads. */
@Timeout(120)
class ChainedLogTest {
  final Ed25519Keys keys = Ed25519Keys.fromSeed(new byte[32]);

  @Test
  void batchesAreLinkedSignedOnceAndReadVerified() throws Exception {
    try (GdpSimulator sim = GdpSimulator.builder().inProcess().loopbackTcp(0).start();
         GdpClient c = GdpClient.builder().router(sim.tcpAddress()).creationService(sim.serverName())
             .requestTimeout(Duration.ofSeconds(20)).build()) {
      LogInfo info = c.createLog(LogSpec.builder().humanName("chain").writerKey(keys).chained().build());
      assertThat(info.metadata().chained()).isTrue();
      assertThat(info.metadata().find(LogMetadata.CHN)).isPresent();
      try (LogWriter w = c.openWriter(info.name(), keys)) {
        assertThat(w.appendBatch(List.of(b("a"), b("b"), b("c")))).containsExactly(1L, 2L, 3L);
        assertThat(w.append(b("d"))).isEqualTo(4);
      }
      // a new writer continues the chain from the stored tail
      try (LogWriter w = c.openWriter(info.name(), keys)) {
        assertThat(w.appendBatch(List.of(b("e"), b("f")))).containsExactly(5L, 6L);
      }
      try (LogReader r = c.openReader(info.name())) {
        List<LogRecord> all = r.readRange(1, 10);
        assertThat(all).extracting(LogRecord::recno).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(all).allMatch(LogRecord::verified);
        assertThat(all).extracting(x -> new String(x.dataBytes(), UTF_8)).containsExactly("a", "b", "c", "d", "e", "f");
        // only the last datum of each APPEND carries a signature
        assertThat(all).extracting(x -> x.signatureBytes().length).containsExactly(0, 0, 64, 64, 0, 64);
        // a range ending mid-batch reads on to the batch's signed record, and returns what was asked
        assertThat(r.readRange(1, 2)).extracting(LogRecord::recno).containsExactly(1L, 2L);
        assertThat(r.readRange(2, 1)).allMatch(LogRecord::verified);
        assertThat(new String(r.read(5).dataBytes(), UTF_8)).isEqualTo("e");
        assertThat(r.read(5).verified()).isTrue();

        // a subscription from mid-batch delivers each batch once its signed record verified
        java.util.concurrent.BlockingQueue<LogRecord> got = new java.util.concurrent.LinkedBlockingQueue<>();
        Subscription s = r.subscribe(2, got::add);
        try (LogWriter w = c.openWriter(info.name(), keys)) {
          w.appendBatch(List.of(b("g"), b("h"), b("i")));
        }
        List<Long> seen = new java.util.ArrayList<>();
        while (seen.size() < 8) {
          LogRecord rec = got.poll(20, java.util.concurrent.TimeUnit.SECONDS);
          assertThat(rec).as("record after %s", seen).isNotNull();
          assertThat(rec.verified()).isTrue();
          seen.add(rec.recno());
        }
        assertThat(seen).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        s.close();
      }
    }
  }

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }
}
