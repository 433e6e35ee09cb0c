package org.gdpstore.cli;

import java.io.IOException;
import java.util.Optional;
import org.gdpstore.home.GdpHome;
import org.gdpstore.home.HomeAlias;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;

/** Resolves the FS part of {@code gdp://FS/PATH} (alias or root log name) and opens it. */
final class FsAccess {
  private FsAccess() {}

  /** A resolved filesystem: its root log and the name of the writer key to use (may not exist). */
  record Target(GdpName root, String keyName) {}

  static Target resolve(GdpHome home, String fs) throws IOException {
    fs = bareName(fs);
    Optional<HomeAlias> target = home.resolveFs(fs);
    if (target.isPresent()) {
      return new Target(target.get().log(), target.get().key());
    }
    throw CliException.notFound("unknown filesystem '" + fs + "': not an alias in " + home.aliasesFile()
        + " nor a 43-character log name (create it with: gdpfs mkfs " + fs + ")");
  }

  /** {@code gdp://FS} or {@code gdp://FS/} as FS, so every command takes the form {@code ls} prints. */
  static String bareName(String fs) {
    if (!fs.startsWith(RemotePath.SCHEME)) {
      return fs;
    }
    String rest = fs.substring(RemotePath.SCHEME.length());
    return rest.endsWith("/") ? rest.substring(0, rest.length() - 1) : rest;
  }

  /** Opens {@code fs}; with {@code write} the writer key must exist, else it is opened read-only. */
  static RemoteFs open(Backend backend, GdpHome home, String fs, boolean write) throws IOException {
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
