package org.gdpstore.cli;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import org.gdpstore.home.GdpHome;
import org.gdpstore.wire.Ed25519Keys;
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

  final GdpHome home() {
    return GdpHome.at(env().home());
  }

  /**
   * The writer key {@code name}; the default key is created on first use (zero configuration).
   * Of several processes that race here, one creates it and the others use it.
   */
  final Ed25519Keys keyOrCreateDefault(GdpHome home, String name) throws IOException {
    if (!GdpHome.DEFAULT_KEY.equals(name)) {
      return home.loadKey(name);
    }
    GdpHome.LoadedKey k = home.loadOrCreateKey(name, new SecureRandom());
    if (k.created()) {
      env().err().println("gdpfs: created writer key '" + name + "' in " + home.keyFile(name));
    }
    return k.keys();
  }

  /** Opens the backend the global options select (embedded simulator or router). */
  final Backend openBackend() {
    GdpfsCli a = app();
    return a.backends.open(env(), home(), new Backend.Options(a.router, a.serverName, a.referenceServers));
  }

  @Override
  public final Integer call() throws Exception {
    // malformed global options fail first, whatever the command
    if (app().router != null) {
      HostPort.parse("--router", app().router);
    } else if (app().referenceServers) {
      throw CliException.usage("--reference needs --router: the embedded simulator is not the reference gdplogd");
    }
    return execute();
  }

  abstract int execute() throws Exception;
}
