package org.gdpstore.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.gdpstore.client.AppendMode;
import org.gdpstore.home.GdpHome;
import org.gdpstore.home.HomeAlias;
import org.gdpstore.wire.GdpName;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gdpfs logs ...}: raw GDP logs, one record per line. */
@Command(name = "logs", description = "Raw GDP logs: create, append lines, read, follow.",
    subcommands = {LogsCommands.Create.class, LogsCommands.Append.class, LogsCommands.Read.class, LogsCommands.Tail.class})
final class LogsCommands {
  private LogsCommands() {}

  /** A log named on the command line: its GDP name and the writer key to use. */
  record Target(GdpName name, String keyName, HomeAlias.Kind kind) {}

  static Target resolve(GdpHome home, String name) throws IOException {
    Optional<HomeAlias> alias = home.alias(name);
    if (alias.isPresent()) {
      return new Target(alias.get().log(), alias.get().key(), alias.get().kind());
    }
    if (GdpName.isPrintableName(name)) {
      return new Target(GdpName.parse(name), GdpHome.DEFAULT_KEY, HomeAlias.Kind.LOG);
    }
    throw CliException.notFound("unknown log '" + name + "': not an alias in " + home.aliasesFile()
        + " nor a 43-character log name (create it with: gdpfs logs create " + name + ")");
  }

  static void printRecord(PrintStream out, RawLogs.Record r, boolean numbers, boolean hex) {
    if (numbers) {
      out.print(r.recno());
      out.print('\t');
    }
    if (hex) {
      out.print(java.util.HexFormat.of().formatHex(r.data()));
    } else {
      out.write(r.data(), 0, r.data().length);
    }
    out.print('\n');
  }

  @Command(name = "create", description = "Create a log signed by your key and remember NAME as its alias.")
  static final class Create extends CliCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Alias for the new log (also stored as its human name).")
    String name;

    @Option(names = "--key", paramLabel = "KEY", defaultValue = GdpHome.DEFAULT_KEY, description = "Writer key (default: ${DEFAULT-VALUE}).")
    String key;

    @Option(names = "--chained", description = {"Hash-chain the log: one signature per appended batch instead of one per",
        "record, verified as a chain on reading (gdpstore servers only, not a reference gdplogd)."})
    boolean chained;

    @Override
    int execute() throws Exception {
      if (chained && app().referenceServers) {
        throw CliException.usage("--chained needs gdpstore log servers: a reference gdplogd keeps no hash chain");
      }
      GdpHome home = home();
      home.checkNewAlias(name);
      var keys = keyOrCreateDefault(home, key);
      try (Backend b = openBackend()) {
        GdpName log = b.logs().create(name, keys, chained);
        home.addAlias(new HomeAlias(name, HomeAlias.Kind.LOG, log, key));
        env().out().println("created " + (chained ? "hash-chained " : "") + "log " + name + " = " + log.printable()
            + " (writer key " + key + ")");
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "append", description = {"Append one record per line of standard input (without the newline).",
      "All lines are signed by the log's writer key and sent pipelined."})
  static final class Append extends CliCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Log alias or 43-character log name.")
    String name;

    @Option(names = "--key", paramLabel = "KEY", description = "Writer key (default: the alias's key, else 'default').")
    String key;

    @Option(names = "--renumber", description = {"For a log other writers append to at the same time: a record whose",
        "number another writer took gets the next free number (records keep their order, each stored once)",
        "instead of failing with exit code 7. One batch in flight at a time; gdpstore servers only."})
    boolean renumber;

    @Override
    int execute() throws Exception {
      GdpHome home = home();
      Target t = resolve(home, name);
      if (t.kind() != HomeAlias.Kind.LOG) {
        throw CliException.usage("'" + name + "' is a filesystem; appending raw records would corrupt it");
      }
      if (renumber && app().referenceServers) {
        throw CliException.usage("--renumber needs gdpstore log servers: the reference gdplogd stores two records"
            + " under one number without reporting a conflict, so there is nothing to renumber after");
      }
      var keys = home.loadKey(key != null ? key : t.keyName());
      Lines lines = new Lines(env().in());
      long last;
      try (Backend b = openBackend()) {
        last = b.logs().append(t.name(), keys, () -> lines,
            renumber ? AppendMode.RENUMBER_ON_CONFLICT : AppendMode.FIXED_RECNOS);
      }
      env().out().println("appended " + lines.count + " record" + (lines.count == 1 ? "" : "s") + " to " + name
          + (lines.count > 0 ? " (last record number " + last + ")" : ""));
      return ExitCodes.OK;
    }
  }

