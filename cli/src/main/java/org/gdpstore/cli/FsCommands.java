package org.gdpstore.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The filesystem commands ({@code mkfs, ls, put, get, cat, rm, mkdir, mv, stat, log, verify, demo}). */
final class FsCommands {
  private FsCommands() {}

  static final String NOT_READY = "filesystem commands (fs-engine)";

  @Command(name = "mkfs", description = "Create a filesystem (a root directory log signed by your key) and remember FS as its alias.")
  static final class Mkfs extends CliCommand {
    @Parameters(index = "0", paramLabel = "FS", description = "Alias for the new filesystem.")
    String fs;

    @Option(names = "--key", paramLabel = "KEY", defaultValue = Home.DEFAULT_KEY, description = "Writer key (default: ${DEFAULT-VALUE}).")
    String key;

    @Override
    int execute() throws Exception {
      throw CliException.notAvailable(NOT_READY);
    }
  }

  @Command(name = "ls", description = "List a directory (or show one file).")
  static final class Ls extends CliCommand {
    @Parameters(index = "0", paramLabel = "gdp://FS/PATH")
    String path;

    @Option(names = {"-r", "--recursive"}, description = "List sub-directories too.")
    boolean recursive;

    @Option(names = {"-l", "--long"}, description = "Show kind, size, modification time and version.")
    boolean longFormat;

    @Option(names = "--at", paramLabel = "RECNO|TIME", description = "List as of a directory record number or a time.")
    String at;

    @Override
    int execute() throws Exception {
      throw CliException.notAvailable(NOT_READY);
    }
  }

  @Command(name = "put", description = {"Store local files (and with -r directories) under a remote path.",
      "All files of one put become visible together, in one transaction, or none do."})
  static final class Put extends CliCommand {
    @Parameters(arity = "2..*", paramLabel = "LOCAL... gdp://FS/PATH")
    List<String> args;

    @Option(names = {"-r", "--recursive"}, description = "Copy directories recursively.")
    boolean recursive;

    @Override
    int execute() throws Exception {
      throw CliException.notAvailable(NOT_READY);
    }
  }

  @Command(name = "get", description = "Copy a remote file (or with -r a directory) to the local disk.")
  static final class Get extends CliCommand {
    @Parameters(index = "0", paramLabel = "gdp://FS/PATH")
    String remote;

    @Parameters(index = "1", paramLabel = "LOCAL")
    Path local;

    @Option(names = {"-r", "--recursive"}, description = "Copy directories recursively.")
    boolean recursive;

    @Option(names = "--at", paramLabel = "RECNO|TIME", description = "Copy as of a directory record number or a time.")
    String at;

    @Override
    int execute() throws Exception {
      throw CliException.notAvailable(NOT_READY);
    }
  }

  @Command(name = "cat", description = "Write remote files to standard output.")
  static final class Cat extends CliCommand {
    @Parameters(arity = "1..*", paramLabel = "gdp://FS/PATH")
    List<String> paths;

    @Option(names = "--at", paramLabel = "RECNO|TIME", description = "Read as of a directory record number or a time.")
    String at;

    @Override
    int execute() throws Exception {
      throw CliException.notAvailable(NOT_READY);
    }
  }

  @Command(name = "rm", description = "Remove files (and with -r directories, in one atomic change).")
  static final class Rm extends CliCommand {
    @Parameters(arity = "1..*", paramLabel = "gdp://FS/PATH")
    List<String> paths;

    @Option(names = {"-r", "--recursive"}, description = "Remove directories and their contents.")
    boolean recursive;

    @Override
    int execute() throws Exception {
      throw CliException.notAvailable(NOT_READY);
    }
  }

  @Command(name = "mkdir", description = "Create directories.")
  static final class Mkdir extends CliCommand {
    @Parameters(arity = "1..*", paramLabel = "gdp://FS/PATH")
    List<String> paths;

    @Option(names = {"-p", "--parents"}, description = "Create missing parents; no error if it exists.")
    boolean parents;

    @Override
    int execute() throws Exception {
      throw CliException.notAvailable(NOT_READY);
    }
  }

  @Command(name = "mv", description = "Rename a file or directory atomically (within one filesystem).")
  static final class Mv extends CliCommand {
    @Parameters(index = "0", paramLabel = "gdp://FS/FROM")
    String from;

    @Parameters(index = "1", paramLabel = "gdp://FS/TO")
    String to;

    @Override
    int execute() throws Exception {
      throw CliException.notAvailable(NOT_READY);
    }
  }

  @Command(name = "stat", description = "Show a file's or directory's attributes.")
  static final class Stat extends CliCommand {
    @Parameters(arity = "1..*", paramLabel = "gdp://FS/PATH")
    List<String> paths;

    @Option(names = "--at", paramLabel = "RECNO|TIME", description = "As of a directory record number or a time.")
    String at;

    @Override
    int execute() throws Exception {
      throw CliException.notAvailable(NOT_READY);
    }
  }

  @Command(name = "log", description = "Show the history of a path (or of the whole filesystem): record numbers, times, signer, hashes.")
  static final class History extends CliCommand {
    @Parameters(index = "0", paramLabel = "gdp://FS[/PATH]")
    String path;

    @Override
    int execute() throws Exception {
      throw CliException.notAvailable(NOT_READY);
    }
  }

  @Command(name = "verify", description = "Verify signatures and content hashes of a filesystem or of one path.")
  static final class Verify extends CliCommand {
    @Parameters(index = "0", paramLabel = "gdp://FS[/PATH]")
    String path;

    @Override
    int execute() throws Exception {
      throw CliException.notAvailable(NOT_READY);
    }
  }

  @Command(name = "demo", description = {"Show gdpstore at work: store a generated tree, list, read back, verify, history.",
      "Stores a generated directory tree (with binary files) in a new filesystem, lists it, reads it back and",
      "compares it byte for byte, verifies every signature and hash, and shows its history."})
  static final class Demo extends CliCommand {
    @Option(names = "--files", paramLabel = "N", defaultValue = "24", description = "Number of files (default ${DEFAULT-VALUE}).")
    int files;

    @Override
    int execute() throws Exception {
      throw CliException.notAvailable(NOT_READY);
    }
  }
}
