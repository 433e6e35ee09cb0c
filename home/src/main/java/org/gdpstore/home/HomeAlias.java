package org.gdpstore.home;

import java.util.Locale;
import org.gdpstore.wire.GdpName;

/**
 * A short name in {@code aliases.properties}: {@code NAME = fs|log LOG-NAME KEY}, a filesystem
 * (its root directory log) or a raw log, and the name of its writer key in the home.
 */
public record HomeAlias(String name, Kind kind, GdpName log, String key) {
  /** What the alias names. */
  public enum Kind { FS, LOG }

  /** The value as stored: {@code fs|log LOG-NAME KEY}. */
  public String encode() {
    return kind.name().toLowerCase(Locale.ROOT) + " " + log.printable() + " " + key;
  }

  static HomeAlias decode(String name, String value) throws HomeException {
    String[] p = value.trim().split("\\s+");
    try {
      if (p.length == 3) {
        return new HomeAlias(name, Kind.valueOf(p[0].toUpperCase(Locale.ROOT)), GdpName.parse(p[1]), p[2]);
      }
    } catch (IllegalArgumentException e) {
      // falls through to the one-line error
    }
    throw new HomeException(HomeException.Reason.MALFORMED,
        "malformed alias '" + name + "' in aliases.properties: " + value);
  }
}
