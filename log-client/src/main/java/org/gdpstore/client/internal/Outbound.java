package org.gdpstore.client.internal;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.gdpstore.client.GdpStatus;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.proto.GdpMessage;

/**
 * The client as log handles, requests and subscriptions see it: submit a request, write it again,
 * finish or fail it, and run on the network thread. Nothing about connections, rids or the table.
 * Methods marked "network thread" must be called there.
 */
interface Outbound {
  ClientConfig config();

  Scheduler scheduler();

  /** "[gdp-client#name router]", for log lines. */
  String logPrefix();

  boolean isClosed();

  /** Runs a task on the network thread. */
  void execute(Runnable task);

  /** Runs a task on the network thread, failing the request with CLOSED if the thread is gone. */
  void executeOrFail(Request r, Runnable task);

  /**
   * Takes one slot of the in-flight bound, blocking up to the request timeout. Returns false if
   * the call goes ahead without a slot (made on the network thread itself, which must not block).
   */
  boolean acquirePermit();

  /**
   * Takes a slot, hands the request to the network thread and returns a future completed on the
   * callback executor with {@code fn} applied to {@code result}.
   */
  <T, R> CompletableFuture<R> submitExternal(Request r, CompletableFuture<T> result, Function<T, R> fn);

  /** Enters a request into the table and sends it if connected. Network thread. */
  void submit(Request r);

  /** Writes a request again (without flushing) if connected. Network thread. */
  void write(Request r);

  void flush();

  /** Writes and flushes. Network thread. */
  default void send(Request r) {
    write(r);
    flush();
  }

  /** Sends a message nobody waits an answer for (UNSUBSCRIBE, CLOSE); dropped when disconnected. */
  void sendUntracked(GdpName dst, GdpMessage msg);

  /** A fresh non-zero rid for an untracked message. */
  int untrackedRid();

  /** Starts a request's timeout (once). */
  void armDeadline(Request r);

  void cancelDeadline(Request r);

  /** Removes a request from the table and releases its timers and slot. Idempotent. */
  void finish(Request r);

  /** Takes a request out of the table but keeps its slot and deadline. */
  void detach(Request r);

  /** Fails a request once. */
  void fail(Request r, GdpStatus status);

  /** True while a handle of {@code log} is open on this client. */
  boolean isOpen(GdpName log);

  /** A handle is gone; true if it was the last one of its log. Network thread. */
  boolean unregister(ReaderHandle h);
}
