package org.gdpstore.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code gdpfs kv put|get|del|scan}: the key-value store of a filesystem. */
@Command(name = "kv", description = "Key-value pairs stored in a filesystem.",
    subcommands = {KvCommands.Put.class, KvCommands.Get.class, KvCommands.Del.class, KvCommands.Scan.class})
final class KvCommands {

  @Command(name = "put", description = "Set KEY to VALUE (or to standard input if VALUE is absent).")
  static final class Put extends CliCommand {
    @Parameters(index = "0", paramLabel = "FS")
    String fs;

    @Parameters(index = "1", paramLabel = "KEY")
    String key;

    @Parameters(index = "2", arity = "0..1", paramLabel = "VALUE")
    String value;

    @Override
    int execute() throws Exception {
      throw CliException.notAvailable(FsCommands.NOT_READY);
    }
  }

  @Command(name = "get", description = "Print the value of KEY.")
  static final class Get extends CliCommand {
    @Parameters(index = "0", paramLabel = "FS")
    String fs;

    @Parameters(index = "1", paramLabel = "KEY")
    String key;

    @Override
    int execute() throws Exception {
      throw CliException.notAvailable(FsCommands.NOT_READY);
    }
  }

  @Command(name = "del", description = "Delete KEY.")
  static final class Del extends CliCommand {
    @Parameters(index = "0", paramLabel = "FS")
    String fs;

    @Parameters(index = "1", paramLabel = "KEY")
    String key;

    @Override
    int execute() throws Exception {
      throw CliException.notAvailable(FsCommands.NOT_READY);
    }
  }

  @Command(name = "scan", description = "Print KEY<TAB>VALUE for every key starting with PREFIX.")
  static final class Scan extends CliCommand {
    @Parameters(index = "0", paramLabel = "FS")
    String fs;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PREFIX", defaultValue = "")
    String prefix;

    @Override
    int execute() throws Exception {
      throw CliException.notAvailable(FsCommands.NOT_READY);
    }
  }
}
