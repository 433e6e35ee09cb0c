package org.gdpstore.sim.junit;

import static org.assertj.core.api.Assertions.assertThat;

import org.gdpstore.sim.GdpSimulator;
import org.gdpstore.wire.GdpName;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SimulatorExtension.class)
@SimulatorOptions(durable = true, serverName = "ext.test.gdplogd")
class SimulatorExtensionTest {
  static GdpSimulator fromBeforeAll;

  @BeforeAll
  static void before(GdpSimulator sim) {
    fromBeforeAll = sim;
  }

  @Test
  void injectsOneSimulatorPerClass(GdpSimulator sim) {
    assertThat(sim).isSameAs(fromBeforeAll);
    assertThat(sim.inProcessAddress()).isNotNull();
    assertThat(sim.tcpAddress()).isNotNull();
    assertThat(sim.tcpAddress().getAddress().isLoopbackAddress()).isTrue();
    assertThat(sim.dataDir()).isNotNull().exists();
    assertThat(sim.serverName()).isEqualTo(GdpName.sha256("ext.test.gdplogd"));
  }

  @Test
  void sameInstanceInAnotherTest(GdpSimulator sim) {
    assertThat(sim).isSameAs(fromBeforeAll);
    assertThat(sim.routeCount()).isGreaterThanOrEqualTo(2);
  }
}
