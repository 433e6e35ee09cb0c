package org.gdpstore.client;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.gdpstore.client.internal.Clients;

/** The blocking twins: wait for a future and unwrap its failure to {@link GdpException}. */
final class Blocking {
  private Blocking() {}

  static <T> T get(CompletableFuture<T> future) {
    if (Clients.onNetworkThread()) {
      throw new IllegalStateException("blocking GDP call on the client's network thread; use the Async variant");
    }
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw GdpStatus.of(GdpStatus.Code.CANCELLED, "interrupted while waiting", e).asException();
    } catch (ExecutionException | CompletionException e) {
      throw unwrap(e.getCause());
    } catch (CancellationException e) {
      throw GdpStatus.of(GdpStatus.Code.CANCELLED, "cancelled", e).asException();
    }
  }

  static GdpException unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof GdpException g) {
      // a fresh exception so the caller's stack shows up, with the original as cause
      return new GdpException(g.status().withCause(g));
    }
    if (t instanceof CancellationException) {
      return GdpStatus.of(GdpStatus.Code.CANCELLED, "cancelled", t).asException();
    }
    return GdpStatus.of(GdpStatus.Code.PROTOCOL_ERROR, String.valueOf(t), t).asException();
  }
}
