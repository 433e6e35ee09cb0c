package org.gdpstore.cli;

import java.net.InetSocketAddress;
import org.gdpstore.home.RouterAddress;

/** {@code HOST:PORT} (IPv6 as {@code [::1]:PORT}) for --router and --listen, as usage errors naming the option. */
final class HostPort {
  private HostPort() {}

  /** An unresolved address; a malformed one is a usage error naming the option. */
  static InetSocketAddress parse(String option, String s) {
    try {
      return RouterAddress.parse(s);
    } catch (IllegalArgumentException e) {
      throw CliException.usage("bad " + option + " " + e.getMessage());
    }
  }

  /** Resolves the host now; an unknown host is an unreachable-router error. */
  static InetSocketAddress resolve(InetSocketAddress unresolved) {
    InetSocketAddress a = new InetSocketAddress(unresolved.getHostString(), unresolved.getPort());
    if (a.isUnresolved()) {
      throw CliException.unreachable("cannot resolve host '" + unresolved.getHostString() + "'", null);
    }
    return a;
  }

  static String format(InetSocketAddress a) {
    return RouterAddress.format(a);
  }
}
