package org.gdpstore.client;

import java.net.SocketAddress;
import org.gdpstore.sim.GdpSimulator;

/** The contract over the simulator's in-process (LocalChannel) listener. */
class InProcessLogClientTest extends LogClientContractTest {
  @Override
  SocketAddress address(GdpSimulator sim) {
    return sim.inProcessAddress();
  }
}
