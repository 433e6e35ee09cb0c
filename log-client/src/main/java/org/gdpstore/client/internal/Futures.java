package org.gdpstore.client.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import org.gdpstore.client.Blocking;
import org.gdpstore.client.GdpException;
import org.gdpstore.client.GdpStatus;

/** Moves completions from the network thread to the callback executor. */
final class Futures {
  private Futures() {}

  /**
   * A future completed on {@code executor} with {@code fn} applied to {@code source}'s value, or
   * with {@code source}'s failure (unwrapped to a {@link GdpException}). {@code fn} may throw a
   * GdpException to fail the result.
   */
  static <T, R> CompletableFuture<R> relay(CompletableFuture<T> source, Executor executor, Function<T, R> fn) {
    CompletableFuture<R> out = new CompletableFuture<>();
    source.whenComplete((v, t) -> run(executor, () -> {
      if (t != null) {
        out.completeExceptionally(toGdp(t));
        return;
      }
      try {
        out.complete(fn.apply(v));
      } catch (RuntimeException e) {
        out.completeExceptionally(toGdp(e));
      }
    }));
    return out;
  }

  /** Runs a task on the executor, or inline if the executor refuses it (e.g. it was shut down). */
  static void run(Executor executor, Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      task.run();
    }
  }

  static GdpException toGdp(Throwable t) {
    t = Blocking.cause(t);
    if (t instanceof GdpException g) {
      return g;
    }
    return GdpStatus.of(GdpStatus.Code.PROTOCOL_ERROR, String.valueOf(t), t).asException();
  }

  /** The status a failed future failed with. */
  static GdpStatus status(CompletableFuture<?> failed) {
    try {
      failed.join();
    } catch (RuntimeException e) {
      return toGdp(e).status();
    }
    throw new IllegalStateException("the future did not fail");
  }

  static <T> CompletableFuture<T> failed(GdpStatus status) {
    return CompletableFuture.failedFuture(status.asException());
  }
}
