package org.gdpstore.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class GdpSimulatorMainTest {
  @Test
  void parsesListenAddresses() {
    InetSocketAddress a = GdpSimulatorMain.parseAddress("127.0.0.1:8009");
    assertThat(a.getAddress().isLoopbackAddress()).isTrue();
    assertThat(a.getPort()).isEqualTo(8009);
    InetSocketAddress v6 = GdpSimulatorMain.parseAddress("[::1]:0");
    assertThat(v6.getAddress().isLoopbackAddress()).isTrue();
    assertThat(v6.getPort()).isZero();
    assertThat(GdpSimulatorMain.parseAddress(":7000").getAddress().isLoopbackAddress()).isTrue();
  }
}
