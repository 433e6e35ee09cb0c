package org.gdpstore.home;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.gdpstore.sim.GdpSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Router selection and the embedded store: shared in one JVM, refused with a reason when busy or unreachable. */
class HomeConnectionTest {
  @TempDir
  Path tmp;

  private static HomeConnection.Options embedded() {
    return new HomeConnection.Options(null, null, false, Duration.ZERO, "test-callback");
  }

  @Test
  void connectionsOfOneJvmShareTheEmbeddedStoreUntilTheLastCloses() throws Exception {
    GdpHome home = GdpHome.at(tmp.resolve("home"));
    try (HomeConnection a = HomeConnection.open(home, embedded())) {
      try (HomeConnection b = HomeConnection.open(home, embedded())) {
        assertThat(a.isEmbedded()).isTrue();
        assertThat(b.client()).isNotSameAs(a.client());
      }
      // a still works after b closed: the simulator is shared, not stopped
      a.client().createLog(org.gdpstore.client.LogSpec.builder().build());
    }
    // the last close released the directory: a simulator can serve it now
    try (GdpSimulator s = GdpSimulator.builder().dataDir(home.simDir()).start()) {
      assertThat(s).isNotNull();
      assertThatThrownBy(() -> HomeConnection.open(home, embedded()))
          .isInstanceOfSatisfying(HomeException.class, e -> {
            assertThat(e.reason()).isEqualTo(HomeException.Reason.BUSY);
            assertThat(e).hasMessageContaining("in use by process " + ProcessHandle.current().pid());
          });
    }
    HomeConnection.open(home, embedded()).close(); // a failed open left nothing held
  }

  @Test
  void anUnreachableRouterIsSaidAtOnce() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    GdpHome home = GdpHome.at(tmp);
    assertThatThrownBy(() -> HomeConnection.open(home,
        new HomeConnection.Options("127.0.0.1:" + port, null, false, null, null)))
        .isInstanceOfSatisfying(HomeException.class, e -> {
          assertThat(e.reason()).isEqualTo(HomeException.Reason.UNREACHABLE);
          assertThat(e).hasMessageContaining("cannot reach the GDP router at 127.0.0.1:" + port);
        });
    assertThatThrownBy(() -> HomeConnection.open(home, new HomeConnection.Options("nocolon", null, false, null, null)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected HOST:PORT");
  }

  @Test
  void aRouterConnectionReachesTheSimulatorBehindIt() throws Exception {
    try (GdpSimulator sim = GdpSimulator.builder().loopbackTcp(0).start()) {
      String router = RouterAddress.format(sim.tcpAddress());
      try (HomeConnection c = HomeConnection.open(GdpHome.at(tmp),
          new HomeConnection.Options(router, null, false, null, null))) {
        assertThat(c.isEmbedded()).isFalse();
        assertThat(c.client().createLog(org.gdpstore.client.LogSpec.builder().build())).isNotNull();
      }
    }
  }
}
