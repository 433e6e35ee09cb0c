package org.gdpstore.cli;

/**
 * The GDP network a command talks to: an embedded durable simulator (no {@code --router}) or a
 * router. Placeholder until the simulator and log-client land.
 */
final class Backend implements AutoCloseable {
  /** Server name of the embedded simulator and the default of {@code sim serve} and --router. */
  static final String DEFAULT_SERVER_NAME = "gdpstore.sim";

  static Backend open(CliEnv env, Home home, String router, String serverName) {
    throw CliException.notAvailable("the GDP backend (simulator / log-client)");
  }

  @Override
  public void close() {}
}
