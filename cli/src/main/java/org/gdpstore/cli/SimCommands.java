package org.gdpstore.cli;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.gdpstore.sim.DataDirectoryLockedException;
import org.gdpstore.sim.FaultPlan;
import org.gdpstore.sim.GdpSimulator;
import org.gdpstore.sim.Salvage;
import org.gdpstore.wire.GdpName;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gdpfs sim ...}: the GDP simulator. */
@Command(name = "sim", description = "Run the GDP simulator (router + log server).",
    subcommands = {SimCommands.Serve.class, SimCommands.SalvageCommand.class})
final class SimCommands {
  private SimCommands() {}

  /** {@code gdpfs sim serve}: a standalone simulator in the foreground. */
  @Command(name = "serve", description = {
      "Run a GDP router and log server in the foreground until Ctrl-C / SIGTERM.",
      "Prints 'listening on HOST:PORT' once it accepts connections; point 'gdpfs --router HOST:PORT' (or the",
      "reference GDP tools) at it. --server-name sets the log server's name (default " + Backend.DEFAULT_SERVER_NAME + ")."})
  static final class Serve extends CliCommand {
    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8009",
        description = "Address to listen on (default ${DEFAULT-VALUE}; port 0 picks a free port).")
    String listen;

    @Option(names = "--data", paramLabel = "DIR", description = "Keep logs durably in DIR (default: in memory).")
    Path data;

    @Option(names = "--router-only", description = "Run only the router (for reference gdplogd servers and clients).")
    boolean routerOnly;

    @Option(names = "--latency", paramLabel = "MS", defaultValue = "0",
        description = "Delay every answer to clients by MS milliseconds (to try a wide-area network; default 0).")
    long latencyMs;

    @Override
    int execute() throws Exception {
      InetSocketAddress addr = HostPort.resolve(HostPort.parse("--listen", listen));
      String serverName = app().serverName != null ? app().serverName : Backend.DEFAULT_SERVER_NAME;
      GdpSimulator.Builder b = GdpSimulator.builder().bindAddress(addr).serverName(serverName);
      if (data != null) {
        b.dataDir(data);
      }
      if (routerOnly) {
        b.routerOnly();
      }
      if (latencyMs < 0) {
        throw CliException.usage("--latency must not be negative");
      }
      if (latencyMs > 0) {
        b.faults(FaultPlan.builder(1).rule(FaultPlan.on(FaultPlan.Direction.TO_CLIENT).delay(latencyMs)).build());
      }
      GdpSimulator sim;
      try {
        sim = b.start();
      } catch (DataDirectoryLockedException e) {
        throw new CliException(ExitCodes.EXISTS, e.getMessage(), e);
      } catch (RuntimeException e) {
        if (hasCause(e, BindException.class)) {
          throw new CliException(ExitCodes.FAILURE, "cannot listen on " + listen + ": " + rootMessage(e), e);
        }
        throw e;
      }
      CountDownLatch stopped = new CountDownLatch(1);
      Thread hook = new Thread(() -> {
        sim.close();
        stopped.countDown();
      }, "gdpfs-sim-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      var out = env().out();
      out.println("listening on " + HostPort.format(sim.tcpAddress()));
      out.println(routerOnly ? "router only (no log server)"
          : "log server '" + serverName + "' = " + sim.serverName().printable() + ", logs "
              + (data != null ? "in " + data.toAbsolutePath() : "in memory"));
      out.println("press Ctrl-C to stop");
      out.flush();
      stopped.await();
      return ExitCodes.OK;
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
      for (Throwable c = t; c != null; c = c.getCause()) {
        if (type.isInstance(c)) {
          return true;
        }
      }
      return false;
    }

    private static String rootMessage(Throwable t) {
      Throwable c = t;
      while (c.getCause() != null) {
        c = c.getCause();
      }
      return c.getMessage();
    }
  }

  /** {@code gdpfs sim salvage}: the explicit rewrite of damaged log files (docs/simulator.md, "Salvage"). */
  @Command(name = "salvage", description = {
      "Rewrite damaged (and old-format) log files of a data directory, keeping a copy of each original",
      "(<file>.damaged-<time>). Every intact record is kept; damaged record numbers stay unreadable and are",
      "never reused. Nothing else ever rewrites a log file. No simulator may be serving DIR.",
      "Exit 0 when done, 6 when a log file cannot be salvaged (unreadable header), 7 when DIR is in use."})
  static final class SalvageCommand extends CliCommand {
    @Option(names = "--data", paramLabel = "DIR", required = true,
        description = "The data directory (e.g. $GDPSTORE_HOME/sim for the embedded store).")
    Path data;

    @Parameters(index = "0", arity = "0..1", paramLabel = "LOG", description = "Only this log (its 43-character name).")
    String log;

    @Override
    int execute() {
      GdpName only = null;
      if (log != null) {
        if (!GdpName.isPrintableName(log)) {
          throw CliException.usage("LOG must be a 43-character log name, got '" + log + "'");
        }
        only = GdpName.parse(log);
      }
      if (!java.nio.file.Files.isDirectory(data.resolve("logs"))) {
        throw CliException.notFound("no data directory with logs at " + data);
      }
      List<Salvage.Result> results;
      try {
        results = Salvage.run(data, only);
      } catch (DataDirectoryLockedException e) {
        throw new CliException(ExitCodes.EXISTS, e.getMessage() + "; stop it first", e);
      } catch (java.io.UncheckedIOException e) {
        throw new CliException(ExitCodes.FAILURE, "salvage of " + data + " failed: " + e.getCause().getMessage(), e);
      }
      if (only != null && results.isEmpty()) {
        throw CliException.notFound("no log " + log + " in " + data);
      }
      boolean failed = false;
      for (Salvage.Result r : results) {
        env().out().println(r.log() + ": " + r.message());
        failed |= r.failed();
      }
      if (failed) {
        throw CliException.integrity("some logs in " + data + " could not be salvaged");
      }
      return ExitCodes.OK;
    }
  }
}
