package org.gdpstore.client.internal;

import com.google.protobuf.ByteString;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.gdpstore.client.GdpException;
import org.gdpstore.client.GdpStatus;
import org.gdpstore.client.LogRecord;
import org.gdpstore.client.LogWriter;
import org.gdpstore.client.RecordListener;
import org.gdpstore.client.ServerMode;
import org.gdpstore.client.Subscription;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpMessage;

/**
 * An open log: a reader, and a writer when it holds the writer key. Public methods run on any
 * thread; the writer's numbering state, its in-flight appends and the subscriptions are confined
 * to the client's network thread.
 */
final class LogHandle implements LogWriter {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LogHandle.class);
  /** Largest record data accepted: a PDU payload is at most 65,535 bytes, minus framing and signature. */
  static final int MAX_RECORD_SIZE = NettyGdpClient.MAX_PAYLOAD - 256;
  /** Datum-list APPENDs (GDPSTORE mode) stay below this many data bytes. */
  private static final int BATCH_BYTES = 60_000;
  private static final int BATCH_RECORDS = 256;
  /** Results at least this long are verified in parallel, in chunks of {@link #DECODE_CHUNK}. */
  private static final int PARALLEL_DECODE = 64;
  private static final int DECODE_CHUNK = 32;
  /** How many parked appends after the oldest one in flight are re-sent at a time. */
  private static final int UNPARK_WINDOW = 32;

  final NettyGdpClient client;
  private final GdpName name;
  private final LogMetadata metadata;
  private final boolean verify;
  private final Ed25519Keys keys;
  private final AtomicLong nrecs;
  private final Set<CompletableFuture<?>> outstanding = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
  private volatile boolean closed;

  /** Where callers should continue numbering after the network thread re-synchronised (spec 6.6). */
  private record Prediction(long generation, long next) {}

  private volatile Prediction prediction;
  private final boolean signs;

  // --- callers, under predictLock ---
  private final Object predictLock = new Object();
  private long predictedNext;
  private long seenGeneration;
  private RecordCodec callerCodec;

  // --- network thread only ---
  private RecordCodec writerCodec;
  private long nextRecno;
  private final ArrayDeque<AppendOp> waiting = new ArrayDeque<>();
  private final TreeMap<Long, AppendOp> inflight = new TreeMap<>();
  private boolean needResync;
  private boolean resyncing;
  private final Set<SubscriptionImpl> subs = new LinkedHashSet<>();
  /** Asks the server now and then whether it still knows our subscriptions (GDPSTORE mode). */
  private io.netty.util.concurrent.ScheduledFuture<?> subscriptionCheck;

  LogHandle(NettyGdpClient client, GdpName name, LogMetadata metadata, long nrecs, boolean verify, Ed25519Keys keys) {
    this.client = client;
    this.name = name;
    this.metadata = metadata;
    this.verify = verify;
    this.keys = keys;
    this.nrecs = new AtomicLong(nrecs);
    this.nextRecno = nrecs + 1;
    this.predictedNext = nrecs + 1;
    this.prediction = new Prediction(0, nrecs + 1);
    this.signs = new RecordCodec(name, metadata).canVerify();
  }

  @Override
  public GdpName name() {
    return name;
  }

  @Override
  public LogMetadata metadata() {
    return metadata;
  }

  @Override
  public long nrecs() {
    return nrecs.get();
  }

  @Override
  public boolean verifies() {
    return verify;
  }

  void observe(long recno) {
    nrecs.accumulateAndGet(recno, Math::max);
  }

  RecordCodec newCodec() {
    return new RecordCodec(name, metadata);
  }

  // ------------------------------------------------------------------ reads

  @Override
  public CompletableFuture<Long> lastRecnoAsync() {
    if (closed) {
      return closedFuture();
    }
    OpenRequest r = new OpenRequest(client, name, MsgCode.CMD_OPEN_RO);
    return track(client.submitExternal(r, r.result, o -> {
      observe(o.recno());
      return o.recno();
    }));
  }

  @Override
  public CompletableFuture<LogRecord> readAsync(long recno) {
    if (recno == 0) {
      return Futures.failed(GdpStatus.of(GdpStatus.Code.INVALID_ARGUMENT, "record number 0 is not a record (spec 8.16)"));
    }
    if (closed) {
      return closedFuture();
    }
    ReadRequest r = ReadRequest.byRecno(client, name, recno, 0);
    return track(client.submitExternal(r, r.result, list -> {
      if (list.isEmpty()) {
        throw GdpStatus.of(GdpStatus.Code.NOT_FOUND, "no record " + recno + " in " + name).asException();
      }
      return decode(list).get(0);
    }));
  }

  @Override
  public CompletableFuture<List<LogRecord>> readRangeAsync(long from, int count) {
    if (from == 0 || count < 1) {
      return Futures.failed(GdpStatus.of(GdpStatus.Code.INVALID_ARGUMENT,
          "need from != 0 and count >= 1, got from=" + from + " count=" + count));
    }
    if (closed) {
      return closedFuture();
    }
    ReadRequest r = ReadRequest.byRecno(client, name, from, count);
    return track(client.submitExternal(r, r.result, this::decode));
  }

  @Override
  public CompletableFuture<List<LogRecord>> readByTimestampAsync(Instant from, int count) {
    Objects.requireNonNull(from, "from");
    if (count < 1) {
      return Futures.failed(GdpStatus.of(GdpStatus.Code.INVALID_ARGUMENT, "count must be >= 1, got " + count));
    }
    if (closed) {
      return closedFuture();
    }
    ReadRequest r = ReadRequest.byTimestamp(client, name, from, count);
    return track(client.submitExternal(r, r.result, this::decode));
  }

  @Override
  public CompletableFuture<LogRecord> readByHashAsync(byte[] recordHash) {
    Objects.requireNonNull(recordHash, "recordHash");
    if (closed) {
      return closedFuture();
    }
    ReadRequest r = ReadRequest.byHash(client, name, recordHash);
    return track(client.submitExternal(r, r.result, list -> {
      if (list.isEmpty()) {
        throw GdpStatus.of(GdpStatus.Code.NOT_FOUND, "no record with that hash in " + name).asException();
      }
      return decode(list).get(0);
    }));
  }

  /**
   * Decodes and verifies (runs on the callback executor). Long results are verified in parallel
   * chunks on the common fork-join pool (signature checks dominate reading); a record that fails
   * fails the whole call with INTEGRITY.
   */
  private List<LogRecord> decode(List<GdpDatum> datums) {
    int n = datums.size();
    LogRecord[] out = new LogRecord[n];
    if (n < PARALLEL_DECODE || !verify) {
      RecordCodec codec = newCodec();
      for (int i = 0; i < n; i++) {
        out[i] = codec.decode(datums.get(i), verify);
      }
    } else {
      int chunks = (n + DECODE_CHUNK - 1) / DECODE_CHUNK;
      java.util.stream.IntStream.range(0, chunks).parallel().forEach(c -> {
        RecordCodec codec = newCodec(); // one per chunk: a codec is not thread-safe
        for (int i = c * DECODE_CHUNK; i < Math.min(n, (c + 1) * DECODE_CHUNK); i++) {
          out[i] = codec.decode(datums.get(i), true);
        }
      });
    }
    return List.of(out);
  }

  // ------------------------------------------------------------------ subscriptions

  @Override
  public Subscription subscribe(long from, RecordListener listener) {
    Objects.requireNonNull(listener, "listener");
    SubscriptionImpl s = new SubscriptionImpl(client, this, from, SubscriptionImpl.sinkOf(listener));
    start(s);
    return s;
  }

  @Override
  public Flow.Publisher<LogRecord> publisher(long from) {
    return subscriber -> {
      Objects.requireNonNull(subscriber, "subscriber");
      SubscriptionImpl s = new SubscriptionImpl(client, this, from, SubscriptionImpl.sinkOf(subscriber));
      subscriber.onSubscribe(s.flowSubscription());
      start(s);
    };
  }

  private void start(SubscriptionImpl s) {
    client.executeOrFail(s, () -> {
      if (closed) {
        client.fail(s, GdpStatus.of(GdpStatus.Code.CLOSED, "log handle closed"));
        return;
      }
      subs.add(s);
      startSubscriptionCheck();
      if (!s.hasAbsoluteStart()) {
        // resolve a relative start against the server's count first, so that a re-subscribe
        // after a reconnect continues exactly where this subscription began
        OpenRequest o = new OpenRequest(client, name, MsgCode.CMD_OPEN_RO);
        o.result.whenComplete((opened, t) -> {
          if (s.finished) {
            return;
          }
          if (t != null) {
            client.fail(s, Futures.toGdp(t).status());
          } else {
            observe(opened.recno());
            s.resolveStart(opened.recno());
            client.submit(s);
          }
        });
        client.submit(o);
        return;
      }
      client.submit(s);
    });
  }

  void removeSubscription(SubscriptionImpl s) {
    subs.remove(s);
    if (subs.isEmpty() && subscriptionCheck != null) {
      subscriptionCheck.cancel(false);
      subscriptionCheck = null;
    }
  }

  /**
   * Starts the periodic PING that finds out, within seconds, that a restarted log server forgot our
   * subscriptions. Never in REFERENCE mode: PING crashes gdplogd.
   */
  private void startSubscriptionCheck() {
    if (subscriptionCheck != null || client.config.serverMode() == ServerMode.REFERENCE) {
      return;
    }
    long every = client.config.subscriptionCheck().toNanos();
    subscriptionCheck = client.loop.scheduleAtFixedRate(this::checkSubscriptions, every, every, TimeUnit.NANOSECONDS);
  }

  private void checkSubscriptions() {
    if (closed || client.isClosed()) {
      return;
    }
    for (SubscriptionImpl s : subs) {
      if (s.isEstablished()) {
        client.submit(new PingRequest(client, name, this::onSubscriptionsLost));
        return;
      }
    }
  }

  /** The server answered PING with LOST_SUBSCR: subscribe again from the last record received. */
  private void onSubscriptionsLost() {
    for (SubscriptionImpl s : new ArrayList<>(subs)) {
      s.resubscribe();
    }
  }

  boolean canWrite() {
    return keys != null;
  }

  // ------------------------------------------------------------------ appends

  @Override
  public CompletableFuture<Long> appendAsync(byte[] data) {
    return appendAsync(data, client.config.clock().instant());
  }

  @Override
  public CompletableFuture<Long> appendAsync(byte[] data, Instant timestamp) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(timestamp, "timestamp");
    CompletableFuture<List<Long>> f = appendItems(List.of(new AppendOp.Item(ByteString.copyFrom(data), timestamp)));
    return f.thenApply(l -> l.get(0));
  }

  @Override
  public CompletableFuture<List<Long>> appendBatchAsync(List<byte[]> data) {
    Objects.requireNonNull(data, "data");
    Instant now = client.config.clock().instant();
    List<AppendOp.Item> items = new ArrayList<>(data.size());
    for (byte[] d : data) {
      items.add(new AppendOp.Item(ByteString.copyFrom(Objects.requireNonNull(d, "data element")), now));
    }
    return appendItems(items);
  }

  private CompletableFuture<List<Long>> appendItems(List<AppendOp.Item> items) {
    if (keys == null) {
      return Futures.failed(GdpStatus.of(GdpStatus.Code.INVALID_ARGUMENT, "log " + name + " was opened for reading"));
    }
    if (closed) {
      return closedFuture();
    }
    for (AppendOp.Item it : items) {
      if (it.data().size() > MAX_RECORD_SIZE) {
        return Futures.failed(GdpStatus.of(GdpStatus.Code.INVALID_ARGUMENT, "record of " + it.data().size()
            + " bytes exceeds the " + MAX_RECORD_SIZE + "-byte maximum (one PDU)"));
      }
    }
    if (items.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    List<CompletableFuture<List<Long>>> parts = new ArrayList<>();
    boolean reference = client.config.serverMode() == ServerMode.REFERENCE;
    int i = 0;
    while (i < items.size()) {
      int j = i + 1;
      if (!reference) {
        // spec 8.7: datum lists only for servers that handle them
        long bytes = items.get(i).data().size();
        while (j < items.size() && j - i < BATCH_RECORDS && bytes + items.get(j).data().size() <= BATCH_BYTES) {
          bytes += items.get(j).data().size();
          j++;
        }
      }
      AppendOp op = new AppendOp(client, this, List.copyOf(items.subList(i, j)));
      try {
        op.permit = client.acquirePermit();
      } catch (GdpException e) {
        parts.add(CompletableFuture.failedFuture(e));
        break;
      }
      // sign here, on the caller's thread, with the record number the writer will most likely
      // give the op; the network thread checks the guess and re-signs only if it was wrong
      synchronized (predictLock) {
        presign(op);
        client.executeOrFail(op, () -> enqueue(op));
      }
      parts.add(op.result);
      i = j;
    }
    CompletableFuture<List<Long>> all = CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
        .thenApply(v -> {
          List<Long> out = new ArrayList<>(items.size());
          for (CompletableFuture<List<Long>> p : parts) {
            out.addAll(p.join());
          }
          return out;
        });
    return track(Futures.relay(all, client.config.callbackExecutor(), v -> v));
  }

  /** A new append from the caller. Network thread. */
  private void enqueue(AppendOp op) {
    if (closed) {
      client.fail(op, GdpStatus.of(GdpStatus.Code.CLOSED, "log handle closed"));
      return;
    }
    client.armDeadline(op);
    if (needResync || resyncing || !waiting.isEmpty()) {
      waiting.add(op);
      maybeResync();
      return;
    }
    release(op);
  }

  /** Caller side, under {@link #predictLock}: builds and signs the datums with the predicted numbers. */
  private void presign(AppendOp op) {
    Prediction reset = prediction;
    if (reset.generation() != seenGeneration) {
      seenGeneration = reset.generation();
      predictedNext = reset.next();
    }
    if (callerCodec == null) {
      callerCodec = newCodec();
    }
    op.predictedFirst = predictedNext;
    op.presigned = build(callerCodec, predictedNext, op.items);
    predictedNext += op.items.size();
  }

  private List<GdpDatum> build(RecordCodec codec, long first, List<AppendOp.Item> items) {
    // a log that names no writer key cannot have its signatures checked by anyone: do not sign
    Ed25519Keys signer = signs ? keys : null;
    List<GdpDatum> ds = new ArrayList<>(items.size());
    long r = first;
    for (AppendOp.Item it : items) {
      ds.add(codec.build(r++, it.timestamp(), it.data(), signer));
    }
    return ds;
  }

  /** Numbers, signs and sends an op. Network thread. */
  private void release(AppendOp op) {
    if (writerCodec == null) {
      writerCodec = newCodec();
    }
    op.firstRecno = nextRecno;
    long r = nextRecno + op.items.size();
    if (op.presigned != null && op.predictedFirst == nextRecno) {
      op.datums = op.presigned;
    } else {
      op.datums = build(writerCodec, nextRecno, op.items); // the guess was wrong (e.g. after a resync)
    }
    op.presigned = null;
    GdpMessage probe = op.message(1);
    if (probe.getSerializedSize() + 8 > NettyGdpClient.MAX_PAYLOAD) {
      op.datums = null;
      client.fail(op, GdpStatus.of(GdpStatus.Code.INVALID_ARGUMENT, "APPEND of " + probe.getSerializedSize()
          + " bytes does not fit one PDU"));
      return;
    }
    nextRecno = r;
    inflight.put(op.firstRecno, op);
    client.submit(op);
  }

  void onAppendResponse(AppendOp op, GdpEnvelope env) {
    int code = env.cmd();
    if (MsgCode.isAck(code) && code != MsgCode.ACK_CONTENT && code != MsgCode.ACK_END_OF_RESULTS) {
      appendSucceeded(op);
      return;
    }
    if (code == MsgCode.NAK_C_FORBIDDEN || code == MsgCode.NAK_C_REC_MISSING) {
      // a gap: a predecessor has not been stored yet (reordered or lost on the way)
      if (inflight.lowerKey(op.firstRecno) != null) {
        LOG.debug("{} append {} parked behind {}", client.logPrefix(), op.firstRecno, inflight.firstKey());
        op.parked = true; // re-sent when its predecessor is acknowledged
        if (op.resendTimer != null) {
          op.resendTimer.cancel(false);
          op.resendTimer = null;
        }
        // fast retransmit: the server saw this op without the first one in flight. If that one's
        // latest copy went out before this op's, that copy was lost (or overtaken): send it again now.
        AppendOp head = inflight.firstEntry().getValue();
        if (head.parked || head.lastSentNanos - op.lastSentNanos < 0) {
          head.parked = false;
          client.send(head);
        }
        return;
      }
      if (op.gapRetries++ < 3) {
        client.send(op);
        return;
      }
    }
    if (code == MsgCode.NAK_C_CONFLICT) {
      verifyStored(op, env);
      return;
    }
    client.fail(op, MsgCode.isNak(code) ? Request.nakStatus(env)
        : GdpStatus.of(GdpStatus.Code.PROTOCOL_ERROR, "APPEND answered with " + MsgCode.name(code)));
  }

  /**
   * A CONFLICT: something is stored at our record number. If it is exactly our record (an earlier
   * attempt got through and only its answer was lost) the append succeeded.
   */
  private void verifyStored(AppendOp op, GdpEnvelope nak) {
    client.detach(op);
    List<CompletableFuture<List<GdpDatum>>> reads = new ArrayList<>();
    for (GdpDatum d : op.datums) {
      ReadRequest r = ReadRequest.byRecno(client, name, d.getRecno(), 0);
      reads.add(r.result);
      client.submit(r);
    }
    CompletableFuture.allOf(reads.toArray(new CompletableFuture<?>[0])).whenComplete((v, t) -> {
      if (op.finished) {
        return;
      }
      boolean same = t == null;
      for (int i = 0; same && i < reads.size(); i++) {
        List<GdpDatum> got = reads.get(i).join();
        same = !got.isEmpty() && writerCodec.sameRecord(op.datums.get(i), got.get(0));
      }
      if (same) {
        appendSucceeded(op);
      } else {
        client.fail(op, Request.nakStatus(nak).withDescription("record " + op.firstRecno
            + " of " + name + " already holds different content"));
      }
    });
  }

  private void appendSucceeded(AppendOp op) {
    LOG.debug("{} append {} acknowledged", client.logPrefix(), op.firstRecno);
    inflight.remove(op.firstRecno);
    observe(op.lastRecno());
    client.finish(op);
    op.result.complete(op.recnos());
    unparkAll();
    maybeResync();
  }

  void onAppendNoRoute(AppendOp op) {
    client.fail(op, GdpStatus.fromNak(MsgCode.NAK_R_NOROUTE, "no route to log " + name));
  }

  /** Called once when an op fails (it is already out of the client's table). */
  void onAppendFailed(AppendOp op, GdpStatus status) {
    if (op.datums == null) {
      waiting.remove(op);
    } else if (inflight.remove(op.firstRecno) != null) {
      // the server's count is now uncertain: ask it before numbering more
      needResync = true;
    }
    op.result.completeExceptionally(status.asException());
    unparkAll();
    maybeResync();
  }

  /**
   * Re-sends parked appends near the head of the pipeline (a sliding window): after a loss only a
   * window's worth is re-sent at once, and each acknowledgement lets the window slide on.
   */
  private void unparkAll() {
    boolean any = false;
    int index = 0;
    for (AppendOp p : inflight.values()) {
      if (index++ >= UNPARK_WINDOW) {
        break;
      }
      if (p.parked) {
        p.parked = false;
        client.write(p);
        any = true;
      }
    }
    if (any) {
      client.flush();
    }
  }

  /** Once nothing is in flight, re-reads the server's record count and releases the waiting appends. */
  private void maybeResync() {
    if (!needResync || resyncing || !inflight.isEmpty() || closed) {
      if (!needResync && !resyncing && inflight.isEmpty()) {
        drainWaiting();
      }
      return;
    }
    resyncing = true;
    OpenRequest o = new OpenRequest(client, name, MsgCode.CMD_OPEN_AO);
    o.result.whenComplete((opened, t) -> {
      resyncing = false;
      if (t == null) {
        needResync = false;
        nextRecno = opened.recno() + 1;
        prediction = new Prediction(prediction.generation() + 1, nextRecno + waitingRecords());
        observe(opened.recno());
        drainWaiting();
      } else if (!waiting.isEmpty() && !closed && !client.isClosed()) {
        client.loop.schedule(this::maybeResync, client.config.resendInterval().toNanos(), TimeUnit.NANOSECONDS);
      }
    });
    client.submit(o);
  }

  private long waitingRecords() {
    long n = 0;
    for (AppendOp op : waiting) {
      n += op.items.size();
    }
    return n;
  }

  private void drainWaiting() {
    while (!waiting.isEmpty() && !needResync && !resyncing) {
      release(waiting.poll());
    }
  }

  // ------------------------------------------------------------------ lifecycle

  /** After a reconnect: re-open the log (spec 2.5); subscriptions and appends are re-sent by the client. */
  void onReconnected() {
    OpenRequest o = new OpenRequest(client, name, keys != null ? MsgCode.CMD_OPEN_AO : MsgCode.CMD_OPEN_RO);
    o.result.whenComplete((opened, t) -> {
      if (t == null) {
        observe(opened.recno());
      }
    });
    client.submit(o);
  }

  /** The client is closing: its table has already failed the requests in flight. Network thread. */
  void onClientClosed() {
    closed = true;
    GdpStatus st = GdpStatus.of(GdpStatus.Code.CLOSED, "client closed");
    for (AppendOp op : new ArrayList<>(waiting)) {
      client.fail(op, st);
    }
    for (SubscriptionImpl s : new ArrayList<>(subs)) {
      client.fail(s, st);
    }
    subs.clear();
    removeSubscription(null);
    Futures.run(client.config.callbackExecutor(), () -> closeFuture.complete(null));
  }

  @Override
  public CompletableFuture<Void> closeAsync() {
    synchronized (closeFuture) {
      if (closed) {
        return closeFuture.thenApply(v -> v);
      }
      closed = true;
    }
    try {
      client.execute(() -> {
        for (SubscriptionImpl s : new ArrayList<>(subs)) {
          s.closeQuietly();
        }
        subs.clear();
        removeSubscription(null);
        GdpStatus st = GdpStatus.of(GdpStatus.Code.CLOSED, "log handle closed");
        for (AppendOp op : new ArrayList<>(waiting)) {
          client.fail(op, st);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      closeFuture.complete(null);
      return closeFuture.thenApply(v -> v);
    }
    // let calls in flight finish (an append may already be stored), then tell the server
    CompletableFuture.allOf(outstanding.toArray(new CompletableFuture<?>[0])).handle((v, t) -> {
      try {
        client.execute(() -> {
          client.unregister(this);
          if (!client.hasHandleFor(name)) {
            // the simulator ends all of this client's subscriptions on CLOSE: only when the last handle goes
            client.sendUntracked(name, GdpMessage.newBuilder().setCmd(MsgCode.CMD_CLOSE).setRid(client.untrackedRid()).build());
          }
          Futures.run(client.config.callbackExecutor(), () -> closeFuture.complete(null));
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        closeFuture.complete(null);
      }
      return null;
    });
    return closeFuture.thenApply(v -> v);
  }

  boolean isClosed() {
    return closed;
  }

  private <T> CompletableFuture<T> track(CompletableFuture<T> f) {
    outstanding.add(f);
    f.whenComplete((v, t) -> outstanding.remove(f));
    return f;
  }

  private static <T> CompletableFuture<T> closedFuture() {
    return Futures.failed(GdpStatus.of(GdpStatus.Code.CLOSED, "log handle closed"));
  }

  @Override
  public String toString() {
    return (keys != null ? "LogWriter[" : "LogReader[") + name + ", nrecs=" + nrecs.get() + "]";
  }
}
