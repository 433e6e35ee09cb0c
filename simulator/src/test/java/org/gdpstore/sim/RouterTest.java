package org.gdpstore.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.Pdu;
import org.gdpstore.wire.PduHeader;
import org.gdpstore.wire.PduType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The router alone (router-only mode): advertise, withdraw, disconnect, NOROUTE, TTL, many connections. */
class RouterTest {
  GdpSimulator sim;
  final List<TestClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    sim = GdpSimulator.builder().inProcess().loopbackTcp(0).routerOnly().start();
  }

  @AfterEach
  void stop() {
    clients.forEach(TestClient::close);
    sim.close();
  }

  private TestClient local(String name) {
    TestClient c = TestClient.local(sim, name);
    clients.add(c);
    return c;
  }

  private TestClient l4(String name) {
    TestClient c = TestClient.framingOnly(sim, name);
    clients.add(c);
    return c;
  }

  private static Pdu regular(GdpName dst, GdpName src, int ttl, String payload) {
    PduHeader h = new PduHeader(PduType.REGULAR, 0, ttl, 0, 0, dst, src, null);
    // a valid GdpMessage, so Layer-5 clients accept it: CMD_PING with rid = length of the tag
    byte[] msg = {0x08, 0x40, 0x10, (byte) payload.length()};
    return new Pdu(h, Unpooled.wrappedBuffer(msg));
  }

  @Test
  void forwardsByAdvertisedNameByteForByteWithTtlDecremented() {
    TestClient a = local("router-a");
    TestClient b = l4("router-b");
    sendAfterRoute(a, b.name);
    a.sendPdu(regular(b.name, a.name, 15, "hello"));
    TestClient.Received r = b.next();
    assertThat(r.type()).isEqualTo(PduType.REGULAR);
    assertThat(r.src()).isEqualTo(a.name);
    assertThat(r.dst()).isEqualTo(b.name);
    assertThat(r.header().ttl()).isEqualTo(14);
    assertThat(r.payload()).containsExactly(0x08, 0x40, 0x10, 5);
    assertThat(a.quiet(50)).as("advertisements are never answered").isTrue();
  }

  /** Waits until the router knows {@code name} (advertisements are processed asynchronously). */
  private void sendAfterRoute(TestClient from, GdpName name) {
    for (int i = 0; i < 500; i++) {
      from.sendPdu(regular(name, from.name, 0, "")); // TTL 0: dropped if routable, NOROUTE if not
      if (from.quiet(20)) {
        return;
      }
    }
    throw new AssertionError("no route to " + name);
  }

  @Test
  void unknownDestinationGetsNoRouteFromThatName() {
    TestClient a = l4("noroute-a");
    GdpName nowhere = GdpName.sha256("nowhere");
    a.sendPdu(regular(nowhere, a.name, 15, "x"));
    TestClient.Received r = a.next();
    assertThat(r.type()).isEqualTo(PduType.NAK_NOROUTE);
    assertThat(r.src()).isEqualTo(nowhere);
    assertThat(r.dst()).isEqualTo(a.name);
    assertThat(r.payload()).isEmpty();
    assertThat(r.header().headerLength()).isEqualTo(76);
  }

  @Test
  void ttlZeroIsDroppedTtlOneDelivered() {
    TestClient a = local("ttl-a");
    TestClient b = l4("ttl-b");
    sendAfterRoute(a, b.name);
    a.sendPdu(regular(b.name, a.name, 0, "dead"));
    assertThat(b.quiet(100)).isTrue();
    a.sendPdu(regular(b.name, a.name, 1, "alive"));
    assertThat(b.next().header().ttl()).isZero();
  }

  @Test
  void lastAdvertiserWinsAndWithdrawNeedsOwnership() {
    TestClient a = local("own-a");
    TestClient b = l4("own-b");
    TestClient c = l4("own-c");
    GdpName shared = GdpName.sha256("shared-name");
    b.sendPdu(Pdu.advertise(shared, b.name));
    sendAfterRoute(a, shared);
    a.sendPdu(regular(shared, a.name, 15, "1"));
    assertThat(b.next().dst()).isEqualTo(shared);
    c.sendPdu(Pdu.advertise(shared, c.name));
    waitUntil(() -> routedTo(a, shared, c));
    b.drain(50); // PDUs routed to b before c's advertisement took effect
    // c now owns it; b's withdraw must not remove c's route
    b.sendPdu(Pdu.withdraw(shared, b.name));
    b.sendPdu(regular(a.name, b.name, 15, "after-withdraw")); // same connection: processed after the withdraw
    assertThat(a.next().src()).isEqualTo(b.name);
    a.sendPdu(regular(shared, a.name, 15, "to-c"));
    assertThat(c.next().dst()).isEqualTo(shared);
    assertThat(b.quiet(50)).isTrue();
    // c withdraws: gone
    c.sendPdu(Pdu.withdraw(shared, c.name));
    c.sendPdu(regular(a.name, c.name, 15, "after-withdraw"));
    assertThat(a.next().src()).isEqualTo(c.name);
    a.sendPdu(regular(shared, a.name, 15, "3"));
    TestClient.Received r = a.next();
    assertThat(r.isNoRoute()).isTrue();
    assertThat(r.src()).isEqualTo(shared);
  }

  private static boolean routedTo(TestClient from, GdpName dst, TestClient to) {
    from.sendPdu(regular(dst, from.name, 15, "2"));
    List<TestClient.Received> got = to.drain(30);
    from.drain(0);
    return !got.isEmpty() && got.get(0).dst().equals(dst);
  }

  private static void waitUntil(java.util.function.BooleanSupplier cond) {
    for (int i = 0; i < 200; i++) {
      if (cond.getAsBoolean()) {
        return;
      }
    }
    throw new AssertionError("condition never held");
  }

  @Test
  void disconnectForgetsAllNamesOfTheConnection() {
    TestClient a = local("disc-a");
    TestClient b = l4("disc-b");
    GdpName extra = GdpName.sha256("disc-extra");
    b.sendPdu(Pdu.advertise(extra, b.name));
    sendAfterRoute(a, extra);
    int before = sim.routeCount();
    b.close();
    clients.remove(b);
    waitUntil(() -> {
      a.sendPdu(regular(extra, a.name, 15, "x"));
      return a.drain(20).stream().anyMatch(r -> r.isNoRoute() && r.src().equals(extra));
    });
    assertThat(sim.routeCount()).isEqualTo(before - 2);
    a.sendPdu(regular(b.name, a.name, 15, "x"));
    assertThat(a.next().isNoRoute()).isTrue();
  }

  @Test
  void manyConnectionsInARingOverTcpAndLocal() {
    int n = 16;
    List<TestClient> ring = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      TestClient c = (i % 2 == 0) ? TestClient.tcp(sim, "ring-" + i) : TestClient.local(sim, "ring-" + i);
      clients.add(c);
      ring.add(c);
    }
    for (int i = 0; i < n; i++) {
      sendAfterRoute(ring.get(i), ring.get((i + 1) % n).name);
    }
    for (int i = 0; i < n; i++) {
      TestClient from = ring.get(i);
      from.sendPdu(regular(ring.get((i + 1) % n).name, from.name, 15, "r" + i));
    }
    for (int i = 0; i < n; i++) {
      TestClient.Received r = ring.get(i).next();
      assertThat(r.src()).isEqualTo(ring.get((i + n - 1) % n).name);
      assertThat(r.envelope().cmd()).isEqualTo(MsgCode.CMD_PING);
    }
  }
}
