package org.gdpstore.client.internal;

import org.gdpstore.client.GdpClient;

/**
 * The one door from the API package into the implementation: starting a client and telling its
 * network thread apart. Together with the {@link ClientConfig} it is given, the only public type
 * here; everything else in this package is package-private.
 */
public final class Clients {
  private Clients() {}

  /** Starts a client; it connects in the background. */
  public static GdpClient start(ClientConfig config) {
    return new NettyGdpClient(config);
  }

  /** True on a client's network thread, where blocking calls would deadlock. */
  public static boolean onNetworkThread() {
    return Thread.currentThread() instanceof IoThread;
  }
}
