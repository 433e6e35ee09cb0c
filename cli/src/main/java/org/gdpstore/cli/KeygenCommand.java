package org.gdpstore.cli;

import java.security.SecureRandom;
import java.util.HexFormat;
import org.gdpstore.home.GdpHome;
import org.gdpstore.wire.Ed25519Keys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gdpfs keygen [NAME] [--force]}: a new Ed25519 writer key in {@code $GDPSTORE_HOME/keys}. */
@Command(name = "keygen", description = {
    "Create an Ed25519 writer key in $GDPSTORE_HOME/keys (private key readable by you only).",
    "The key 'default' is created automatically on first write; use --key NAME on mkfs or 'logs create' to pick another."})
final class KeygenCommand extends CliCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", defaultValue = GdpHome.DEFAULT_KEY,
      description = "Key name (default: ${DEFAULT-VALUE}).")
  String name;

  @Option(names = "--force", description = "Replace an existing key of that name (logs it signed become read-only for you).")
  boolean force;

  @Override
  int execute() throws Exception {
    GdpHome home = home();
    Ed25519Keys keys = home.generateKey(name, force, new SecureRandom());
    env().out().println("key " + name + ": " + home.keyFile(name));
    env().out().println("public key (Ed25519, hex): " + HexFormat.of().formatHex(keys.publicKey()));
    return ExitCodes.OK;
  }
}
