package org.gdpstore.client;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.gdpstore.client.internal.Clients;

/**
 * Waiting for the client's futures: the blocking twins use it, and so may callers of the Async
 * variants. The one place that peels {@link CompletionException}/{@link ExecutionException}.
 */
public final class Blocking {
  private Blocking() {}

  /**
   * Waits for {@code future}; its failure, an interrupt or a cancellation become a
   * {@link GdpException}. Must not be called on the client's network thread.
   */
  public static <T> T get(CompletableFuture<T> future) {
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

  /** The failure a future's exception wraps: {@code t} without its completion/execution wrappers. */
  public static Throwable cause(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  static GdpException unwrap(Throwable t) {
    t = cause(t);
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
