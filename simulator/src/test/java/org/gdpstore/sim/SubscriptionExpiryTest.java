package org.gdpstore.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.proto.GdpMessage;
import org.junit.jupiter.api.Test;

/**
 * Subscriptions live for the subscription timeout after their last SUBSCRIBE, as the reference
 * gdplogd's do (spec 3.5.7): deliveries do not extend them, a refresh (the same SUBSCRIBE again)
 * does, and an expired one ends silently, without cmd 191.
 */
class SubscriptionExpiryTest {
  /** Long enough that a loaded machine does not expire a subscription the test keeps refreshing. */
  private static final Duration TIMEOUT = Duration.ofSeconds(1);

  private static GdpName createLog(GdpSimulator sim, TestClient c, String xid) {
    LogMetadata md = Cmds.metadata(xid);
    assertThat(c.call(sim.serverName(), Cmds.create(md)).getCmd()).isEqualTo(MsgCode.ACK_CREATED);
    return md.logName();
  }

  @Test
  void aSubscriptionThatIsNotRefreshedEndsSilentlyAtTheTimeoutThoughRecordsFlow() throws Exception {
    try (GdpSimulator sim = GdpSimulator.builder().inProcess().subscriptionTimeout(TIMEOUT).start();
         TestClient w = TestClient.local(sim, "expiry-writer"); TestClient r = TestClient.local(sim, "expiry-reader")) {
      GdpName log = createLog(sim, w, "expiry");
      r.send(log, Cmds.subscribe(7, 0L, null));
      assertThat(r.nextEnvelope().message().getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
      long subscribed = System.nanoTime();
      // records keep flowing: deliveries do not extend the subscription
      long recno = 0;
      while (System.nanoTime() - subscribed < TIMEOUT.toNanos() / 4) {
        w.call(log, Cmds.append(0, Cmds.datum(++recno, "live")));
        GdpMessage m = r.nextEnvelope().message();
        assertThat(m.getCmd()).isEqualTo(MsgCode.ACK_CONTENT);
        assertThat(Cmds.recno(m)).isEqualTo(recno);
        Thread.sleep(20);
      }
      Thread.sleep(TIMEOUT.toMillis() + 200);
      w.call(log, Cmds.append(0, Cmds.datum(++recno, "after the timeout")));
      assertThat(r.quiet(200)).as("no delivery and no end-of-results after expiry").isTrue();
    }
  }

  @Test
  void refreshingKeepsItAliveAndTheRefreshReplaysFromItsStart() throws Exception {
    try (GdpSimulator sim = GdpSimulator.builder().inProcess().loopbackTcp(0).subscriptionTimeout(TIMEOUT).start();
         TestClient w = TestClient.local(sim, "refresh-writer"); TestClient r = TestClient.tcp(sim, "refresh-reader")) {
      GdpName log = createLog(sim, w, "refresh");
      r.send(log, Cmds.subscribe(8, 0L, null));
      assertThat(r.nextEnvelope().message().getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
      long recno = 0;
      for (int i = 0; i < 10; i++) { // 10 x 150 ms: well past the timeout
        w.call(log, Cmds.append(0, Cmds.datum(++recno, "r")));
        assertThat(Cmds.recno(r.nextEnvelope().message())).isEqualTo(recno);
        Thread.sleep(150);
        r.send(log, Cmds.subscribe(8, recno + 1, null)); // the reference client's refresh
        assertThat(r.nextEnvelope().message().getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
      }
      w.call(log, Cmds.append(0, Cmds.datum(++recno, "still live")));
      GdpMessage m = r.nextEnvelope().message();
      assertThat(m.getRid()).isEqualTo(8);
      assertThat(Cmds.recno(m)).isEqualTo(recno);
      assertThat(r.quiet(100)).as("one subscription, not one per refresh").isTrue();
    }
  }

  @Test
  void zeroMeansSubscriptionsNeverExpire() throws Exception {
    try (GdpSimulator sim = GdpSimulator.builder().inProcess().subscriptionTimeout(Duration.ZERO).start();
         TestClient w = TestClient.local(sim, "forever-writer"); TestClient r = TestClient.local(sim, "forever-reader")) {
      GdpName log = createLog(sim, w, "forever");
      r.send(log, Cmds.subscribe(9, 0L, null));
      assertThat(r.nextEnvelope().message().getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
      Thread.sleep(300);
      w.call(log, Cmds.append(0, Cmds.datum(1, "late")));
      assertThat(Cmds.recno(r.nextEnvelope().message())).isEqualTo(1);
    }
  }

  @Test
  void theDefaultIsTheReferences180SecondsAndNegativeIsRejected() {
    assertThat(GdpSimulator.DEFAULT_SUBSCRIPTION_TIMEOUT).isEqualTo(Duration.ofSeconds(180));
    assertThatThrownBy(() -> GdpSimulator.builder().subscriptionTimeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("subscriptionTimeout");
  }
}
