package org.gdpstore.client.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.gdpstore.client.GdpStatus;
import org.gdpstore.client.LogReader;
import org.gdpstore.client.LogRecord;
import org.gdpstore.client.RecordListener;
import org.gdpstore.client.ServerMode;
import org.gdpstore.client.Subscription;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpMessage;

/**
 * An open log, for reading: reads, subscriptions and the handle's lifecycle. Public methods run on
 * any thread; the subscriptions are confined to the client's network thread. {@link WriterHandle}
 * adds appends; a reader handle is never a {@link org.gdpstore.client.LogWriter}.
 */
class ReaderHandle implements LogReader {
  /** Results at least this long are verified in parallel, in chunks of {@link #DECODE_CHUNK}. */
  private static final int PARALLEL_DECODE = 64;
  private static final int DECODE_CHUNK = 32;
  /** Chained results hash in larger chunks: a hash costs far less than a signature check. */
  private static final int CHAIN_CHUNK = 128;
  /**
   * Results being decoded now in this JVM. A result is split over the common pool only while fewer
   * than {@link #CORES} are: when several are (a reader with many ranges in flight), each already
   * has a core, and splitting them too only made the callers spin in the pool waiting for their
   * parts (a third of the CPU of a pipelined 100,000-record read, benchmarks/results/cli-streaming.md).
   */
  private static final AtomicInteger DECODING = new AtomicInteger();
  private static final int CORES = Runtime.getRuntime().availableProcessors();

  final Outbound client;
  private final GdpName name;
  private final LogMetadata metadata;
  private final boolean verify;
  private final AtomicLong nrecs;
  private final Set<CompletableFuture<?>> outstanding = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
  private volatile boolean closed;

  // --- network thread only ---
  private final Set<SubscriptionImpl> subs = new LinkedHashSet<>();
  /** Asks the server now and then whether it still knows our subscriptions (GDPSTORE mode). */
  private Scheduler.Cancellable subscriptionCheck;

