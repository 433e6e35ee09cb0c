package org.gdpstore.fs;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.gdpstore.client.Backoff;
import org.gdpstore.client.GdpClient;
import org.gdpstore.fs.internal.InMemoryLogStore;
import org.gdpstore.fs.internal.LogStore;
import org.gdpstore.sim.GdpSimulator;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;

/** Where a test's filesystems live: the in-memory log store, or the log-client on the simulator (named apart from the CLI's {@code Backend}). */
abstract class LogBackend implements AutoCloseable {
  static final Ed25519Keys KEYS = Ed25519Keys.fromSeed(new byte[32]);

  abstract LogStore store();

  /** A store over a fresh connection (a second process, as far as the logs can tell). */
  abstract LogStore newConnection();

  GdpFileSystem mkfs(FsOptions o) throws FsException {
    return GdpFileSystem.mkfs(store(), KEYS, o);
  }

  GdpFileSystem open(GdpName root, Ed25519Keys keys, FsOptions o) throws FsException {
    return GdpFileSystem.open(newConnection(), root, keys, o);
  }

  @Override
  public abstract void close();

  static LogBackend memory() {
    return new Memory();
  }

  static LogBackend simulator() {
    return new Sim(GdpSimulator.builder().inProcess().start());
  }

  static final class Memory extends LogBackend {
    final InMemoryLogStore store = new InMemoryLogStore();

    @Override
    LogStore store() {
      return store;
    }

    @Override
    LogStore newConnection() {
      return store;
    }

    @Override
    public void close() {}
  }

  static final class Sim extends LogBackend {
    final GdpSimulator sim;
    final ExecutorService callbacks = Executors.newFixedThreadPool(4);
    final List<GdpClient> clients = new ArrayList<>();
    final LogStore store;

    Sim(GdpSimulator sim) {
      this.sim = sim;
      this.store = newConnection();
    }

    GdpClient newClient() {
      GdpClient c = GdpClient.builder()
          .router(sim.inProcessAddress())
          .creationService(sim.serverName())
          .requestTimeout(Duration.ofSeconds(10))
          .resendInterval(Duration.ofMillis(500))
          .backoff(Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(200)))
          .callbackExecutor(callbacks)
          .random(new SecureRandom())
          .build();
      synchronized (clients) {
        clients.add(c);
      }
      return c;
    }

    @Override
    LogStore store() {
      return store;
    }

    @Override
    LogStore newConnection() {
      return new org.gdpstore.fs.internal.ClientLogStore(newClient());
    }

    @Override
    public void close() {
      synchronized (clients) {
        for (GdpClient c : clients) {
          c.close();
        }
      }
      sim.close();
      callbacks.shutdown();
      try {
        callbacks.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