  @Command(name = "read", description = "Print records, one per line.")
  static final class Read extends CliCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Log alias or 43-character log name.")
    String name;

    @Option(names = "--from", paramLabel = "N", defaultValue = "1", description = "First record number (default ${DEFAULT-VALUE}; negative counts from the end: -1 = last).")
    long from;

    @Option(names = "--count", paramLabel = "K", description = "At most K records (default: to the end).")
    Long count;

    @Option(names = {"-n", "--numbers"}, description = "Prefix each record with its record number and a tab.")
    boolean numbers;

    @Option(names = "--hex", description = "Print each record's bytes as hex (for binary records).")
    boolean hex;

    @Override
    int execute() throws Exception {
      if (from == 0) {
        throw CliException.usage("--from 0 is not a record number (records start at 1; -1 is the last)");
      }
      if (count != null && count < 0) {
        throw CliException.usage("--count must not be negative");
      }
      Target t = resolve(home(), name);
      try (Backend b = openBackend()) {
        if (count == null || count > 0) {
          b.logs().read(t.name(), from, count, r -> printRecord(env().out(), r, numbers, hex));
        }
      }
      env().out().flush();
      return ExitCodes.OK;
    }
  }

  @Command(name = "tail", description = "Print records as they are appended (a subscription) until Ctrl-C or --count.")
  static final class Tail extends CliCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Log alias or 43-character log name.")
    String name;

    @Option(names = "--from", paramLabel = "N", description = "Replay from record N first (negative: the last -N records); default: only new records.")
    Long from;

    @Option(names = "--count", paramLabel = "K", description = "Stop after K records.")
    Long count;

    @Option(names = {"-n", "--numbers"}, description = "Prefix each record with its record number and a tab.")
    boolean numbers;

    @Option(names = "--hex", description = "Print each record's bytes as hex (for binary records).")
    boolean hex;

    @Override
    int execute() throws Exception {
      if (count != null && count <= 0) {
        throw CliException.usage("--count must be positive");
      }
      Target t = resolve(home(), name);
      try (Backend b = openBackend()) {
        long[] seen = {0};
        b.logs().tail(t.name(), from, r -> {
          printRecord(env().out(), r, numbers, hex);
          seen[0]++;
          // checkError flushes; true once the reader went away (e.g. "| head"): stop following
          return !env().out().checkError() && (count == null || seen[0] < count);
        });
      }
      return ExitCodes.OK;
    }
  }

  /** The lines of a stream as byte arrays (without '\n' and a '\r' before it), read lazily; counts them. */
  static final class Lines implements Iterator<byte[]> {
    private final InputStream in;
    private byte[] next;
    private boolean done;
    long count;

    Lines(InputStream in) {
      this.in = new BufferedInputStream(in);
    }

    @Override
    public boolean hasNext() {
      if (next == null && !done) {
        next = readLine();
        done = next == null;
      }
      return next != null;
    }

    @Override
    public byte[] next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      byte[] r = next;
      next = null;
      count++;
      return r;
    }

    private byte[] readLine() {
      try {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        boolean any = false;
        while ((c = in.read()) >= 0) {
          any = true;
          if (c == '\n') {
            break;
          }
          line.write(c);
        }
        if (!any) {
          return null;
        }
        byte[] b = line.toByteArray();
        if (b.length > 0 && b[b.length - 1] == '\r') {
          return java.util.Arrays.copyOf(b, b.length - 1);
        }
        return b;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
