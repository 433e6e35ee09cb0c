package org.gdpstore.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.Pdu;
import org.gdpstore.wire.PduHeader;
import org.gdpstore.wire.PduType;
import org.gdpstore.wire.proto.GdpMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routes that cannot be stolen (issue 11): a log's name stays with the log server whoever else
 * advertises it, a client's name stays with its first holder and comes back to it, and one
 * connection cannot fill the table.
 */
class RouteRulesTest {
  @TempDir
  Path dir;

  private static Pdu ping(GdpName dst, GdpName src) {
    PduHeader h = new PduHeader(PduType.REGULAR, 0, 15, 0, 0, dst, src, null);
    return new Pdu(h, Unpooled.wrappedBuffer(new byte[] {0x08, 0x40, 0x10, 1}));
  }

  /** Waits until the router has closed {@code c}'s connection. */
  private static boolean closedSoon(TestClient c) {
    return c.channel.closeFuture().awaitUninterruptibly(5_000);
  }

  @Test
  void aLogsNameCannotBeTakenFromTheLogServerEvenWhileItRestarts() {
    try (GdpSimulator sim = GdpSimulator.builder().inProcess().dataDir(dir).start();
         TestClient writer = TestClient.local(sim, "route-writer")) {
      LogMetadata md = Cmds.metadata("route-log");
      GdpName log = md.logName();
      assertThat(writer.call(sim.serverName(), Cmds.create(md)).getCmd()).isEqualTo(MsgCode.ACK_CREATED);
      assertThat(writer.call(log, Cmds.append(1, Cmds.datum(1, "one"))).getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);

      TestClient thief = TestClient.framingOnly(sim, "route-thief");
      // not waited for: the router may close the connection after the first one
      thief.channel.write(Pdu.advertise(log, thief.name));
      thief.channel.writeAndFlush(Pdu.advertise(sim.serverName(), thief.name));
      sleep(200); // the advertisements are handled (the router never answers them)
      GdpMessage ack = writer.call(log, Cmds.append(2, Cmds.datum(2, "two")));
      assertThat(ack.getCmd()).as("the log server still answers for its log").isEqualTo(MsgCode.ACK_SUCCESS);
      assertThat(closedSoon(thief)).as("the router closes a connection that advertises a log server's name").isTrue();
      thief.close();

      // while the log server is down its names stay reserved: NOROUTE, not a thief
      sim.crashLogServer();
      TestClient thief2 = TestClient.framingOnly(sim, "route-thief-2");
      thief2.sendPdu(Pdu.advertise(log, thief2.name));
      assertThat(closedSoon(thief2)).isTrue();
      thief2.close();
      writer.send(log, Cmds.append(3, Cmds.datum(3, "three")));
      assertThat(writer.next().isNoRoute()).isTrue();
      sim.restartLogServer();
      assertThat(writer.call(log, Cmds.append(4, Cmds.datum(3, "three"))).getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
      assertThat(sim.logs()).containsEntry(log, 3L);
    }
  }

  @Test
  void aClientsNameStaysWithItsFirstHolderAndIsRestoredWhenATakerLeaves() {
    try (GdpSimulator sim = GdpSimulator.builder().inProcess().routerOnly().start();
         TestClient owner = TestClient.framingOnly(sim, "route-owner");
         TestClient sender = TestClient.framingOnly(sim, "route-sender")) {
      // the owner is reachable
      sender.sendPdu(ping(owner.name, sender.name));
      assertThat(owner.next().dst()).isEqualTo(owner.name);
      TestClient taker = TestClient.framingOnly(sim, "route-taker");
      taker.sendPdu(Pdu.advertise(owner.name, taker.name));
      taker.sendPdu(ping(taker.name, taker.name)); // a barrier: the advertisement was processed before it
      assertThat(taker.next().dst()).isEqualTo(taker.name);
      sender.sendPdu(ping(owner.name, sender.name));
      assertThat(owner.next().dst()).as("still the first holder's").isEqualTo(owner.name);
      assertThat(taker.quiet(200)).isTrue();
      taker.close();
      sender.sendPdu(ping(owner.name, sender.name));
      TestClient.Received r = owner.next();
      assertThat(r.type()).as("no NOROUTE after the taker left").isEqualTo(PduType.REGULAR);
    }
  }

  @Test
  void aConnectionAdvertisingTooManyNamesIsClosedAndItsNamesForgotten() {
    try (GdpSimulator sim = GdpSimulator.builder().inProcess().routerOnly().maxAdvertisementsPerConnection(100).start();
         TestClient good = TestClient.framingOnly(sim, "flood-good")) {
      good.sendPdu(ping(good.name, good.name));
      good.next();
      int base = sim.routeCount();
      TestClient flood = TestClient.framingOnly(sim, "flood");
      for (int i = 0; i < 1_000 && flood.isActive(); i++) {
        flood.channel.write(Pdu.advertise(GdpName.sha256("flood-" + i), flood.name));
        if (i % 100 == 0) {
          flood.channel.flush();
        }
      }
      flood.channel.flush();
      assertThat(closedSoon(flood)).isTrue();
      flood.close();
      for (int i = 0; i < 200 && sim.routeCount() != base; i++) {
        sleep(10);
      }
      assertThat(sim.routeCount()).as("the flooder's names are gone").isEqualTo(base);
      good.sendPdu(ping(good.name, good.name));
      assertThat(good.next().dst()).isEqualTo(good.name);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
