package org.gdpstore.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of every leaf command: gives access to the global options, the environment and the home
 * directory. {@link #execute()} returns the exit code or throws ({@link CliException} for user
 * errors).
 */
abstract class CliCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  final GdpfsCli app() {
    return (GdpfsCli) spec.root().userObject();
  }

  final CliEnv env() {
    return app().env;
  }

  final Home home() {
    return new Home(env().home());
  }

  /** Opens the backend the global options select (embedded simulator or router). */
  final Backend openBackend() {
    GdpfsCli a = app();
    return a.backends.open(env(), home(), a.router, a.serverName);
  }

  @Override
  public final Integer call() throws Exception {
    if (app().router != null) {
      HostPort.parse("--router", app().router); // a malformed global option fails first, whatever the command
    }
    return execute();
  }

  abstract int execute() throws Exception;
}
