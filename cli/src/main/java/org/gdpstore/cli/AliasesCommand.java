package org.gdpstore.cli;

import org.gdpstore.home.HomeAlias;
import picocli.CommandLine.Command;

/** {@code gdpfs aliases}: lists the filesystem and log aliases of this home. */
@Command(name = "aliases", description = "List the filesystem and log aliases in $GDPSTORE_HOME/aliases.properties.")
final class AliasesCommand extends CliCommand {
  @Override
  int execute() throws Exception {
    var all = home().aliases();
    if (all.isEmpty()) {
      env().err().println("gdpfs: no aliases yet (mkfs and 'logs create' add them)");
    }
    for (HomeAlias a : all.values()) {
      env().out().printf("%-20s %-4s %s  key=%s%n", a.name(), a.kind().name().toLowerCase(java.util.Locale.ROOT),
          a.log().printable(), a.key());
    }
    return ExitCodes.OK;
  }
}
