package org.gdpstore.home;

import java.net.InetSocketAddress;

/** {@code HOST:PORT} of a GDP router ({@code [::1]:PORT} for IPv6), as the CLI's --router and the provider's router key take it. */
public final class RouterAddress {
  private RouterAddress() {}

  /**
   * An unresolved address.
   *
   * @throws IllegalArgumentException if {@code s} is not {@code HOST:PORT} with a port in 0..65535
   */
  public static InetSocketAddress parse(String s) {
    String host;
    String port;
    if (s.startsWith("[")) {
      int close = s.indexOf("]:");
      if (close < 0) {
        throw bad(s);
      }
      host = s.substring(1, close);
      port = s.substring(close + 2);
    } else {
      int colon = s.lastIndexOf(':');
      if (colon <= 0 || s.indexOf(':') != colon) {
        throw bad(s);
      }
      host = s.substring(0, colon);
      port = s.substring(colon + 1);
    }
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw bad(s);
    }
    if (p < 0 || p > 65535 || host.isBlank()) {
      throw bad(s);
    }
    return InetSocketAddress.createUnresolved(host, p);
  }

  private static IllegalArgumentException bad(String s) {
    return new IllegalArgumentException("'" + s + "': expected HOST:PORT, e.g. 127.0.0.1:8009");
  }

  /** {@code HOST:PORT} of an address ({@code [v6]:PORT}). */
  public static String format(InetSocketAddress a) {
    String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }
}
