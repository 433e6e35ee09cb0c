package org.gdpstore.client;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import org.gdpstore.client.internal.ClientConfig;
import org.gdpstore.client.internal.Clients;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;

/**
 * A connection to one GDP router, shared by every log opened through it. Build with
 * {@link #builder()}; the client connects in the background, advertises its name and reconnects
 * with backoff whenever the connection drops (re-advertising, re-opening logs, resuming
 * subscriptions and re-sending appends in flight).
 *
 * <pre>{@code
 * try (GdpClient client = GdpClient.builder().router(sim.inProcessAddress()).creationService(sim.serverName()).build()) {
 *   LogInfo log = client.createLog(LogSpec.builder().humanName("demo").writerKey(keys).build());
 *   try (LogWriter w = client.openWriter(log.name(), keys)) {
 *     long recno = w.append("hello".getBytes(UTF_8));
 *   }
 * }
 * }</pre>
 *
 * <p>Thread-safe. Futures complete on the callback executor, never on the network thread. Closing
 * the client fails pending calls with {@link GdpStatus.Code#CLOSED}, closes every log handle and
 * stops the client's own thread; executors passed in are not shut down.
 */
public interface GdpClient extends AutoCloseable {
  /** Default router port (spec 1.1). */
  int DEFAULT_PORT = 8009;
  /** The reference's default creation-service name (spec 4.2). */
  GdpName DEFAULT_CREATION_SERVICE = GdpName.sha256("edu.berkeley.eecs.gdp.service.creation");

  static Builder builder() {
    return new Builder();
  }

  /** The routing name this client advertises. */
  GdpName clientName();

  /** True while a connection to the router is up. */
  boolean isConnected();

  /**
   * Creates a log: builds its metadata from the spec, names it by SHA-256 of the metadata and sends
   * CREATE to the creation service. Completes with the new log's name and metadata.
   */
  CompletableFuture<LogInfo> createLogAsync(LogSpec spec);

  default LogInfo createLog(LogSpec spec) {
    return Blocking.get(createLogAsync(spec));
  }

  /** Opens a log for reading, verifying records. */
  default CompletableFuture<LogReader> openReaderAsync(GdpName log) {
    return openReaderAsync(log, true);
  }

  /** Opens a log for reading; {@code verify = false} skips signature checks. */
  CompletableFuture<LogReader> openReaderAsync(GdpName log, boolean verify);

  default LogReader openReader(GdpName log) {
    return Blocking.get(openReaderAsync(log));
  }

  default LogReader openReader(GdpName log, boolean verify) {
    return Blocking.get(openReaderAsync(log, verify));
  }

  /**
   * Opens a log for appending with the writer's key. Fails with {@link GdpStatus.Code#FORBIDDEN}
   * if the log's metadata names a different Ed25519 writer key (WPK, else OPK).
   */
  default CompletableFuture<LogWriter> openWriterAsync(GdpName log, Ed25519Keys writerKey) {
    return openWriterAsync(log, writerKey, AppendMode.FIXED_RECNOS);
  }

  /**
   * Opens a log for appending in the given mode: {@link AppendMode#RENUMBER_ON_CONFLICT} for a log
   * other writers append to as well (records get the next free numbers).
   */
  CompletableFuture<LogWriter> openWriterAsync(GdpName log, Ed25519Keys writerKey, AppendMode mode);

  default LogWriter openWriter(GdpName log, Ed25519Keys writerKey) {
    return Blocking.get(openWriterAsync(log, writerKey));
  }

  default LogWriter openWriter(GdpName log, Ed25519Keys writerKey, AppendMode mode) {
    return Blocking.get(openWriterAsync(log, writerKey, mode));
  }

  /**
   * Deletes a log (GDP DELETE): its log server removes it and withdraws its name. Completes when
   * the server acknowledged; fails {@link GdpStatus.Code#NOT_IMPLEMENTED} on a server without
   * DELETE (the reference gdplogd), {@link GdpStatus.Code#NO_ROUTE} or
   * {@link GdpStatus.Code#NOT_FOUND} if no such log is reachable. Handles open on the log stop
   * working. The GDP protocol carries no proof of who asks: servers that honour it trust the
   * network's clients.
   */
  CompletableFuture<Void> deleteLogAsync(GdpName log);

  default void deleteLog(GdpName log) {
    Blocking.get(deleteLogAsync(log));
  }

