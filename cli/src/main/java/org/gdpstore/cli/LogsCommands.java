package org.gdpstore.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gdpfs logs ...}: raw GDP logs, one record per line. */
@Command(name = "logs", description = "Raw GDP logs: create, append lines, read, follow.",
    subcommands = {LogsCommands.Create.class, LogsCommands.Append.class, LogsCommands.Read.class, LogsCommands.Tail.class})
final class LogsCommands {

  @Command(name = "create", description = "Create a log signed by your key and remember NAME as its alias.")
  static final class Create extends CliCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Alias for the new log.")
    String name;

    @Option(names = "--key", paramLabel = "KEY", defaultValue = Home.DEFAULT_KEY, description = "Writer key (default: ${DEFAULT-VALUE}).")
    String key;

    @Override
    int execute() throws Exception {
      throw CliException.notAvailable("logs create");
    }
  }

  @Command(name = "append", description = "Append one record per line of standard input.")
  static final class Append extends CliCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Log alias or 43-character log name.")
    String name;

    @Override
    int execute() throws Exception {
      throw CliException.notAvailable("logs append");
    }
  }

  @Command(name = "read", description = "Print records, one per line.")
  static final class Read extends CliCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Log alias or 43-character log name.")
    String name;

    @Option(names = "--from", paramLabel = "N", defaultValue = "1", description = "First record number (default ${DEFAULT-VALUE}; negative counts from the end).")
    long from;

    @Option(names = "--count", paramLabel = "K", description = "At most K records (default: to the end).")
    Long count;

    @Override
    int execute() throws Exception {
      throw CliException.notAvailable("logs read");
    }
  }

  @Command(name = "tail", description = "Print records as they are appended (subscription) until Ctrl-C.")
  static final class Tail extends CliCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Log alias or 43-character log name.")
    String name;

    @Option(names = "--from", paramLabel = "N", description = "Replay from record N first (default: only new records).")
    Long from;

    @Option(names = "--count", paramLabel = "K", description = "Stop after K records.")
    Long count;

    @Override
    int execute() throws Exception {
      throw CliException.notAvailable("logs tail");
    }
  }
}
