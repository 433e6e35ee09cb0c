package org.gdpstore.client.internal;

import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.gdpstore.client.GdpException;
import org.gdpstore.client.GdpStatus;
import org.gdpstore.client.LogRecord;
import org.gdpstore.client.RecordListener;
import org.gdpstore.client.Subscription;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.proto.CmdSubscribeByRecno;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUBSCRIBE_BY_RECNO (spec 3.5.7) as a long-lived request. On the network thread: records are
 * accepted strictly in record-number order (duplicates dropped, a gap triggers a re-subscribe from
 * the next missing record), and the subscription is refreshed periodically and after reconnects
 * with the same rid. Flow control: every SUBSCRIBE asks for at most {@link #CHUNK} records; when the
 * server has sent them it ends the subscription (END_OF_RESULTS) and the client subscribes again
 * from the next record as soon as fewer than {@link #LOW_WATER} records wait for the consumer. So
 * at most about two chunks are ever buffered, even behind a slow consumer. Delivery runs one record
 * at a time on the callback executor, where each record is decoded and verified.
 */
final class SubscriptionImpl implements Subscription {
  private static final Logger logger = LoggerFactory.getLogger(SubscriptionImpl.class);
  static final int CHUNK = 1024;
  static final int LOW_WATER = CHUNK / 4;

  /** Where records go: a {@link RecordListener} or a {@link Flow.Subscriber}. */
  interface Sink {
    void onRecord(LogRecord r);

    void onError(Throwable t);

    void onEnd();

    /** Whether closing by the consumer signals {@link #onEnd()} (listeners yes, Flow no). */
    boolean endOnClose();

    /** Whether an exception from {@link #onRecord} cancels the subscription. */
    boolean cancelOnThrow();
  }

  private final Outbound client;
  private final ReaderHandle log;
  private final GdpName dst;
  /** The SUBSCRIBE in the client's table (one rid for the subscription's life). */
  private final SubscribeRequest req;
  private final long from;
  private final Sink sink;
  private final RecordCodec codec;
  /** Chained log, verifying: records are delivered batch by batch once the batch's signed record verifies. */
  private final boolean chained;
  // --- callback executor (drain loop) only ---
  private final java.util.ArrayDeque<LogRecord> ready = new java.util.ArrayDeque<>();
  private final java.util.List<GdpDatum> batch = new java.util.ArrayList<>();
  private byte[] lastHash;

  // --- network thread ---
  private long lastReceived;
  /** The server acknowledged this subscription at least once. */
  private boolean acknowledged;
  /** A SUBSCRIBE (first, or after a chunk ended) is not acknowledged yet: re-send it when quiet. */
  private boolean awaitingAck = true;
  private boolean gapRefreshPending;
  /** Records received beyond a gap, waiting for it to be filled (at most {@link #CHUNK}). */
  private final java.util.TreeMap<Long, GdpDatum> ahead = new java.util.TreeMap<>();
  private Scheduler.Cancellable refreshTimer;

  // --- shared with the delivery side ---
  private final ConcurrentLinkedQueue<GdpDatum> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicLong demand = new AtomicLong();
  private final AtomicInteger wip = new AtomicInteger();
  private volatile boolean paused;
  private volatile boolean terminated;
  private volatile Throwable terminalError;
  private volatile long lastDelivered;

  SubscriptionImpl(Outbound client, ReaderHandle log, long from, Sink sink) {
    this.client = client;
    this.log = log;
    this.dst = log.name();
    this.req = new SubscribeRequest();
    this.from = from;
    this.sink = sink;
    this.codec = log.newCodec();
    this.chained = log.verifies() && log.metadata().chained() && codec.canVerify();
    this.lastReceived = from > 0 ? from - 1 : -1;
    this.lastDelivered = from > 0 ? from - 1 : 0;
  }

  static Sink sinkOf(RecordListener l) {
    Objects.requireNonNull(l, "listener");
    return new Sink() {
      @Override
      public void onRecord(LogRecord r) {
        l.onRecord(r);
      }

      @Override
      public void onError(Throwable t) {
        l.onError(t instanceof GdpException g ? g : Futures.toGdp(t));
      }

      @Override
      public void onEnd() {
        l.onEnd();
      }

      @Override
      public boolean endOnClose() {
        return true;
      }

      @Override
      public boolean cancelOnThrow() {
        return false;
      }
    };
  }

  static Sink sinkOf(Flow.Subscriber<? super LogRecord> s) {
    return new Sink() {
      @Override
      public void onRecord(LogRecord r) {
        s.onNext(r);
      }

      @Override
      public void onError(Throwable t) {
        s.onError(t);
      }

      @Override
      public void onEnd() {
        s.onComplete();
      }

      @Override
      public boolean endOnClose() {
        return false;
      }

      @Override
      public boolean cancelOnThrow() {
        return true;
      }
    };
  }

  /** The SUBSCRIBE request as the client's table sees it. */
  SubscribeRequest request() {
    return req;
  }

  /**
   * SUBSCRIBE_BY_RECNO in the client's table: what it sends and where its answers go. The
   * subscription owns it; the table sees a request like any other.
   */
  final class SubscribeRequest extends Request {
    SubscribeRequest() {
      super(SubscriptionImpl.this.client, SubscriptionImpl.this.dst);
    }

    @Override
    GdpMessage message(int rid) {
      return subscribeMessage(rid);
    }

    @Override
    boolean resendable() {
      return awaitingAck;
    }

    @Override
    boolean matchesRidless() {
      return false; // subscription data always carries the rid
    }

    @Override
    void onNoRoute() {
      if (!acknowledged) {
        super.onNoRoute();
      }
      // an established subscription outlives a log server restart: it is re-sent once the route is back
    }

    @Override
    void onResponse(GdpEnvelope env) {
      onAnswer(env);
    }

    @Override
    void onFailure(GdpStatus status) {
      onFailed(status);
    }
  }

  /** Listener subscriptions have unbounded demand; Flow subscribers signal theirs. */
  private boolean unboundedDemand() {
    return sink.endOnClose();
  }

  Flow.Subscription flowSubscription() {
    return new Flow.Subscription() {
      @Override
      public void request(long n) {
        if (n <= 0) {
          fail(new IllegalArgumentException("Flow rule 3.9: request(" + n + ") must be positive"));
          return;
        }
        demand.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
        drain();
      }

      @Override
      public void cancel() {
        close();
      }
    };
  }

  // ------------------------------------------------------------------ Subscription

  @Override
  public long lastDelivered() {
    return lastDelivered;
  }

  @Override
  public boolean isActive() {
    return !terminated;
  }

  @Override
  public void close() {
    if (terminated) {
      return;
    }
    terminated = true;
    try {
      client.execute(this::closeQuietly);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // client gone: nothing to tell the server
    }
    if (sink.endOnClose()) {
      Futures.run(client.config().callbackExecutor(), this::signalEndOnce);
    }
  }

  /** Network thread: leave the table and tell the server. Data still arriving for the rid is discarded. */
  void closeQuietly() {
    if (!req.finished) {
      client.finish(req);
      cancelRefresh();
      log.removeSubscription(this);
      client.sendUntracked(dst, GdpMessage.newBuilder().setCmd(MsgCode.CMD_UNSUBSCRIBE).setRid(req.rid).build());
    }
    if (!terminated) {
      terminated = true;
      if (sink.endOnClose()) {
        Futures.run(client.config().callbackExecutor(), this::signalEndOnce);
      }
    }
  }

  private final AtomicInteger endSignalled = new AtomicInteger();

  private void signalEndOnce() {
    if (endSignalled.getAndIncrement() == 0) {
      try {
        sink.onEnd();
      } catch (RuntimeException e) {
        logger.warn("{} subscriber threw from onEnd", client.logPrefix(), e);
      }
    }
  }

  private void signalErrorOnce(Throwable t) {
    if (endSignalled.getAndIncrement() == 0) {
      try {
        sink.onError(t);
      } catch (RuntimeException e) {
        logger.warn("{} subscriber threw from onError", client.logPrefix(), e);
      }
    }
  }

  // ------------------------------------------------------------------ network side

  /** True once the first record number to deliver is known. */
  boolean hasAbsoluteStart() {
    return lastReceived >= 0;
  }

  /** Turns a relative start (0 = after the last record, -k = the last k) into an absolute one. */
  void resolveStart(long serverNrecs) {
    long start = Math.max(1, from + serverNrecs + 1);
    lastReceived = start - 1;
    lastDelivered = start - 1;
  }

  private GdpMessage subscribeMessage(int rid) {
    awaitingAck = true; // every SUBSCRIBE sent (first, refresh, resume) is re-sent if no answer comes
    CmdSubscribeByRecno.Builder b = CmdSubscribeByRecno.newBuilder();
    long start = lastReceived >= 0 ? lastReceived + 1 : from;
    if (start != 0) {
      b.setStart(start);
    }
    b.setNrecs(CHUNK);
    return GdpMessage.newBuilder().setCmd(MsgCode.CMD_SUBSCRIBE_BY_RECNO).setRid(rid).setCmdSubscribeByRecno(b).build();
  }

  private void onAnswer(GdpEnvelope env) {
    int code = env.cmd();
    if (MsgCode.isNak(code)) {
      client.fail(req, Request.nakStatus(env));
      return;
    }
    if (code == MsgCode.ACK_END_OF_RESULTS) {
      // spec 8.9: any 191, whatever its body, means the server ended this subscription: our chunk
      // is used up. Continue from the next record once the consumer has caught up.
      markAcknowledged();
      logger.debug("{} subscription {} chunk ended after {} ({} queued)", client.logPrefix(), req.rid, lastReceived,
          queued.get());
      req.parked = true;
      paused = true;
      if (queued.get() <= LOW_WATER) {
        resume();
      }
      return;
    }
    markAcknowledged();
    if (code == MsgCode.ACK_CONTENT) {
      for (GdpDatum d : env.message().getAckContent().getDl().getDList()) {
        accept(d);
      }
    }
  }

  private void markAcknowledged() {
    awaitingAck = false;
    RequestTable.cancelResend(req);
    if (!acknowledged) {
      acknowledged = true;
      client.cancelDeadline(req);
    }
    if (refreshTimer == null && !req.finished) {
      refreshTimer = client.scheduler().every(this::refresh, client.config().subscriptionRefresh().toNanos());
    }
  }

  /** Re-sends SUBSCRIBE with the same rid (spec 3.5.7: the server replaces it and replays from start). */
  private void refresh() {
    // not while the consumer is behind: a refresh restarts the server's chunk and would pile up more
    if (!req.finished && !req.parked && queued.get() <= LOW_WATER) {
      gapRefreshPending = false;
      client.send(req);
    }
  }

  private void cancelRefresh() {
    if (refreshTimer != null) {
      refreshTimer.cancel();
      refreshTimer = null;
    }
  }

  private void accept(GdpDatum d) {
    long r = d.getRecno();
    if (lastReceived >= 0) {
      if (r <= lastReceived) {
        return; // duplicate (replay after refresh, reference races)
      }
      if (r > lastReceived + 1) {
        // a gap: never deliver out of order. Keep the record (bounded) and ask again from the
        // first missing one; the replay fills the gap and the kept records follow.
        logger.debug("{} subscription {} gap: got {} after {}", client.logPrefix(), req.rid, r, lastReceived);
        if (ahead.size() < CHUNK) {
          ahead.putIfAbsent(r, d);
        }
        if (!gapRefreshPending && !req.parked) {
          gapRefreshPending = true;
          client.send(req);
        }
        return;
      }
    }
    gapRefreshPending = false;
    enqueue(d);
    // records that arrived early and now follow in order
    while (!ahead.isEmpty() && ahead.firstKey() <= lastReceived + 1) {
      GdpDatum next = ahead.pollFirstEntry().getValue();
      if (next.getRecno() == lastReceived + 1) {
        enqueue(next);
      }
    }
    drain();
  }

  private void enqueue(GdpDatum d) {
    lastReceived = d.getRecno();
    log.observe(lastReceived);
    queue.add(d);
    queued.incrementAndGet();
  }

  /** Acknowledged by the server and not between chunks: the server should hold it now. */
  boolean isEstablished() {
    return acknowledged && !req.parked && !req.finished && !req.routeLost && !awaitingAck;
  }

  /**
   * The server forgot this subscription (a restart): subscribe again, same rid, from the record
   * after the last one received; duplicates are dropped and gaps refilled as usual. Network thread.
   */
  void resubscribe() {
    if (acknowledged && !req.parked && !req.finished && !req.routeLost) {
      logger.info("{} subscription {} to {} lost on the server; resuming from {}", client.logPrefix(), req.rid, dst,
          lastReceived + 1);
      client.send(req);
    }
  }

  /** Subscribes again from the next record after a chunk ended. Network thread. */
  private void resume() {
    if (req.parked && !req.finished) {
      logger.debug("{} subscription {} resumes from {}", client.logPrefix(), req.rid, lastReceived + 1);
      req.parked = false;
      paused = false;
      awaitingAck = true;
      client.send(req);
    }
  }

  private void onFailed(GdpStatus status) {
    cancelRefresh();
    log.removeSubscription(this);
    terminalError = status.asException();
    drain();
  }

  /** A consumer-side failure (Flow rule violation, exception from onNext). */
  private void fail(Throwable t) {
    if (terminated) {
      return;
    }
    terminated = true;
    try {
      client.execute(this::closeQuietly);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // client gone
    }
    Futures.run(client.config().callbackExecutor(), () -> signalErrorOnce(t));
  }

  // ------------------------------------------------------------------ delivery (callback executor)

  private void drain() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    Futures.run(client.config().callbackExecutor(), this::drainLoop);
  }

  private void drainLoop() {
    int missed = 1;
    while (true) {
      while (!terminated && (unboundedDemand() || demand.get() > 0)) {
        LogRecord rec = ready.poll();
        int left = queued.get();
        try {
          while (rec == null) {
            GdpDatum d = queue.poll();
            if (d == null) {
              break;
            }
            left = queued.decrementAndGet();
            if (!chained) {
              rec = codec.decode(d, log.verifies());
            } else {
              // a chained log: hold a batch back until its signed record verifies and links back
              batch.add(d);
              if (d.hasSig() && !d.getSig().getSig().isEmpty()) {
                LogRecord[] verified = ChainVerifier.verify(codec, batch, lastHash);
                lastHash = codec.recordHash(d);
                batch.clear();
                ready.addAll(java.util.Arrays.asList(verified));
                rec = ready.poll();
              }
            }
          }
        } catch (GdpException e) {
          // never hand out unverified data: the subscription ends with the integrity error
          terminated = true;
          queue.clear();
          client.execute(this::closeQuietly);
          signalErrorOnce(e);
          break;
        }
        if (rec == null) {
          break;
        }
        if (!unboundedDemand()) {
          demand.decrementAndGet();
        }
        lastDelivered = rec.recno();
        try {
          sink.onRecord(rec);
        } catch (RuntimeException e) {
          logger.warn("{} subscriber threw from onRecord", client.logPrefix(), e);
          if (sink.cancelOnThrow()) {
            fail(e);
            break;
          }
        }
        if (paused && left <= LOW_WATER) {
          paused = false;
          client.execute(this::resume);
        }
      }
      if (!terminated && queue.isEmpty() && ready.isEmpty()) {
        Throwable err = terminalError;
        if (err != null) {
          terminated = true;
          signalErrorOnce(err);
        }
      }
      if (paused && queued.get() <= LOW_WATER && !terminated) {
        paused = false;
        client.execute(this::resume);
      }
      missed = wip.addAndGet(-missed);
      if (missed == 0) {
        return;
      }
    }
  }
}