  ReaderHandle(Outbound client, GdpName name, LogMetadata metadata, long nrecs, boolean verify) {
    this.client = client;
    this.name = name;
    this.metadata = metadata;
    this.verify = verify;
    this.nrecs = new AtomicLong(nrecs);
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

  /** A record number known to exist (acknowledged, received or counted by the server). */
  void observe(long recno) {
    nrecs.accumulateAndGet(recno, Math::max);
  }

  RecordCodec newCodec() {
    return new RecordCodec(name, metadata);
  }

  /** The OPEN a reconnect sends for this handle. */
  int openCommand() {
    return MsgCode.CMD_OPEN_RO;
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
    if (chainVerified()) {
      return track(readOn(recno, 1).thenApply(got -> {
        if (got.datums().isEmpty()) {
          throw GdpStatus.of(GdpStatus.Code.NOT_FOUND, "no record " + recno + " in " + name).asException();
        }
        return decodeHead(checkFirst(got, recno)).get(0);
      }));
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
    if (chainVerified()) {
      return track(readOn(from, count).thenApply(got -> decodeHead(checkFirst(got, from))));
    }
    ReadRequest r = ReadRequest.byRecno(client, name, from, count);
    return track(client.submitExternal(r, r.result, list -> decode(consecutive(list, from))));
  }

  /**
   * An answer the server gave in full (lost PDUs were asked for again) that still skips a record:
   * the log has no such record (a gap, e.g. in a reference log), which a range read never hides.
   */
  private List<GdpDatum> consecutive(List<GdpDatum> list, long from) {
    int skip = 0;
    while (from > 0 && skip < list.size() && list.get(skip).getRecno() < from) {
      skip++; // not asked for
    }
    long expected = from > 0 || list.isEmpty() ? from : list.get(0).getRecno();
    for (int i = skip; i < list.size(); i++, expected++) {
      if (list.get(i).getRecno() != expected) {
        throw GdpStatus.of(GdpStatus.Code.NOT_FOUND, name + " has no record " + expected + ": the server's answer"
            + " goes on with record " + list.get(i).getRecno()).asException();
      }
    }
    return skip == 0 ? list : list.subList(skip, list.size());
  }


  /** How many records past a mid-batch end are asked for at a time, looking for the batch's signed record. */
  private static final int READ_ON = 64;

  /** A verifying reader of a chained log: ranges read on to a signed record (one batch at most). */
  private boolean chainVerified() {
    return verify && metadata.chained() && newCodec().canVerify();
  }

  /** The result and how many of its records were asked for; the rest only vouch for them. */
  private record ReadOn(List<GdpDatum> datums, int wanted) {}

  /** Reads {@code from, count}, then on past an unsigned last record until a signed one (or the end). */
  private CompletableFuture<ReadOn> readOn(long from, int count) {
    ReadRequest r = ReadRequest.byRecno(client, name, from, count);
    return client.submitExternal(r, r.result, list -> list).thenCompose(list -> extend(new ArrayList<>(list), list.size()));
  }

  private CompletableFuture<ReadOn> extend(List<GdpDatum> got, int wanted) {
    if (got.isEmpty() || hasSig(got.get(got.size() - 1))) {
      return CompletableFuture.completedFuture(new ReadOn(got, wanted));
    }
    ReadRequest more = ReadRequest.byRecno(client, name, got.get(got.size() - 1).getRecno() + 1, READ_ON);
    CompletableFuture<List<GdpDatum>> next = client.submitExternal(more, more.result, list -> list)
        .exceptionally(t -> {
          if (Futures.toGdp(t).code() == GdpStatus.Code.NOT_FOUND) {
            return List.of(); // nothing after it: an unsigned tail, which the verifier refuses
          }
          throw Futures.toGdp(t);
        });
    return next.thenCompose(list -> {
      if (list.isEmpty()) {
        return CompletableFuture.completedFuture(new ReadOn(got, wanted)); // the verifier reports the unsigned tail
      }
      for (GdpDatum d : list) {
        got.add(d);
        if (hasSig(d)) {
          return CompletableFuture.completedFuture(new ReadOn(got, wanted));
        }
      }
      return extend(got, wanted);
    });
  }

  /** A server that answers a read from record {@code from} (> 0) with a later record is lying by omission. */
  private ReadOn checkFirst(ReadOn got, long from) {
    if (from > 0 && !got.datums().isEmpty() && got.datums().get(0).getRecno() != from) {
      throw GdpStatus.of(GdpStatus.Code.INTEGRITY, "asked " + name + " for record " + from + " and got record "
          + got.datums().get(0).getRecno()).asException();
    }
    return got;
  }

  private static boolean hasSig(GdpDatum d) {
    return d.hasSig() && !d.getSig().getSig().isEmpty();
  }

  private List<LogRecord> decodeHead(ReadOn r) {
    List<LogRecord> all = decode(r.datums());
    return all.subList(0, Math.min(r.wanted(), all.size()));
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
    if (chainVerified()) {
      return track(client.submitExternal(r, r.result, list -> list).thenCompose(this::verifyRuns));
    }
    return track(client.submitExternal(r, r.result, this::decode));
  }

  /**
   * Chained: verifies records that came back by time or hash. Each run of consecutive record
   * numbers reads on to the signed record of its last batch and is checked as a chain (records in
   * timestamp order need not be consecutive when timestamps go backwards).
   */
  private CompletableFuture<List<LogRecord>> verifyRuns(List<GdpDatum> datums) {
    List<CompletableFuture<List<LogRecord>>> parts = new ArrayList<>();
    int start = 0;
    for (int i = 1; i <= datums.size(); i++) {
      if (i == datums.size() || datums.get(i).getRecno() != datums.get(i - 1).getRecno() + 1) {
        List<GdpDatum> run = new ArrayList<>(datums.subList(start, i));
        parts.add(extend(run, run.size()).thenApply(this::decodeHead));
        start = i;
      }
    }
    return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
      List<LogRecord> out = new ArrayList<>(datums.size());
      for (CompletableFuture<List<LogRecord>> p : parts) {
        out.addAll(p.join());
      }
      return out;
    });
  }

  @Override
  public CompletableFuture<LogRecord> readByHashAsync(byte[] recordHash) {
    Objects.requireNonNull(recordHash, "recordHash");
    if (closed) {
      return closedFuture();
    }
    ReadRequest r = ReadRequest.byHash(client, name, recordHash);
    byte[] wanted = recordHash.clone();
    CompletableFuture<List<GdpDatum>> got = client.submitExternal(r, r.result, list -> {
      if (list.isEmpty()) {
        throw GdpStatus.of(GdpStatus.Code.NOT_FOUND, "no record with that hash in " + name).asException();
      }
      return list.subList(0, 1);
    });
    CompletableFuture<List<LogRecord>> records = chainVerified() ? got.thenCompose(this::verifyRuns)
        : got.thenApply(this::decode);
    return track(records.thenApply(list -> {
      LogRecord rec = list.get(0);
      if (verify && !java.util.Arrays.equals(rec.recordHashBytes(), wanted)) {
        throw GdpStatus.of(GdpStatus.Code.INTEGRITY, "asked " + name + " for a record by hash and got record "
            + rec.recno() + ", whose hash differs").asException();
      }
      return rec;
    }));
  }

  /**
   * Decodes and verifies (runs on the callback executor). Long results are verified in parallel
   * chunks on the common fork-join pool (signature checks dominate reading) unless other results
   * are being decoded at the same time ({@link #DECODING}); a record that fails fails the whole
   * call with INTEGRITY.
   */
  private List<LogRecord> decode(List<GdpDatum> datums) {
    int running = DECODING.incrementAndGet();
    try {
      return decode(datums, datums.size() >= PARALLEL_DECODE && running < CORES);
    } finally {
      DECODING.decrementAndGet();
    }
  }

