package org.gdpstore.nio;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.gdpstore.client.GdpClient;
import org.gdpstore.fs.FsOptions;
import org.gdpstore.fs.GdpFileSystem;
import org.gdpstore.sim.GdpSimulator;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;

/** An in-process simulator and clients for tests; filesystems are opened through the provider. */
final class SimFixture implements AutoCloseable {
  final GdpSimulator sim = GdpSimulator.builder().inProcess().start();
  final ExecutorService callbacks = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "test-callback");
    t.setDaemon(true);
    return t;
  });
  final GdpClient client = newClient();
  final Ed25519Keys keys = Ed25519Keys.generate(new SecureRandom());

  GdpClient newClient() {
    return GdpClient.builder().router(sim.inProcessAddress()).creationService(sim.serverName())
        .requestTimeout(Duration.ofSeconds(10)).callbackExecutor(callbacks).build();
  }

  /** A new, empty filesystem's root name. */
  GdpName format() throws IOException {
    return GdpFileSystem.format(client, keys, FsOptions.DEFAULT);
  }

  URI uri(GdpName root) {
    return URI.create("gdp://" + root.printable() + "/");
  }

  /** Opens {@code root} writable through the provider. */
  FileSystem open(GdpName root) throws IOException {
    return open(root, Map.of());
  }

  FileSystem open(GdpName root, Map<String, ?> extra) throws IOException {
    Map<String, Object> env = new HashMap<>(extra);
    env.putIfAbsent(GdpNio.CLIENT, client);
    env.putIfAbsent(GdpNio.WRITER_KEY, keys);
    return FileSystems.newFileSystem(uri(root), env);
  }

  /** A fresh filesystem, opened writable. */
  FileSystem newFs() throws IOException {
    return open(format());
  }

  @Override
  public void close() throws InterruptedException {
    client.close();
    sim.close();
    callbacks.shutdown();
    callbacks.awaitTermination(10, TimeUnit.SECONDS);
  }
}
