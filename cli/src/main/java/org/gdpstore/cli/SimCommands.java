package org.gdpstore.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gdpfs sim ...}: the GDP simulator. */
@Command(name = "sim", description = "Run the GDP simulator (router + log server).",
    subcommands = {SimCommands.Serve.class})
final class SimCommands {
  /** {@code gdpfs sim serve}: a standalone simulator in the foreground. */
  @Command(name = "serve", description = {
      "Run a GDP router and log server in the foreground until Ctrl-C / SIGTERM.",
      "Prints 'listening on HOST:PORT' once it accepts connections; point gdpfs --router (or the reference GDP tools) at it."})
  static final class Serve extends CliCommand {
    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8009",
        description = "Address to listen on (default ${DEFAULT-VALUE}; port 0 picks a free port).")
    String listen;

    @Option(names = "--data", paramLabel = "DIR", description = "Keep logs durably in DIR (default: in memory).")
    Path data;

    @Option(names = "--router-only", description = "Run only the router (for reference gdplogd servers and clients).")
    boolean routerOnly;

    @Override
    int execute() throws Exception {
      throw CliException.notAvailable("sim serve (the simulator)");
    }
  }
}