  private List<LogRecord> decode(List<GdpDatum> datums, boolean parallel) {
    int n = datums.size();
    if (verify && metadata.chained() && n > 0) {
      RecordCodec codec = newCodec();
      if (codec.canVerify()) {
        // one signature per batch, a hash per record; long results hash on both cores
        return List.of(!parallel ? ChainVerifier.verify(codec, datums)
            : ChainVerifier.verifyParallel(this::newCodec, datums, CHAIN_CHUNK));
      }
    }
    LogRecord[] out = new LogRecord[n];
    if (!parallel || !verify) {
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
    SubscriptionImpl.SubscribeRequest req = s.request();
    client.executeOrFail(req, () -> {
      if (closed) {
        client.fail(req, GdpStatus.of(GdpStatus.Code.CLOSED, "log handle closed"));
        return;
      }
      subs.add(s);
      startSubscriptionCheck();
      if (!s.hasAbsoluteStart()) {
        // resolve a relative start against the server's count first, so that a re-subscribe
        // after a reconnect continues exactly where this subscription began
        OpenRequest o = new OpenRequest(client, name, MsgCode.CMD_OPEN_RO);
        o.result.whenComplete((opened, t) -> {
          if (req.finished) {
            return;
          }
          if (t != null) {
            client.fail(req, Futures.toGdp(t).status());
          } else {
            observe(opened.recno());
            s.resolveStart(opened.recno());
            client.submit(req);
          }
        });
        client.submit(o);
        return;
      }
      client.submit(req);
    });
  }

  void removeSubscription(SubscriptionImpl s) {
    subs.remove(s);
    if (subs.isEmpty() && subscriptionCheck != null) {
      subscriptionCheck.cancel();
      subscriptionCheck = null;
    }
  }

  /**
   * Starts the periodic PING that finds out, within seconds, that a restarted log server forgot our
   * subscriptions. Never in REFERENCE mode: PING crashes gdplogd.
   */
  private void startSubscriptionCheck() {
    if (subscriptionCheck != null || client.config().serverMode() == ServerMode.REFERENCE) {
      return;
    }
    subscriptionCheck = client.scheduler().every(this::checkSubscriptions,
        client.config().subscriptionCheck().toNanos());
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

  // ------------------------------------------------------------------ lifecycle

  /** After a reconnect: re-open the log (spec 2.5); subscriptions and appends are re-sent by the client. */
  void onReconnected() {
    OpenRequest o = new OpenRequest(client, name, openCommand());
    o.result.whenComplete((opened, t) -> {
      if (t == null) {
        observe(opened.recno());
      }
    });
    client.submit(o);
  }

  /** The handle is closing: fail what it still holds that the client's table does not. Network thread. */
  void onClosing(GdpStatus status) {}

  /** The client is closing: its table has already failed the requests in flight. Network thread. */
  void onClientClosed() {
    closed = true;
    GdpStatus st = GdpStatus.of(GdpStatus.Code.CLOSED, "client closed");
    onClosing(st);
    for (SubscriptionImpl s : new ArrayList<>(subs)) {
      client.fail(s.request(), st);
    }
    subs.clear();
    removeSubscription(null);
    Futures.run(client.config().callbackExecutor(), () -> closeFuture.complete(null));
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
        onClosing(GdpStatus.of(GdpStatus.Code.CLOSED, "log handle closed"));
      });
    } catch (RejectedExecutionException e) {
      closeFuture.complete(null);
      return closeFuture.thenApply(v -> v);
    }
    // let calls in flight finish (an append may already be stored), then tell the server
    CompletableFuture.allOf(outstanding.toArray(new CompletableFuture<?>[0])).handle((v, t) -> {
      try {
        client.execute(() -> {
          if (client.unregister(this)) {
            // the simulator ends all of this client's subscriptions on CLOSE: only when the last handle goes
            client.sendUntracked(name, GdpMessage.newBuilder().setCmd(MsgCode.CMD_CLOSE).setRid(client.untrackedRid()).build());
          }
          Futures.run(client.config().callbackExecutor(), () -> closeFuture.complete(null));
        });
      } catch (RejectedExecutionException e) {
        closeFuture.complete(null);
      }
      return null;
    });
    return closeFuture.thenApply(v -> v);
  }

  boolean isClosed() {
    return closed;
  }

  <T> CompletableFuture<T> track(CompletableFuture<T> f) {
    outstanding.add(f);
    f.whenComplete((v, t) -> outstanding.remove(f));
    return f;
  }

  static <T> CompletableFuture<T> closedFuture() {
    return Futures.failed(GdpStatus.of(GdpStatus.Code.CLOSED, "log handle closed"));
  }

  @Override
  public String toString() {
    return "LogReader[" + name + ", nrecs=" + nrecs.get() + "]";
  }
}
