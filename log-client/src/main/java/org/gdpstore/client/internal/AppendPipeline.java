package org.gdpstore.client.internal;

import com.google.protobuf.ByteString;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.gdpstore.client.GdpStatus;
import org.gdpstore.client.ServerMode;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpMessage;
import org.gdpstore.wire.proto.GdpSignature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A writer's appends on their way to the server: numbering (the writer numbers records itself,
 * spec 6.6), signing, the ops in flight by first record number, gap handling (an op the server
 * saw before its predecessor is parked and re-sent after it), CONFLICT resolution by reading the
 * record back, and re-synchronising the numbering with the server after an op failed with an
 * unknown outcome. In renumbering mode ({@code AppendMode.RENUMBER_ON_CONFLICT}) one op is in
 * flight at a time, and an op that lost its number to another writer is renumbered (after the
 * log's end as read back, or a re-sync) instead of failing. The caller-side prediction is guarded by a lock; everything else is
 * confined to the network thread.
 *
 * <p>Packing (GDPSTORE mode, group commit, not in renumbering mode): while {@link #PACK_AFTER} APPENDs of a writer are in
 * flight, further ops wait (unless too large to share an APPEND: those go at once when nothing
 * waits ahead of them); each acknowledgement sends the waiting ones together as multi-datum
 * APPENDs (up to {@link #PACK_RECORDS} records / {@link #PACK_BYTES} bytes each). Each caller's
 * future still completes with its own record numbers. In a chained log only the last datum of each APPEND is signed, here
 * on the network thread, so a full pack costs one signature for up to 256 records.
 */
final class AppendPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(AppendPipeline.class);
  /** How many parked appends after the oldest one in flight are re-sent at a time. */
  private static final int UNPARK_WINDOW = 32;
  /** Renumbering mode: records read past a conflicting op to find the end of the log in the same read. */
  private static final int TAIL_PROBE = 16;
  /**
   * APPENDs a writer keeps in flight before further small ops wait to be packed (GDPSTORE mode).
   * Records in flight stay bounded by {@code maxInFlight} either way; fewer, fuller APPENDs mean
   * fewer signatures (4 gave about one per 40 records with 256 in flight, 8 one per 22).
   */
  static final int PACK_AFTER = 4;
  /** A packed APPEND carries at most this many records... */
  static final int PACK_RECORDS = 256;
  /** ...and at most this many bytes of data plus {@link #DATUM_OVERHEAD} per record (one PDU is 65,535). */
  static final int PACK_BYTES = 60_000;
  /** Protobuf framing, record number, timestamp and prevhash of one datum, rounded up. */
  private static final int DATUM_OVERHEAD = 96;

  private final Outbound client;
  private final GdpName name;
  private final LogMetadata metadata;
  private final Ed25519Keys keys;
  private final boolean signs;
  /** Hash-chained with a usable key: datums carry prevhash and only each APPEND's last one is signed. */
  private final boolean chained;
  /**
   * RENUMBER_ON_CONFLICT: an op whose number another writer took is renumbered and re-sent. Only one
   * op is in flight, or a later op could be stored at the number the earlier one lost (out of order).
   */
  private final boolean renumber;
  /** Pending ops may be packed into one APPEND (not in REFERENCE mode: one datum per APPEND there). */
  private final boolean packs;
  private final LongConsumer observe;
  private final BooleanSupplier handleClosed;

  /** Where callers should continue numbering after the network thread re-synchronised (spec 6.6). */
  private record Prediction(long generation, long next, byte[] prev) {}

  private volatile Prediction prediction;

  // --- callers, under predictLock ---
  private final Object predictLock = new Object();
  private long predictedNext;
  private long seenGeneration;
  private RecordCodec callerCodec;
  /** Chained: the hash the caller's next presigned op chains from, or null when unknown. */
  private byte[] callerPrev;

  // --- network thread only ---
  private RecordCodec writerCodec;
  private long nextRecno;
  private final ArrayDeque<AppendOp> waiting = new ArrayDeque<>();
  private final TreeMap<Long, AppendOp> inflight = new TreeMap<>();
  private boolean needResync;
  private boolean resyncing;
  /** Chained: the hash of record {@code nextRecno - 1} (empty before record 1), or null when unknown. */
  private byte[] writerPrev;

  /**
   * @param nrecs the server's record count when the log was opened
   * @param observe told each record number known to exist
   * @param handleClosed whether the handle was closed (no more resyncs)
   */
  AppendPipeline(Outbound client, GdpName name, LogMetadata metadata, Ed25519Keys keys, long nrecs,
                 boolean renumber, LongConsumer observe, BooleanSupplier handleClosed) {
    this.client = client;
    this.renumber = renumber;
    this.name = name;
    this.metadata = metadata;
    this.keys = keys;
    this.observe = observe;
    this.handleClosed = handleClosed;
    this.nextRecno = nrecs + 1;
    this.predictedNext = nrecs + 1;
    this.prediction = new Prediction(0, nrecs + 1, null);
    this.signs = new RecordCodec(name, metadata).canVerify();
    this.chained = signs && metadata.chained();
    // renumbering keeps one op in flight and renumbers it alone: no packing there
    this.packs = client.config().serverMode() != ServerMode.REFERENCE && !renumber;
    if (chained) {
      callerPrev = nrecs == 0 ? new byte[0] : null;
      writerPrev = nrecs == 0 ? new byte[0] : null;
      needResync = nrecs > 0; // the chain continues from the stored tail record: read its hash first
    }
  }

  GdpName name() {
    return name;
  }

  /**
   * Caller side: signs the op with the record number the writer will most likely give it and
   * hands it to the network thread, which checks the guess and re-signs only if it was wrong.
   */
  void submit(AppendOp op) {
    synchronized (predictLock) {
      presign(op);
      client.executeOrFail(op, () -> enqueue(op));
    }
  }

  /**
   * Caller side, under {@link #predictLock}: builds the datums with the predicted numbers, signed
   * (unchained) or hash-linked and left for the network thread to sign the APPEND's last (chained).
   */
  private void presign(AppendOp op) {
    Prediction reset = prediction;
    if (reset.generation() != seenGeneration) {
      seenGeneration = reset.generation();
      predictedNext = reset.next();
      callerPrev = predictedNext == 1 ? new byte[0] : reset.prev();
    }
    if (callerCodec == null) {
      callerCodec = new RecordCodec(name, metadata);
    }
    op.predictedFirst = predictedNext;
    if (!chained) {
      op.presigned = build(callerCodec, predictedNext, op.items);
    } else if (callerPrev != null) {
      op.presignedPrev = callerPrev;
      op.presigned = buildChain(callerCodec, predictedNext, op.items, callerPrev, op);
      callerPrev = op.lastHash;
    }
    predictedNext += op.items.size();
  }

  /** Unsigned chained datums from {@code prev} on. Sets {@code op.lastHash}. */
  private List<GdpDatum> buildChain(RecordCodec codec, long first, List<AppendOp.Item> items, byte[] prev,
                                    AppendOp op) {
    List<GdpDatum> ds = new ArrayList<>(items.size());
    byte[][] hash = new byte[1][];
    long r = first;
    for (AppendOp.Item it : items) {
      ds.add(codec.buildChained(r++, it.timestamp(), it.data(), prev, null, hash));
      prev = hash[0];
    }
    op.lastHash = prev;
    return ds;
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

  /** A new append from the caller. Network thread. */
  private void enqueue(AppendOp op) {
    if (handleClosed.getAsBoolean()) {
      client.fail(op, GdpStatus.of(GdpStatus.Code.CLOSED, "log handle closed"));
      return;
    }
    client.armDeadline(op);
    if (needResync || resyncing || !waiting.isEmpty() || (renumber && !inflight.isEmpty())) {
      waiting.add(op);
      maybeResync();
      return;
    }
    if (packed() && packBytes(op) <= PACK_BYTES / 2) {
      waiting.add(op); // goes out with the next acknowledgement, packed with whatever joins it
      return;
    }
    release(op);
  }

  /** True while enough APPENDs are in flight that new ops wait to be packed. */
  private boolean packed() {
    return packs && inflight.size() >= PACK_AFTER;
  }

  /** Numbers, signs and sends an op (packed or as submitted). Network thread. */
  private void release(AppendOp op) {
    writerCodec();
    op.firstRecno = nextRecno;
    long r = nextRecno + op.items.size();
    if (op.members == null) {
      op.datums = datumsFor(op, nextRecno, writerPrev);
    } else {
      List<GdpDatum> ds = new ArrayList<>(op.items.size());
      long first = nextRecno;
      byte[] prev = writerPrev;
      for (AppendOp m : op.members) {
        m.firstRecno = first;
        ds.addAll(datumsFor(m, first, prev));
        first += m.items.size();
        prev = m.lastHash;
      }
      op.datums = ds;
      op.lastHash = prev;
    }
    if (chained) {
      // one signature per APPEND: it vouches for every datum the chain links back to
      int last = op.datums.size() - 1;
      op.datums.set(last, op.datums.get(last).toBuilder()
          .setSig(GdpSignature.newBuilder().setSig(ByteString.copyFrom(keys.sign(op.lastHash)))).build());
    }
    GdpMessage probe = op.message(1);
    if (probe.getSerializedSize() + 8 > NettyGdpClient.MAX_PAYLOAD) {
      op.datums = null;
      client.fail(op, GdpStatus.of(GdpStatus.Code.INVALID_ARGUMENT, "APPEND of " + probe.getSerializedSize()
          + " bytes does not fit one PDU"));
      return;
    }
    nextRecno = r;
    if (chained) {
      writerPrev = op.lastHash;
    }
    inflight.put(op.firstRecno, op);
    client.submit(op);
  }

  /**
   * The datums of a submitted op numbered from {@code first} (chained: linked to {@code prev},
   * unsigned; sets {@code op.lastHash}): the caller's presigned ones if its guess was right.
   */
  private List<GdpDatum> datumsFor(AppendOp op, long first, byte[] prev) {
    List<GdpDatum> ds;
    if (chained) {
      boolean guessed = op.presigned != null && op.predictedFirst == first && Arrays.equals(op.presignedPrev, prev);
      ds = guessed ? op.presigned : buildChain(writerCodec, first, op.items, prev, op);
    } else if (op.presigned != null && op.predictedFirst == first) {
      ds = op.presigned;
    } else {
      ds = build(writerCodec, first, op.items); // the guess was wrong (e.g. after a resync)
    }
    op.presigned = null;
    return ds;
  }

  void onResponse(AppendOp op, GdpEnvelope env) {
    int code = env.cmd();
    if (MsgCode.isAck(code) && code != MsgCode.ACK_CONTENT && code != MsgCode.ACK_END_OF_RESULTS) {
      succeeded(op);
      return;
    }
    if (code == MsgCode.NAK_C_FORBIDDEN || code == MsgCode.NAK_C_REC_MISSING) {
      // a gap: a predecessor has not been stored yet (reordered or lost on the way)
      if (inflight.lowerKey(op.firstRecno) != null) {
        LOG.debug("{} append {} parked behind {}", client.logPrefix(), op.firstRecno, inflight.firstKey());
        op.parked = true; // re-sent when its predecessor is acknowledged
        RequestTable.cancelResend(op);
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
   * attempt got through and only its answer was lost) the append succeeded; otherwise it fails, or
   * in renumbering mode is renumbered ({@link #resolveShared}).
   */
  private void verifyStored(AppendOp op, GdpEnvelope nak) {
    client.detach(op);
    if (renumber) {
      resolveShared(op, nak);
      return;
    }
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
        succeeded(op);
      } else {
        failConflict(op, nak);
      }
    });
  }

  private void failConflict(AppendOp op, GdpEnvelope nak) {
    client.fail(op, Request.nakStatus(nak).withDescription("record " + op.firstRecno
        + " of " + name + " already holds different content"));
  }

  /**
   * Renumbering mode, after a CONFLICT: one range read from the op's first number tells both whether
   * the records there are ours and, when it reaches the end of the log, where the log ends (and the
   * hash a chained op must link to), so a renumbered op goes out one round trip later. Only a record
   * of another writer at one of our numbers allows renumbering: that number is taken for good, so
   * no copy of this op still on its way can be stored. Network thread.
   */
  private void resolveShared(AppendOp op, GdpEnvelope nak) {
    int count = op.items.size() + TAIL_PROBE;
    ReadRequest r = ReadRequest.byRecno(client, name, op.firstRecno, count);
    r.result.whenComplete((got, t) -> {
      if (op.finished) {
        return;
      }
      if (t != null) {
        GdpStatus s = Futures.status(r.result);
        client.fail(op, s.withDescription("record " + op.firstRecno + " of " + name + " is taken and reading it"
            + " back failed, so whether this append is stored is unknown: " + s.description()));
        return;
      }
      boolean mine = true;
      boolean takenByOther = false;
      for (int i = 0; i < op.datums.size(); i++) {
        GdpDatum stored = find(got, op.firstRecno + i);
        boolean same = stored != null && writerCodec.sameRecord(op.datums.get(i), stored);
        mine &= same;
        takenByOther |= stored != null && !same;
      }
      if (mine) {
        succeeded(op);
      } else if (!takenByOther) {
        failConflict(op, nak); // nothing there to prove the number taken (a server that lost records)
      } else {
        GdpDatum last = got.get(got.size() - 1);
        boolean sawEnd = got.size() < count && last.getRecno() == op.firstRecno + got.size() - 1;
        renumber(op, sawEnd ? last : null);
      }
    });
    client.submit(r);
  }

  private static GdpDatum find(List<GdpDatum> got, long recno) {
    for (GdpDatum d : got) {
      if (d.getRecno() == recno) {
        return d;
      }
    }
    return null;
  }

  /**
   * Another writer holds one of the op's numbers: number it afresh (re-signed, re-chained, a new rid
   * so late answers to old copies are ignored) ahead of everything that waits behind it, after the
   * log's last record {@code tail}, or after a re-sync when the tail is not known. Network thread.
   */
  private void renumber(AppendOp op, GdpDatum tail) {
    LOG.debug("{} append {} lost its number to another writer: renumbering", client.logPrefix(), op.firstRecno);
    inflight.remove(op.firstRecno);
    op.datums = null;
    op.presigned = null;
    op.rid = 0;
    op.gapRetries = 0;
    op.parked = false;
    // the server answered (another writer won the race): a fresh timeout, which measures silence, not losing
    client.cancelDeadline(op);
    client.armDeadline(op);
    waiting.addFirst(op);
    if (tail != null && inflight.isEmpty() && !needResync && !resyncing) {
      nextRecno = tail.getRecno() + 1;
      if (chained) {
        writerPrev = writerCodec().recordHash(tail);
      }
      observe.accept(tail.getRecno());
      prediction = new Prediction(prediction.generation() + 1, nextRecno + waitingRecords(), null);
      drainWaiting();
      return;
    }
    needResync = true;
    maybeResync();
  }

  private void succeeded(AppendOp op) {
    LOG.debug("{} append {} acknowledged", client.logPrefix(), op.firstRecno);
    inflight.remove(op.firstRecno);
    observe.accept(op.lastRecno());
    client.finish(op);
    if (op.members != null) {
      for (AppendOp m : op.members) {
        client.finish(m);
        m.result.complete(m.recnos());
      }
    }
    op.result.complete(op.recnos());
    if (renumber) {
      // one op at a time: the ones queued behind it are not stuck while it makes progress
      for (AppendOp w : waiting) {
        client.cancelDeadline(w);
        client.armDeadline(w);
      }
    }
    unparkAll();
    if (!needResync && !resyncing) {
      drainWaiting();
    }
    maybeResync();
  }

  void onNoRoute(AppendOp op) {
    client.fail(op, GdpStatus.fromNak(MsgCode.NAK_R_NOROUTE, "no route to log " + name));
  }

  /** Called once when an op fails (it is already out of the client's table). */
  void onFailed(AppendOp op, GdpStatus status) {
    if (op.datums == null) {
      waiting.remove(op);
    } else if (inflight.remove(op.firstRecno) != null) {
      // the server's count is now uncertain: ask it before numbering more
      needResync = true;
    }
    if (op.members != null) {
      for (AppendOp m : op.members) {
        client.fail(m, status);
      }
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
    if (!needResync || resyncing || !inflight.isEmpty() || handleClosed.getAsBoolean()) {
      if (!needResync && !resyncing && inflight.isEmpty()) {
        drainWaiting();
      }
      return;
    }
    resyncing = true;
    OpenRequest o = new OpenRequest(client, name, MsgCode.CMD_OPEN_AO);
    o.result.whenComplete((opened, t) -> {
      resyncing = false;
      if (t == null && chained && opened.recno() > 0) {
        readTail(opened.recno());
      } else if (t == null) {
        needResync = false;
        nextRecno = opened.recno() + 1;
        writerPrev = chained ? new byte[0] : null;
        prediction = new Prediction(prediction.generation() + 1, nextRecno + waitingRecords(), null);
        observe.accept(opened.recno());
        drainWaiting();
      } else if (!waiting.isEmpty() && !handleClosed.getAsBoolean() && !client.isClosed()) {
        client.scheduler().schedule(this::maybeResync, client.config().resendInterval().toNanos());
      }
    });
    client.submit(o);
  }

  /** Chained: reads the stored tail record to continue the chain from its hash, then releases. */
  private void readTail(long tail) {
    resyncing = true;
    ReadRequest r = ReadRequest.byRecno(client, name, tail, 1);
    r.result.whenComplete((got, t) -> {
      resyncing = false;
      if (t == null && !got.isEmpty() && got.get(0).getRecno() == tail && !writerCodec().signatureVerifies(got.get(0))) {
        // the chain would continue from a record nobody vouches for (the tail of an APPEND is
        // always signed): refuse to write rather than extend a forged or truncated log
        GdpStatus bad = GdpStatus.of(GdpStatus.Code.INTEGRITY, "cannot continue " + name + ": its last record "
            + tail + " does not carry a valid writer signature");
        for (AppendOp op : new ArrayList<>(waiting)) {
          client.fail(op, bad);
        }
      } else if (t == null && !got.isEmpty() && got.get(0).getRecno() == tail) {
        needResync = false;
        nextRecno = tail + 1;
        writerPrev = writerCodec().recordHash(got.get(0));
        observe.accept(tail);
        drainWaiting();
        // callers continue the chain from here (a guess: an op they sign meanwhile is rebuilt if wrong)
        prediction = new Prediction(prediction.generation() + 1, nextRecno, needResync ? null : writerPrev);
      } else if (!waiting.isEmpty() && !handleClosed.getAsBoolean() && !client.isClosed()) {
        client.scheduler().schedule(this::maybeResync, client.config().resendInterval().toNanos());
      }
    });
    client.submit(r);
  }

  private RecordCodec writerCodec() {
    if (writerCodec == null) {
      writerCodec = new RecordCodec(name, metadata);
    }
    return writerCodec;
  }

  private long waitingRecords() {
    long n = 0;
    for (AppendOp op : waiting) {
      n += op.items.size();
    }
    return n;
  }

  /** Releases the waiting ops in order, packing neighbours into shared APPENDs where allowed. */
  private void drainWaiting() {
    while (!waiting.isEmpty() && !needResync && !resyncing && !(renumber && !inflight.isEmpty()) && !packed()) {
      AppendOp first = waiting.poll();
      if (!packs || waiting.isEmpty()) {
        release(first);
        continue;
      }
      List<AppendOp> group = new ArrayList<>();
      group.add(first);
      long records = first.items.size();
      long bytes = packBytes(first);
      while (!waiting.isEmpty()) {
        AppendOp next = waiting.peek();
        if (records + next.items.size() > PACK_RECORDS || bytes + packBytes(next) > PACK_BYTES) {
          break;
        }
        group.add(waiting.poll());
        records += next.items.size();
        bytes += packBytes(next);
      }
      if (group.size() == 1) {
        release(first);
        continue;
      }
      AppendOp packed = AppendOp.packed(client, this, group);
      for (AppendOp m : group) {
        client.cancelDeadline(m); // the packed APPEND's deadline is theirs now
      }
      client.armDeadline(packed);
      release(packed);
    }
  }

  private static long packBytes(AppendOp op) {
    return op.dataBytes() + (long) DATUM_OVERHEAD * op.items.size();
  }

  /** Fails the appends not yet numbered (the handle or client is closing). Network thread. */
  void failWaiting(GdpStatus status) {
    for (AppendOp op : new ArrayList<>(waiting)) {
      client.fail(op, status);
    }
  }
}
