package org.gdpstore.client.internal;

import java.net.SocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.gdpstore.client.Backoff;
import org.gdpstore.client.ServerMode;
import org.gdpstore.wire.GdpName;

/** The client's options, validated by {@code GdpClient.Builder}. */
public record ClientConfig(SocketAddress router, Duration requestTimeout, Duration resendInterval,
                           Duration subscriptionRefresh, Duration subscriptionCheck, int maxInFlight, Backoff backoff, Executor callbackExecutor,
                           GdpName clientName, GdpName creationService, ServerMode serverMode, Clock clock,
                           SecureRandom random) {}
