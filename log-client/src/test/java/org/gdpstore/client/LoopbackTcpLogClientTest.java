package org.gdpstore.client;

import java.net.SocketAddress;
import org.gdpstore.sim.GdpSimulator;

/** The contract over the simulator's loopback TCP listener. */
class LoopbackTcpLogClientTest extends LogClientContractTest {
  @Override
  SocketAddress address(GdpSimulator sim) {
    return sim.tcpAddress();
  }
}