  /** Closes the client (see the class comment). Idempotent. */
  CompletableFuture<Void> closeAsync();

  @Override
  default void close() {
    Blocking.get(closeAsync());
  }

  /** Options for a client. Not thread-safe; {@link #build()} may be called more than once. */
  final class Builder {
    private SocketAddress router = new InetSocketAddress("127.0.0.1", DEFAULT_PORT);
    private Duration requestTimeout = Duration.ofSeconds(10);
    private Duration resendInterval = Duration.ofSeconds(2);
    private Duration subscriptionRefresh = Duration.ofSeconds(60);
    private Duration subscriptionCheck = Duration.ofSeconds(2);
    private int maxInFlight = 256;
    private Backoff backoff;
    private Executor callbackExecutor = ForkJoinPool.commonPool();
    private GdpName clientName;
    private GdpName creationService = DEFAULT_CREATION_SERVICE;
    private ServerMode serverMode = ServerMode.GDPSTORE;
    private Clock clock = Clock.systemUTC();
    private SecureRandom random;

    private Builder() {}

    /**
     * The router: an {@link InetSocketAddress} connects over TCP (NIO), a Netty
     * {@code LocalAddress} connects in-process. Default {@code 127.0.0.1:8009}.
     */
    public Builder router(SocketAddress address) {
      this.router = Objects.requireNonNull(address, "address");
      return this;
    }

    /** How long a call may take before it fails with DEADLINE_EXCEEDED (default 10 s). */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /**
     * How long to wait for an answer before re-sending an idempotent request (open, read, append) on
     * the same connection (default 2 s); bounded by the request timeout.
     */
    public Builder resendInterval(Duration interval) {
      this.resendInterval = positive(interval, "resendInterval");
      return this;
    }

    /** How often subscriptions are refreshed on the server (default 60 s, the reference's need, spec 3.5.7). */
    public Builder subscriptionRefresh(Duration interval) {
      this.subscriptionRefresh = positive(interval, "subscriptionRefresh");
      return this;
    }

    /**
     * How often a log with live subscriptions is asked (PING) whether the server still knows them
     * (default 2 s; {@link ServerMode#GDPSTORE} only: the reference crashes on PING). A restarted
     * log server forgets subscriptions; the client then resumes them from the last record received.
     */
    public Builder subscriptionCheck(Duration interval) {
      this.subscriptionCheck = positive(interval, "subscriptionCheck");
      return this;
    }

    /** The most requests outstanding at once (default 256); further calls wait for a slot. */
    public Builder maxInFlight(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxInFlight must be >= 1, got " + max);
      }
      this.maxInFlight = max;
      return this;
    }

    /** Reconnect delays (default {@link Backoff#defaults()}). */
    public Builder backoff(Backoff backoff) {
      this.backoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /** Where futures complete and listeners run (default the common fork-join pool; never shut down by us). */
    public Builder callbackExecutor(Executor executor) {
      this.callbackExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** The routing name to advertise (default: 32 random bytes, as the reference does). */
    public Builder clientName(GdpName name) {
      this.clientName = Objects.requireNonNull(name, "name");
      return this;
    }

    /** Where CREATE goes: a creation service or a log server's own name (default the reference service name). */
    public Builder creationService(GdpName name) {
      this.creationService = Objects.requireNonNull(name, "name");
      return this;
    }

    /** Which server semantics to expect (default {@link ServerMode#GDPSTORE}). */
    public Builder serverMode(ServerMode mode) {
      this.serverMode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** Clock for record timestamps and creation times (default UTC system clock). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Randomness for names and nonces (default a new {@link SecureRandom}). */
    public Builder random(SecureRandom random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** Starts a client; it connects in the background. */
    public GdpClient build() {
      SecureRandom rnd = random != null ? random : new SecureRandom();
      GdpName name = clientName;
      if (name == null) {
        byte[] b = new byte[GdpName.LENGTH];
        rnd.nextBytes(b);
        name = GdpName.of(b);
      }
      ClientConfig config = new ClientConfig(router, requestTimeout, resendInterval, subscriptionRefresh, subscriptionCheck,
          maxInFlight, backoff != null ? backoff : Backoff.defaults(), callbackExecutor, name, creationService, serverMode, clock,
          rnd);
      return Clients.start(config);
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, got " + d);
      }
      return d;
    }
  }
}
