package org.gdpstore.cli;

import java.net.InetSocketAddress;

/** Parses {@code HOST:PORT} (IPv6 as {@code [::1]:PORT}) for --router and --listen. */
final class HostPort {
  private HostPort() {}

  /** An unresolved address; a malformed one is a usage error naming the option. */
  static InetSocketAddress parse(String option, String s) {
    String host;
    String port;
    if (s.startsWith("[")) {
      int close = s.indexOf("]:");
      if (close < 0) {
        throw bad(option, s);
      }
      host = s.substring(1, close);
      port = s.substring(close + 2);
    } else {
      int colon = s.lastIndexOf(':');
      if (colon <= 0 || s.indexOf(':') != colon) {
        throw bad(option, s);
      }
      host = s.substring(0, colon);
      port = s.substring(colon + 1);
    }
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw bad(option, s);
    }
    if (p < 0 || p > 65535 || host.isBlank()) {
      throw bad(option, s);
    }
    return InetSocketAddress.createUnresolved(host, p);
  }

  private static CliException bad(String option, String s) {
    return CliException.usage("bad " + option + " '" + s + "': expected HOST:PORT, e.g. 127.0.0.1:8009");
  }

  static String format(InetSocketAddress a) {
    String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }
}
