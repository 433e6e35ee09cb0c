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

/**
 * The router alone (router-only mode): advertise, withdraw, disconnect, NOROUTE, TTL, many
 * connections. Advertisements are processed asynchronously and never answered, so the tests wait
 * for a route by probing it, and use a PDU a client sends to itself as a barrier that proves
 * everything routed to it earlier has arrived.
 */
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

  private static Pdu regular(GdpName dst, GdpName src, int ttl, String tag) {
    PduHeader h = new PduHeader(PduType.REGULAR, 0, ttl, 0, 0, dst, src, null);
    // a valid GdpMessage, so Layer-5 clients accept it: CMD_PING with rid = length of the tag
    byte[] msg = {0x08, 0x40, 0x10, (byte) tag.length()};
    return new Pdu(h, Unpooled.wrappedBuffer(msg));
  }

  /**
   * Probes {@code name} from {@code from} until a probe reaches {@code owner}; a probe that meets
   * NOROUTE or lands at a bystander is sent again. Afterwards no stray probe is left anywhere.
   */
  private static void awaitRoute(TestClient from, GdpName name, TestClient owner, TestClient... bystanders) {
    for (int attempt = 0; attempt < 2000; attempt++) {
      from.sendPdu(regular(name, from.name, 15, "probe"));
      boolean resend = false;
      while (!resend) {
        if (owner.poll(2) != null) {
          barrier(from);
          for (TestClient b : bystanders) {
            barrier(b);
          }
          return;
        }
        TestClient.Received back = from.poll(2);
        resend = back != null && back.isNoRoute();
        for (TestClient b : bystanders) {
          resend |= b.poll(0) != null;
        }
      }
    }
    throw new AssertionError("no route to " + name);
  }

  /** Sends a PDU to oneself and discards everything that arrives before it. */
  private static void barrier(TestClient c) {
    c.sendPdu(regular(c.name, c.name, 15, "barrier"));
    while (true) {
      TestClient.Received r = c.next();
      if (!r.isNoRoute() && r.src().equals(c.name) && r.dst().equals(c.name)) {
        return;
      }
    }
  }

  @Test
  void forwardsByAdvertisedNameByteForByteWithTtlDecremented() {
    TestClient a = local("router-a");
    TestClient b = l4("router-b");
    awaitRoute(a, b.name, b);
    a.sendPdu(regular(b.name, a.name, 15, "hello"));
    TestClient.Received r = b.next();
    assertThat(r.type()).isEqualTo(PduType.REGULAR);
    assertThat(r.src()).isEqualTo(a.name);
    assertThat(r.dst()).isEqualTo(b.name);
    assertThat(r.header().ttl()).isEqualTo(14);
    assertThat(r.payload()).containsExactly(0x08, 0x40, 0x10, 5);
    barrier(a);
    assertThat(a.poll(0)).as("advertisements are never answered").isNull();
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
    awaitRoute(a, b.name, b);
    a.sendPdu(regular(b.name, a.name, 0, "dead"));
    a.sendPdu(regular(b.name, a.name, 1, "alive"));
    TestClient.Received r = b.next();
    assertThat(r.payload()[3]).as("the TTL-0 PDU never arrives").isEqualTo((byte) 5);
    assertThat(r.header().ttl()).isZero();
    barrier(b);
  }

  @Test
  void firstAdvertiserHoldsLaterOnesWaitAndWithdrawNeedsOwnership() {
    TestClient a = local("own-a");
    TestClient b = l4("own-b");
    TestClient c = l4("own-c");
    GdpName shared = GdpName.sha256("shared-name");
    b.sendPdu(Pdu.advertise(shared, b.name));
    awaitRoute(a, shared, b);
    c.sendPdu(Pdu.advertise(shared, c.name));
    barrier(c); // c's advertisement is processed: it waits, b keeps the name
    a.sendPdu(regular(shared, a.name, 15, "to-b"));
    assertThat(b.next().dst()).isEqualTo(shared);
    barrier(c);
    assertThat(c.poll(0)).isNull();
    // b withdraws: the name passes to c, the next claimant (no NOROUTE in between)
    b.sendPdu(Pdu.withdraw(shared, b.name));
    barrier(b); // processed after the withdraw (same connection)
    a.sendPdu(regular(shared, a.name, 15, "to-c"));
    assertThat(c.next().dst()).isEqualTo(shared);
    // a withdraw by a connection that does not hold the name changes nothing
    b.sendPdu(Pdu.withdraw(shared, b.name));
    barrier(b);
    a.sendPdu(regular(shared, a.name, 15, "to-c"));
    assertThat(c.next().dst()).isEqualTo(shared);
    // c withdraws: gone
    c.sendPdu(Pdu.withdraw(shared, c.name));
    barrier(c);
    a.sendPdu(regular(shared, a.name, 15, "3"));
    TestClient.Received r = a.next();
    assertThat(r.isNoRoute()).isTrue();
    assertThat(r.src()).isEqualTo(shared);
  }

  @Test
  void disconnectForgetsAllNamesOfTheConnection() {
    TestClient a = local("disc-a");
    TestClient b = l4("disc-b");
    GdpName extra = GdpName.sha256("disc-extra");
    b.sendPdu(Pdu.advertise(extra, b.name));
    awaitRoute(a, extra, b);
    int before = sim.routeCount();
    b.close();
    clients.remove(b);
    // probe until the router has processed the disconnect (until then probes go to the closed connection)
    TestClient.Received r = null;
    for (int i = 0; i < 2000 && r == null; i++) {
      a.sendPdu(regular(extra, a.name, 15, "x"));
      r = a.poll(5);
    }
    assertThat(r).isNotNull();
    assertThat(r.isNoRoute()).isTrue();
    assertThat(r.src()).isEqualTo(extra);
    barrier(a);
    assertThat(sim.routeCount()).isEqualTo(before - 2);
    a.sendPdu(regular(b.name, a.name, 15, "x"));
    TestClient.Received r2 = a.next();
    assertThat(r2.isNoRoute()).isTrue();
    assertThat(r2.src()).isEqualTo(b.name);
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
      awaitRoute(ring.get(i), ring.get((i + 1) % n).name, ring.get((i + 1) % n));
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
