package org.gdpstore.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.gdpstore.client.GdpException;
import org.gdpstore.home.HomeException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine;

/**
 * {@code gdpfs}: the gdpstore command-line tool. {@link #main} runs one command and exits with
 * its code ({@link ExitCodes}); {@link #run} does the same in-process for tests and embedders.
 * User errors print one line on stderr ({@code gdpfs: ...}) and no stack trace unless
 * {@code --verbose} is given.
 */
@Command(
    name = "gdpfs",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    versionProvider = GdpfsCli.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Files, key-value pairs and raw logs stored in signed GDP logs.",
      "Remote paths are gdp://FS/PATH, where FS is a filesystem alias (see mkfs) or the name of its root log.",
      "With no --router, gdpfs runs an embedded durable simulator with its data in $GDPSTORE_HOME (default ~/.gdpstore)."
    },
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0 ok, 1 internal failure, 2 usage, 3 not found, 4 router unreachable,",
      "  5 key error, 6 integrity error, 7 exists/conflict, 8 snapshot older than the",
      "  retention horizon (gc), 69 not available yet"
    })
public final class GdpfsCli {
  /**
   * The commands by name, in help order. Building a command's model costs reflection over its
   * options, so a run registers only the command it runs (all of them for help or an unknown name).
   */
  private static final Map<String, Class<?>> COMMANDS = new LinkedHashMap<>();

  static {
    COMMANDS.put("help", CommandLine.HelpCommand.class);
    COMMANDS.put("demo", DemoCommand.class);
    COMMANDS.put("mkfs", FsCommands.Mkfs.class);
    COMMANDS.put("ls", FsCommands.Ls.class);
    COMMANDS.put("put", FsCommands.Put.class);
    COMMANDS.put("get", FsCommands.Get.class);
    COMMANDS.put("cat", FsCommands.Cat.class);
    COMMANDS.put("rm", FsCommands.Rm.class);
    COMMANDS.put("mkdir", FsCommands.Mkdir.class);
    COMMANDS.put("mv", FsCommands.Mv.class);
    COMMANDS.put("stat", FsCommands.Stat.class);
    COMMANDS.put("log", FsCommands.History.class);
    COMMANDS.put("verify", FsCommands.Verify.class);
    COMMANDS.put("gc", GcCommand.class);
    COMMANDS.put("kv", KvCommands.class);
    COMMANDS.put("logs", LogsCommands.class);
    COMMANDS.put("keygen", KeygenCommand.class);
    COMMANDS.put("aliases", AliasesCommand.class);
    COMMANDS.put("sim", SimCommands.class);
  }

