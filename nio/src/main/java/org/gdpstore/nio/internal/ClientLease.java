package org.gdpstore.nio.internal;

import java.nio.file.FileSystemException;
import org.gdpstore.client.GdpClient;
import org.gdpstore.home.GdpHome;
import org.gdpstore.home.HomeConnection;
import org.gdpstore.home.HomeException;

/**
 * The GDP client one gdp filesystem talks through: the caller's client (stays the caller's), or
 * the connection the home library selects, as for the CLI (a router over TCP, or the home's
 * embedded durable store, shared by the filesystems of this JVM on the same home). Closing
 * releases what was opened for it.
 */
final class ClientLease implements AutoCloseable {
  private final GdpClient client;
  private final HomeConnection owned;

  private ClientLease(GdpClient client, HomeConnection owned) {
    this.client = client;
    this.owned = owned;
  }

  GdpClient client() {
    return client;
  }

  static ClientLease open(EnvOptions env, GdpHome home) throws FileSystemException {
    if (env.client() != null) {
      return new ClientLease(env.client(), null);
    }
    try {
      // a filesystem opened while a gdpfs command uses the embedded store fails at once (no wait)
      HomeConnection c = HomeConnection.open(home, new HomeConnection.Options(env.router(), env.serverName(),
          env.reference(), null, "gdp-nio-callback"));
      return new ClientLease(c.client(), c);
    } catch (HomeException e) {
      throw HomeErrors.map(e, env.router() != null ? env.router() : home.root().toString());
    }
  }

  @Override
  public void close() {
    if (owned != null) {
      owned.close();
    }
  }
}
