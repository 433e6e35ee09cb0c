package org.gdpstore.cli;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code gdpfs kv put|get|del|scan}: the key-value store of a filesystem. */
@Command(name = "kv", description = "Key-value pairs stored in a filesystem.",
    subcommands = {KvCommands.Put.class, KvCommands.Get.class, KvCommands.Del.class, KvCommands.Scan.class})
final class KvCommands {

  static CliException noSuchKey(String key, String fs) {
    return CliException.notFound("no key '" + key + "' in " + fs);
  }

  @Command(name = "put", description = "Set KEY to VALUE (or to the bytes of standard input if VALUE is absent).")
  static final class Put extends CliCommand {
    @Parameters(index = "0", paramLabel = "[gdp://]FS", description = "Filesystem alias or root log name.")
    String fs;

    @Parameters(index = "1", paramLabel = "KEY")
    String key;

    @Parameters(index = "2", arity = "0..1", paramLabel = "VALUE")
    String value;

    @Override
    int execute() throws Exception {
      byte[] v = value != null ? value.getBytes(StandardCharsets.UTF_8) : env().in().readAllBytes();
      try (Backend b = openBackend(); RemoteFs f = FsAccess.open(b, home(), fs, true)) {
        f.kvPut(key, v);
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "get", description = {"Print the value of KEY (exactly its bytes; a newline is added only on a terminal)."})
  static final class Get extends CliCommand {
    @Parameters(index = "0", paramLabel = "[gdp://]FS", description = "Filesystem alias or root log name.")
    String fs;

    @Parameters(index = "1", paramLabel = "KEY")
    String key;

    @Override
    int execute() throws Exception {
      try (Backend b = openBackend(); RemoteFs f = FsAccess.open(b, home(), fs, false)) {
        byte[] v = f.kvGet(key).orElseThrow(() -> noSuchKey(key, fs));
        env().out().write(v);
        if (env().interactive()) {
          env().out().println();
        }
        env().out().flush();
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "del", description = "Delete KEY.")
  static final class Del extends CliCommand {
    @Parameters(index = "0", paramLabel = "[gdp://]FS", description = "Filesystem alias or root log name.")
    String fs;

    @Parameters(index = "1", paramLabel = "KEY")
    String key;

    @Override
    int execute() throws Exception {
      try (Backend b = openBackend(); RemoteFs f = FsAccess.open(b, home(), fs, true)) {
        if (!f.kvDelete(key)) {
          throw noSuchKey(key, fs);
        }
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "scan", description = "Print KEY<TAB>VALUE for every key starting with PREFIX, in key order.")
  static final class Scan extends CliCommand {
    @Parameters(index = "0", paramLabel = "[gdp://]FS", description = "Filesystem alias or root log name.")
    String fs;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PREFIX", defaultValue = "")
    String prefix;

    @Override
    int execute() throws Exception {
      try (Backend b = openBackend(); RemoteFs f = FsAccess.open(b, home(), fs, false)) {
        for (Map.Entry<String, byte[]> e : f.kvScan(prefix)) {
          env().out().println(Names.escape(e.getKey()) + "\t" + printable(e.getValue()));
        }
      }
      return ExitCodes.OK;
    }

    /** UTF-8 text with control characters escaped; binary values as a byte count. */
    static String printable(byte[] v) {
      String s = new String(v, StandardCharsets.UTF_8);
      if (!java.util.Arrays.equals(s.getBytes(StandardCharsets.UTF_8), v)) {
        return "<" + v.length + " bytes of binary>";
      }
      return Names.escape(s);
    }
  }
}
