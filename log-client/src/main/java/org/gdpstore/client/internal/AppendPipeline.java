package org.gdpstore.client.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.TreeMap;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A writer's appends on their way to the server: numbering (the writer numbers records itself,
 * spec 6.6), the ops in flight by first record number, gap handling (an op the server saw before
 * its predecessor is parked and re-sent after it), CONFLICT outcomes, and re-synchronising the
 * numbering with the server after an op failed with an unknown outcome. In renumbering mode
 * ({@code AppendMode.RENUMBER_ON_CONFLICT}) one op is in flight at a time, and an op that lost its
 * number to another writer is renumbered (after the log's end as read back, or a re-sync) instead
 * of failing. Confined to the network thread except {@link #submit}.
 *
 * <p>Helpers, one job each: {@link NumberingGuess} (callers presign with guessed numbers),
 * {@link AppendDatums} (numbered, signed or hash-linked datums), {@link AppendPacker} (small ops
 * packed into multi-datum APPENDs), {@link ConflictReadBack} (whose records hold our numbers after
 * a CONFLICT).
 */
final class AppendPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(AppendPipeline.class);
  /** How many parked appends after the oldest one in flight are re-sent at a time. */
  private static final int UNPARK_WINDOW = 32;

  private final Outbound client;
  private final GdpName name;
  private final boolean chained;
  /**
   * RENUMBER_ON_CONFLICT: an op whose number another writer took is renumbered and re-sent. Only one
   * op is in flight, or a later op could be stored at the number the earlier one lost (out of order).
   */
  private final boolean renumber;
  private final LongConsumer observe;
  private final BooleanSupplier handleClosed;
  private final NumberingGuess guess;

  // --- network thread only ---
  private final AppendDatums datums;
  private final AppendPacker packer;
  private final ConflictReadBack readBack;
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
    this.observe = observe;
    this.handleClosed = handleClosed;
    this.nextRecno = nrecs + 1;
    this.guess = new NumberingGuess(nrecs, new AppendDatums(name, metadata, keys));
    this.datums = new AppendDatums(name, metadata, keys);
    this.chained = datums.chained();
    // renumbering keeps one op in flight and renumbers it alone: no packing there
    this.packer = new AppendPacker(client, this, client.config().serverMode() != ServerMode.REFERENCE && !renumber);
    this.readBack = new ConflictReadBack(client, name, datums.codec());
    if (chained) {
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
    guess.presign(op, () -> client.executeOrFail(op, () -> enqueue(op)));
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
    if (packer.waits(op, inflight.size())) {
      waiting.add(op); // goes out with the next acknowledgement, packed with whatever joins it
      return;
    }
    release(op);
  }

  /** Numbers, signs and sends an op (packed or as submitted). Network thread. */
  private void release(AppendOp op) {
    datums.number(op, nextRecno, writerPrev);
    GdpMessage probe = op.message(1);
    if (probe.getSerializedSize() + 8 > NettyGdpClient.MAX_PAYLOAD) {
      op.datums = null;
      client.fail(op, GdpStatus.of(GdpStatus.Code.INVALID_ARGUMENT, "APPEND of " + probe.getSerializedSize()
          + " bytes does not fit one PDU"));
      return;
    }
    nextRecno = op.firstRecno + op.items.size();
    if (chained) {
      writerPrev = op.lastHash;
    }
    inflight.put(op.firstRecno, op);
    client.submit(op);
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
      onConflict(op, env);
      return;
    }
    client.fail(op, MsgCode.isNak(code) ? Request.nakStatus(env)
        : GdpStatus.of(GdpStatus.Code.PROTOCOL_ERROR, "APPEND answered with " + MsgCode.name(code)));
  }

  /**
   * A CONFLICT: something is stored at our record number. If it is exactly our record (an earlier
   * attempt got through and only its answer was lost) the append succeeded; otherwise it fails, or
   * in renumbering mode is renumbered. Only a record of another writer at one of our numbers allows
   * renumbering: that number is taken for good, so no copy of this op still on its way can be stored.
   */
  private void onConflict(AppendOp op, GdpEnvelope nak) {
    client.detach(op);
    if (!renumber) {
      readBack.check(op, found -> {
        if (found.kind() == ConflictReadBack.Kind.MINE) {
          succeeded(op);
        } else {
          failConflict(op, nak);
        }
      });
      return;
    }
    readBack.checkWithTail(op, found -> {
      switch (found.kind()) {
        case MINE -> succeeded(op);
        case NOT_MINE -> failConflict(op, nak); // nothing there to prove the number taken
        case TAKEN -> renumber(op, found.tail());
        case UNREADABLE -> client.fail(op, found.error().withDescription("record " + op.firstRecno + " of " + name
            + " is taken and reading it back failed, so whether this append is stored is unknown: "
            + found.error().description()));
      }
    });
  }

  private void failConflict(AppendOp op, GdpEnvelope nak) {
    client.fail(op, Request.nakStatus(nak).withDescription("record " + op.firstRecno
        + " of " + name + " already holds different content"));
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
        writerPrev = datums.codec().recordHash(tail);
      }
      observe.accept(tail.getRecno());
      guess.reset(nextRecno + waitingRecords(), null);
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
        guess.reset(nextRecno + waitingRecords(), null);
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
      RecordCodec codec = datums.codec();
      if (t == null && !got.isEmpty() && got.get(0).getRecno() == tail && !codec.signatureVerifies(got.get(0))) {
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
        writerPrev = codec.recordHash(got.get(0));
        observe.accept(tail);
        drainWaiting();
        // callers continue the chain from here (a guess: an op they sign meanwhile is rebuilt if wrong)
        guess.reset(nextRecno, needResync ? null : writerPrev);
      } else if (!waiting.isEmpty() && !handleClosed.getAsBoolean() && !client.isClosed()) {
        client.scheduler().schedule(this::maybeResync, client.config().resendInterval().toNanos());
      }
    });
    client.submit(r);
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
    while (!waiting.isEmpty() && !needResync && !resyncing && !(renumber && !inflight.isEmpty())
        && !packer.holding(inflight.size())) {
      release(packer.take(waiting));
    }
  }

  /** Fails the appends not yet numbered (the handle or client is closing). Network thread. */
  void failWaiting(GdpStatus status) {
    for (AppendOp op : new ArrayList<>(waiting)) {
      client.fail(op, status);
    }
  }
}
