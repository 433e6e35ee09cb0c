package org.gdpstore.cli;

/** The real backend on the simulator and log-client. Placeholder until they land. */
final class GdpBackend {
  private GdpBackend() {}

  static Backend open(CliEnv env, Home home, String router, String serverName) {
    if (router != null) {
      HostPort.parse("--router", router);
    }
    throw CliException.notAvailable("the GDP backend (simulator / log-client)");
  }
}
