package org.gdpstore.cli;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.gdpstore.client.GdpClient;
import org.gdpstore.client.LogReader;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.FsOptions;
import org.gdpstore.fs.GdpFileSystem;
import org.gdpstore.home.GdpHome;
import org.gdpstore.home.HomeConnection;
import org.gdpstore.home.HomeException;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;

/**
 * The real backend: a {@link GdpClient} connected (by the home library's {@link HomeConnection})
 * either to the embedded durable simulator (in-process, logs under {@code $GDPSTORE_HOME/sim},
 * one process at a time) or to a router given with {@code --router}. Closing it closes the
 * filesystems and readers it opened, then the connection.
 */
final class GdpBackend implements Backend {
  /** How long a command waits for another gdpfs process to release the embedded store. */
  static final Duration STORE_WAIT = Duration.ofSeconds(10);
  /** Name prefix of the client's callback threads. */
  static final String CALLBACK_THREADS = "gdpfs-callback";

  private final HomeConnection connection;
  private final GdpClient client;
  private final RawLogs logs;

  private GdpBackend(HomeConnection connection) {
    this.connection = connection;
    this.client = connection.client();
    this.logs = new GdpRawLogs(client, this::reader);
  }

  /** Opens the backend the global options select (the home library chooses and connects). */
  static Backend open(CliEnv env, GdpHome home, Backend.Options options) {
    if (options.referenceServers() && options.router() == null) {
      throw CliException.usage("--reference needs --router: the embedded simulator is not the reference gdplogd");
    }
    if (options.router() != null) {
      HostPort.parse("--router", options.router()); // a malformed address is a usage error naming the option
    }
    try {
      HomeConnection.Options o = new HomeConnection.Options(options.router(), options.serverName(),
          options.referenceServers(), STORE_WAIT, CALLBACK_THREADS);
      HomeConnection c = EarlyConnection.take(home, o);
      if (c == null) {
        c = HomeConnection.open(home, o);
      }
      Timing.mark("client connected");
      return new GdpBackend(c);
    } catch (HomeException e) {
      throw CliException.of(e);
    }
  }

  GdpClient client() {
    return client;
  }

  /*
   * Filesystems and log readers are opened once per process (per command, or for the whole demo)
   * and closed with the backend: one handle per log saves OPEN/CLOSE round trips and replays of
   * the directory log. (It also kept the CLI clear of an early log-client bug where the answer to
   * an untracked CLOSE could be taken for the answer to a later OPEN of the same log.)
   */
  private final Map<GdpName, GdpFileSystem> filesystems = new HashMap<>();
  private final List<GdpFileSystem> opened = new ArrayList<>();
  private final Map<GdpName, LogReader> readers = new HashMap<>();

  @Override
  public RemoteFs createFs(Ed25519Keys writer) {
    try {
      GdpFileSystem fs = GdpFileSystem.mkfs(client, writer, FsOptions.DEFAULT);
      opened.add(fs);
      filesystems.put(fs.rootName(), fs);
      return new EngineFs(fs);
    } catch (FsException e) {
      throw EngineFs.toCli(e);
    }
  }

  @Override
  public RemoteFs openFs(GdpName root, Ed25519Keys writer) {
    try {
      GdpFileSystem fs = filesystems.get(root);
      if (fs != null && (writer == null || fs.isWritable())) {
        fs.refresh();
      } else {
        fs = GdpFileSystem.open(client, root, writer, FsOptions.DEFAULT);
        opened.add(fs);
        filesystems.put(root, fs);
        Timing.mark("filesystem opened");
      }
      return new EngineFs(fs);
    } catch (FsException e) {
      throw EngineFs.toCli(e);
    }
  }

  /** A verifying reader of {@code log}, shared for the life of this backend. */
  LogReader reader(GdpName log) {
    LogReader r = readers.get(log);
    if (r == null) {
      r = client.openReader(log);
      readers.put(log, r);
    }
    return r;
  }

  @Override
  public RawLogs logs() {
    return logs;
  }

  @Override
  public void close() {
    Timing.mark("command work done");
    try {
      for (GdpFileSystem fs : opened) {
        fs.close();
      }
      for (LogReader r : readers.values()) {
        r.close();
      }
    } finally {
      connection.closeForExit(); // the process exits next: no waiting for threads to stop
      Timing.mark("backend closed");
    }
  }
}
