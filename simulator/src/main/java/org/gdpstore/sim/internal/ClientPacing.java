package org.gdpstore.sim.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.channel.ChannelHandlerContext;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.gdpstore.wire.GdpMessages;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.Pdu;
import org.gdpstore.wire.PduType;
import org.gdpstore.wire.proto.GdpMessage;

/**
 * Backpressure on one client connection of the router: it is not read while its answers are not
 * being read (not writable), nor while {@code maxInFlight} of its commands are unanswered (until
 * half are). Counting is approximate (an answer is any response other than ACK_CONTENT, or a
 * NOROUTE, written to the client; single-record reads are not counted; faults and log-server crashes lose commands), so a pause during
 * which not one answer arrives ends after {@link #STALE_PAUSE_MILLIS} with the count reset: a
 * wrong count can slow a client down, never stop it. Confined to the connection's event loop.
 */
final class ClientPacing {
  /** A pause for answers during which not one answer arrives ends after this long (the count is stale). */
  static final long STALE_PAUSE_MILLIS = 1000;

  private final ChannelHandlerContext ctx;
  private final int maxInFlight;
  private final Consumer<Pdu> forward;
  private final Runnable flush;
  private int unanswered;
  /** Answers delivered so far (a stalled pause is one during which this does not move). */
  private long answers;
  private boolean paused;
  /** Commands read in the same read batch after the pause began; forwarded when it ends. */
  private final ArrayDeque<Pdu> parked = new ArrayDeque<>();

  /**
   * @param forward routes a command onwards
   * @param flush flushes what was routed
   */
  ClientPacing(ChannelHandlerContext ctx, int maxInFlight, Consumer<Pdu> forward, Runnable flush) {
    this.ctx = ctx;
    this.maxInFlight = maxInFlight;
    this.forward = forward;
    this.flush = flush;
  }

  /** A REGULAR PDU from the client. */
  void inbound(Pdu pdu) {
    if (paused) {
      parked.addLast(pdu);
      return;
    }
    count(pdu);
    forward.accept(pdu);
  }

  private void count(Pdu pdu) {
    int code = SimRouter.peekCode(pdu.content());
    if (code >= 64 && code < 128 && !answeredByContentAlone(code, pdu) && ++unanswered >= maxInFlight) {
      paused = true;
      ctx.channel().config().setAutoRead(false);
      checkPause(answers);
    }
  }

  /**
   * A single-record read (READ_BY_HASH, or READ_BY_RECNO / READ_BY_TS for 0 more records) is
   * answered by one ACK_CONTENT and nothing else, which {@link #answered} cannot tell from one record
   * of a range: such a command is not counted, or every 1,024 of them would pause the client for
   * {@link #STALE_PAUSE_MILLIS}.
   */
  static boolean answeredByContentAlone(int code, Pdu pdu) {
    if (code == MsgCode.CMD_READ_BY_HASH) {
      return true;
    }
    if (code != MsgCode.CMD_READ_BY_RECNO && code != MsgCode.CMD_READ_BY_TS) {
      return false;
    }
    try {
      GdpMessage m = GdpMessages.parse(pdu.content());
      return code == MsgCode.CMD_READ_BY_RECNO
          ? m.getCmdReadByRecno().hasNrecs() && m.getCmdReadByRecno().getNrecs() == 0
          : m.getCmdReadByTs().hasNrecs() && m.getCmdReadByTs().getNrecs() == 0;
    } catch (InvalidProtocolBufferException e) {
      return false; // the log server refuses it with one NAK, which counts
    }
  }

  private void checkPause(long answersAtLastCheck) {
    ctx.executor().schedule(() -> {
      if (!paused || !ctx.channel().isActive()) {
        return;
      }
      if (answers == answersAtLastCheck) {
        unanswered = 0; // nothing came back for a while: the count has gone stale
        resume();
      } else {
        checkPause(answers);
      }
    }, STALE_PAUSE_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Something is written to the client; an answer may let reading resume. */
  void answered(Object msg) {
    if (!(msg instanceof Pdu p)) {
      return;
    }
    boolean answer = p.type() == PduType.NAK_NOROUTE;
    if (p.type() == PduType.REGULAR) {
      int code = SimRouter.peekCode(p.content());
      answer = code >= 128 && code != MsgCode.ACK_CONTENT;
    }
    if (answer) {
      answers++;
      if (unanswered > 0) {
        unanswered--;
      }
      if (paused && unanswered <= maxInFlight / 2) {
        resume();
      }
    }
  }

  private void resume() {
    paused = false;
    while (!parked.isEmpty() && !paused) {
      Pdu p = parked.pollFirst();
      count(p);
      forward.accept(p);
    }
    flush.run();
    if (!paused) {
      ctx.channel().config().setAutoRead(ctx.channel().isWritable());
    }
  }

  /** A client whose answers pile up unread is not read either (it cannot make more work for the log server). */
  void writabilityChanged() {
    ctx.channel().config().setAutoRead(ctx.channel().isWritable() && !paused);
  }

  /** The connection closed: parked commands are dropped. */
  void release() {
    parked.forEach(Pdu::release);
    parked.clear();
  }
}