  /** Global options: accepted before or after the command name. */
  @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
      description = "Show stack traces and more detail on errors.")
  boolean verbose;

  @Option(names = "--router", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT",
      description = "Use the GDP router at HOST:PORT (e.g. one started by 'gdpfs sim serve') instead of the embedded simulator.")
  String router;

  @Option(names = "--server-name", scope = ScopeType.INHERIT, paramLabel = "NAME",
      description = "Human name (or 43-character GDP name) of the log server that creates logs. Default: "
          + Backend.DEFAULT_SERVER_NAME + ".")
  String serverName;

  @Option(names = "--reference", scope = ScopeType.INHERIT,
      description = "The log servers behind --router are the reference gdplogd 2.1.x: work around its bugs "
          + "(one record per APPEND, no PING).")
  boolean referenceServers;

  final CliEnv env;
  final Backend.Factory backends;

  GdpfsCli(CliEnv env, Backend.Factory backends) {
    this.env = env;
    this.backends = backends;
  }

  /** Runs the command line and exits the JVM with its exit code. */
  public static void main(String[] args) {
    Timing.mark("JVM started, main entered");
    configureLogging(hasVerbose(args));
    CliEnv env = CliEnv.system();
    EarlyConnection.start(args, env, GdpBackend.STORE_WAIT, GdpBackend.CALLBACK_THREADS);
    int code;
    try {
      code = run(args, env);
    } finally {
      EarlyConnection.discard();
    }
    Timing.mark("command done");
    System.out.flush();
    System.exit(code);
  }

  /**
   * Runs one command line in this JVM with the given environment.
   *
   * @return the exit code, one of {@link ExitCodes}
   */
  public static int run(String[] args, CliEnv env) {
    return run(args, env, GdpBackend::open);
  }

  /** As {@link #run(String[], CliEnv)} with another backend (tests). */
  static int run(String[] args, CliEnv env, Backend.Factory backends) {
    GdpfsCli app = new GdpfsCli(env, backends);
    CommandLine cl = new CommandLine(app);
    String command = commandName(args);
    Class<?> only = COMMANDS.get(command);
    if (only != null && only != CommandLine.HelpCommand.class) {
      cl.addSubcommand(only);
    } else if (command == null && (List.of(args).contains("-V") || List.of(args).contains("--version"))) {
      // --version needs no command
    } else {
      COMMANDS.values().forEach(cl::addSubcommand);
    }
    cl.setOut(new PrintWriter(env.out(), true));
    cl.setErr(new PrintWriter(env.err(), true));
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setParameterExceptionHandler((ex, a) -> {
      if (ex.getMessage() != null && ex.getMessage().startsWith("Missing required subcommand")) {
        ex.getCommandLine().usage(env.err()); // a bare "gdpfs" or "gdpfs logs": show what there is
        return ExitCodes.USAGE;
      }
      env.err().println("gdpfs: " + Names.escape(ex.getMessage()));
      String name = ex.getCommandLine().getCommandSpec().qualifiedName();
      env.err().println("Try '" + name + " --help' for more information.");
      return ExitCodes.USAGE;
    });
    cl.setExecutionExceptionHandler((ex, c, parsed) -> report(ex, app.verbose || hasVerbose(args), env));
    Timing.mark("command line model built");
    return cl.execute(args);
  }

  /**
   * slf4j-simple logs to stderr: only warnings by default (connection chatter is not for users),
   * everything from INFO up with --verbose. Netty's shutdown noise stays hidden unless verbose.
   * Must run before the first logger is created; explicit -D settings win.
   */
  static void configureLogging(boolean verbose) {
    setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
    setIfAbsent("org.slf4j.simpleLogger.log.io.netty", verbose ? "info" : "error");
    setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
    setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
    // the simulator logs through java.util.logging: one line per warning, configured on first use
    setIfAbsent(OneLineLogFormat.VERBOSE_PROPERTY, Boolean.toString(verbose));
    setIfAbsent("java.util.logging.config.class", OneLineLogFormat.Config.class.getName());
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /** The first argument that is not a global option (or its value): the command's name, or null. */
  static String commandName(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--router") || a.equals("--server-name")) {
        i++; // its value
      } else if (a.equals("--")) {
        return null;
      } else if (!a.startsWith("-")) {
        return a;
      }
    }
    return null;
  }

  private static boolean hasVerbose(String[] args) {
    for (String a : args) {
      if (a.equals("-v") || a.equals("--verbose")) {
        return true;
      }
    }
    return false;
  }

  /** Maps an exception to a one-line message and an exit code. */
  static int report(Exception ex, boolean verbose, CliEnv env) {
    int code;
    String message;
    boolean hint = false;
    Throwable t = ex;
    if (t instanceof java.io.UncheckedIOException u && u.getCause() != null) {
      t = u.getCause(); // e.g. an unreadable directory met while walking a tree
    }
    if (t instanceof GdpException ge) {
      t = GdpErrors.toCli(ge, null);
    }
    if (t instanceof HomeException he) {
      t = CliException.of(he);
    }
    if (t instanceof CliException ce) {
      code = ce.exitCode();
      message = ce.getMessage();
    } else if (t instanceof NoSuchFileException e) {
      code = ExitCodes.NOT_FOUND;
      message = "no such file or directory: " + e.getFile();
    } else if (t instanceof FileAlreadyExistsException e) {
      code = ExitCodes.EXISTS;
      message = "already exists: " + e.getFile();
    } else if (t instanceof NotDirectoryException e) {
      code = ExitCodes.NOT_FOUND;
      message = "not a directory: " + e.getFile();
    } else if (t instanceof AccessDeniedException e) {
      code = ExitCodes.FAILURE;
      message = "permission denied: " + e.getFile();
    } else if (t instanceof IOException) {
      code = ExitCodes.FAILURE;
      message = "I/O error: " + t.getMessage();
      hint = true;
    } else {
      hint = true;
      code = ExitCodes.FAILURE;
      message = "internal error: " + t;
    }
    env.err().println("gdpfs: " + Names.escape(message)); // names in messages may hold control characters
    if (verbose) {
      ex.printStackTrace(env.err());
    } else if (hint) {
      env.err().println("gdpfs: run with --verbose for the stack trace");
    }
    env.err().flush();
    return code;
  }

  /** The version from the build ({@code gdpfs-version.properties}). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties p = new Properties();
      try (InputStream in = GdpfsCli.class.getResourceAsStream("/gdpfs-version.properties")) {
        if (in != null) {
          p.load(in);
        }
      }
      return new String[] {"gdpfs " + p.getProperty("version", "unknown") + " (gdpstore)"};
    }
  }
}
