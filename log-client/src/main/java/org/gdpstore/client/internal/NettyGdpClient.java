package org.gdpstore.client.internal;

import java.util.concurrent.CompletableFuture;
import org.gdpstore.client.GdpClient;
import org.gdpstore.client.GdpStatus;
import org.gdpstore.client.LogInfo;
import org.gdpstore.client.LogReader;
import org.gdpstore.client.LogSpec;
import org.gdpstore.client.LogWriter;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;

/** Placeholder while the Netty implementation is written: every call fails with UNAVAILABLE. */
public final class NettyGdpClient implements GdpClient {
  private final ClientConfig config;

  public NettyGdpClient(ClientConfig config) {
    this.config = config;
  }

  @Override
  public GdpName clientName() {
    return config.clientName();
  }

  @Override
  public boolean isConnected() {
    return false;
  }

  @Override
  public CompletableFuture<LogInfo> createLogAsync(LogSpec spec) {
    return CompletableFuture.failedFuture(GdpStatus.of(GdpStatus.Code.UNAVAILABLE, "not implemented yet").asException());
  }

  @Override
  public CompletableFuture<LogReader> openReaderAsync(GdpName log, boolean verify) {
    return CompletableFuture.failedFuture(GdpStatus.of(GdpStatus.Code.UNAVAILABLE, "not implemented yet").asException());
  }

  @Override
  public CompletableFuture<LogWriter> openWriterAsync(GdpName log, Ed25519Keys writerKey) {
    return CompletableFuture.failedFuture(GdpStatus.of(GdpStatus.Code.UNAVAILABLE, "not implemented yet").asException());
  }

  @Override
  public CompletableFuture<Void> closeAsync() {
    return CompletableFuture.completedFuture(null);
  }
}
