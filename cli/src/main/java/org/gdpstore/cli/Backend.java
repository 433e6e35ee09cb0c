package org.gdpstore.cli;

import java.io.IOException;
import org.gdpstore.home.GdpHome;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;

/**
 * The GDP network one command talks to: an embedded durable simulator (no {@code --router}) or a
 * router. Owns its client (and simulator); {@link #close()} releases everything.
 */
interface Backend extends AutoCloseable {
  /** Server name of the embedded simulator and the default of {@code sim serve} and --router. */
  String DEFAULT_SERVER_NAME = org.gdpstore.sim.GdpSimulator.DEFAULT_SERVER_NAME;

  /** Opens a backend for the global options; the production factory is {@link GdpBackend#open}. */
  @FunctionalInterface
  interface Factory {
    Backend open(CliEnv env, GdpHome home, Options options);
  }

  /** The global options that choose and shape a backend. */
  record Options(String router, String serverName, boolean referenceServers) {
  }

  /** Creates a new, empty filesystem whose single writer is {@code writer}. */
  RemoteFs createFs(Ed25519Keys writer) throws IOException;

  /** Opens the filesystem rooted in log {@code root}; read-only if {@code writer} is null. */
  RemoteFs openFs(GdpName root, Ed25519Keys writer) throws IOException;

  /** Raw log operations. */
  RawLogs logs();

  @Override
  void close();
}
