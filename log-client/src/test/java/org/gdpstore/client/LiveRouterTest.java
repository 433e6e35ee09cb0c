package org.gdpstore.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The client against a real GDP router and log server, e.g. the simulator in {@code --router-only}
 * mode with a reference gdplogd behind it. Skipped unless {@code -Dgdp.router=host:port} is given;
 * {@code -Dgdp.server=<human or printable name of the gdplogd>} says where CREATE goes and
 * {@code -Dgdp.mode=REFERENCE} (the default) or {@code GDPSTORE} the server's semantics:
 * <pre>
 * mvn -pl log-client -am verify -Dtest=LiveRouterTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dgdp.router=127.0.0.1:8009 -Dgdp.server=edu.example.my.gdplogd
 * </pre>
 */
@EnabledIfSystemProperty(named = "gdp.router", matches = ".+")
@Timeout(120)
class LiveRouterTest {
  @Test
  void createAppendReadAndSubscribe() throws Exception {
    String[] hostPort = System.getProperty("gdp.router").split(":");
    InetSocketAddress router = new InetSocketAddress(hostPort[0],
        hostPort.length > 1 ? Integer.parseInt(hostPort[1]) : GdpClient.DEFAULT_PORT);
    String server = System.getProperty("gdp.server");
    ServerMode mode = ServerMode.valueOf(System.getProperty("gdp.mode", "REFERENCE"));
    GdpClient.Builder b = GdpClient.builder().router(router).serverMode(mode).requestTimeout(Duration.ofSeconds(15));
    if (server != null) {
      b.creationService(GdpName.parseOrHash(server));
    }
    Ed25519Keys keys = Ed25519Keys.generate(new SecureRandom());
    try (GdpClient client = b.build()) {
      LogInfo info = client.createLog(LogSpec.builder().humanName("gdpstore.live." + System.nanoTime())
          .writerKey(keys).build());
      List<String> got = new CopyOnWriteArrayList<>();
      CountDownLatch all = new CountDownLatch(20);
      try (LogWriter w = client.openWriter(info.name(), keys)) {
        Subscription s = client.openReader(info.name()).subscribe(1, rec -> {
          got.add(new String(rec.dataBytes(), UTF_8));
          all.countDown();
        });
        List<byte[]> batch = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          batch.add(("live " + i).getBytes(UTF_8));
        }
        assertThat(w.appendBatch(batch)).hasSize(20).last().isEqualTo(20L);
        assertThat(w.readRange(1, 20)).allSatisfy(r -> assertThat(r.verified()).isTrue()).hasSize(20);
        assertThat(new String(w.read(-1).dataBytes(), UTF_8)).isEqualTo("live 19");
        assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(got).hasSize(20).first().isEqualTo("live 0");
        s.close();
      }
    }
  }
}
