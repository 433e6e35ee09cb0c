package org.gdpstore.bench;

import java.net.SocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.gdpstore.client.GdpClient;
import org.gdpstore.client.LogInfo;
import org.gdpstore.client.LogSpec;
import org.gdpstore.sim.FaultPlan;
import org.gdpstore.sim.GdpSimulator;
import org.gdpstore.wire.Ed25519Keys;

/**
 * An in-memory simulator reachable in-process and over loopback TCP, plus the clients a benchmark
 * opens on it; {@link #close()} closes them all. Clients complete their futures on the network
 * thread ({@link #DIRECT}) so that the figures measure the client and the server, not a hand-off
 * to a thread pool; the benchmark callbacks only count and release permits.
 */
final class SimStack implements AutoCloseable {
  static final Executor DIRECT = Runnable::run;

  final GdpSimulator sim;
  final Ed25519Keys keys;
  private final List<GdpClient> clients = new ArrayList<>();

  private SimStack(GdpSimulator sim) {
    this.sim = sim;
    this.keys = Ed25519Keys.generate(new SecureRandom(new byte[] {42}));
  }

  static SimStack start(FaultPlan faults) {
    return start(faults, false);
  }

  /** {@code packContent}: range reads answered with as many records per ACK_CONTENT as fit a PDU. */
  static SimStack start(FaultPlan faults, boolean packContent) {
    GdpSimulator.Builder b = GdpSimulator.builder().inProcess().loopbackTcp(0).packContent(packContent);
    if (faults != null) {
      b.faults(faults);
    }
    return new SimStack(b.start());
  }

  SocketAddress address(Transport transport) {
    return transport == Transport.tcp ? sim.tcpAddress() : sim.inProcessAddress();
  }

  GdpClient client(Transport transport, int maxInFlight) {
    return client(transport, maxInFlight, DIRECT);
  }

  /**
   * A client whose futures complete on {@code executor} (callers that block in callbacks need a
   * pool). Request timeout 60 s (resend after half), or {@code -Dbench.requestTimeoutSeconds=N}: a
   * short one turns a stalled request into an error that says why instead of a JMH timeout.
   */
  GdpClient client(Transport transport, int maxInFlight, Executor executor) {
    GdpClient c = GdpClient.builder()
        .router(address(transport))
        .creationService(sim.serverName())
        .maxInFlight(Math.max(1, maxInFlight))
        .requestTimeout(Duration.ofSeconds(Long.getLong("bench.requestTimeoutSeconds", 60)))
        .resendInterval(Duration.ofSeconds(Long.getLong("bench.requestTimeoutSeconds", 60) / 2))
        .callbackExecutor(executor)
        .build();
    clients.add(c);
    return c;
  }

  /** Creates a log, signed by {@link #keys} (the simulator then verifies every append) or unsigned. */
  LogInfo createLog(GdpClient client, String name, boolean signed) {
    LogSpec.Builder spec = LogSpec.builder().humanName(name);
    if (signed) {
      spec.writerKey(keys);
    }
    return client.createLog(spec.build());
  }

  /** Creates a hash-chained log signed by {@link #keys}. */
  LogInfo createChainedLog(GdpClient client, String name) {
    return client.createLog(LogSpec.builder().humanName(name).writerKey(keys).chained().build());
  }

  @Override
  public void close() {
    RuntimeException first = null;
    for (GdpClient c : clients) {
      try {
        c.close();
      } catch (RuntimeException e) {
        first = first == null ? e : first;
      }
    }
    clients.clear();
    sim.close();
    if (first != null) {
      throw first;
    }
  }
}
