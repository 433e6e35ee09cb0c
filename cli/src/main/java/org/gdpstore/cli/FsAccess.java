package org.gdpstore.cli;

import java.io.IOException;
import java.util.Optional;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;

/** Resolves the FS part of {@code gdp://FS/PATH} (alias or root log name) and opens it. */
final class FsAccess {
  private FsAccess() {}

  /** A resolved filesystem: its root log and the name of the writer key to use (may not exist). */
  record Target(GdpName root, String keyName) {}

  static Target resolve(Home home, String fs) throws IOException {
    Optional<Home.Alias> alias = home.alias(fs);
    if (alias.isPresent()) {
      if (alias.get().kind() != Home.Alias.Kind.FS) {
        throw CliException.usage("'" + fs + "' is a log alias, not a filesystem (use 'gdpfs logs ...' with it)");
      }
      return new Target(alias.get().log(), alias.get().key());
    }
    if (GdpName.isPrintableName(fs)) {
      return new Target(GdpName.parse(fs), Home.DEFAULT_KEY);
    }
    throw CliException.notFound("unknown filesystem '" + fs + "': not an alias in " + home.aliasesFile()
        + " nor a 43-character log name (create it with: gdpfs mkfs " + fs + ")");
  }

  /** Opens {@code fs}; with {@code write} the writer key must exist, else it is opened read-only. */
  static RemoteFs open(Backend backend, Home home, String fs, boolean write) throws IOException {
    Target t = resolve(home, fs);
    Ed25519Keys key = null;
    if (write) {
      if (!home.hasKey(t.keyName())) {
        throw CliException.key("cannot write to '" + fs + "': its writer key '" + t.keyName() + "' is not in "
            + home.keysDir());
      }
      key = home.loadKey(t.keyName());
    }
    return backend.openFs(t.root(), key);
  }
}
