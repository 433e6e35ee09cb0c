package org.gdpstore.sim.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.gdpstore.wire.EpStat;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.GdpMessageException;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.Pdu;
import org.gdpstore.wire.PduType;

/**
 * The simulated gdplogd's Netty side: a handler on a client connection to the router. It recovers
 * the logs of the data directory at start-up, advertises its own name, the creation-service alias
 * and every log it holds, and hands the envelopes it receives to a {@link LogService}, which holds
 * the rules (docs/simulator.md); this class turns the service's answers into PDUs.
 *
 * <p>Durability: responses produced while handling one read batch are held back until every log
 * file touched by the batch has been synced ({@link GroupCommit}), so an acknowledged record is on
 * stable storage. A failed sync crashes the log server (the acknowledgements are never sent).
 *
 * <p>Threading: everything runs on the event loop of the connection; nothing here is thread-safe.
 */
public final class LogServer extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = Logger.getLogger(LogServer.class.getName());

  private final Path logDir;
  private final StorageFaults storageFaults;
  private final Runnable onSyncFailure;
  private final Map<GdpName, SimLog> logs = new LinkedHashMap<>();
  /** Logs whose file is unusable (unreadable header), with the reason: every command to them gets NAK 222. */
  private final Map<GdpName, String> broken = new LinkedHashMap<>();
  /** Log files listed at start and not recovered yet. */
  private final Map<GdpName, Path> unopened = new LinkedHashMap<>();
  private final LogService service;
  /** Messages of the current read batch, handled at its end ({@link #channelRead}). */
  private final List<Object> inbox = new ArrayList<>();
  private boolean pumpScheduled;
  private ChannelHandlerContext ctx;
  private boolean closed;
  private ScheduledFuture<?> expirySweep;

  /**
   * @param dataDir directory of durable logs, or null for memory only; existing logs are recovered here
   * @param onSyncFailure called (on this thread) when a sync fails; it should crash and restart the server
   * @param links the router connections of clients: long answers to a client that cannot take more
   *     wait instead of piling up in memory, and are dropped when its connection closes
   * @param packContent answer range reads and subscription replays with as many records per
   *     ACK_CONTENT as fit one PDU (the reference sends one record per ACK_CONTENT)
   * @param subscriptionTimeout how long a subscription lives after its last SUBSCRIBE, or zero for
   *     ever; checked at each delivery and by a periodic sweep, as the reference does
   * @param maxAnswersPerClient multi-record answers (range reads, replays) one client may have in
   *     progress; more are refused with NAK 227
   */
  public LogServer(GdpName serverName, GdpName creationAlias, Path dataDir, int maxRecordBytes,
                   StorageFaults storageFaults, Runnable onSyncFailure, ClientLinks links, boolean packContent,
                   Duration subscriptionTimeout, int maxAnswersPerClient) throws IOException {
    this.logDir = dataDir == null ? null : dataDir.resolve("logs");
    this.storageFaults = storageFaults;
    this.onSyncFailure = onSyncFailure;
    if (logDir != null) {
      recover();
    }
    this.service = new LogService(serverName, creationAlias, logDir, maxRecordBytes, storageFaults, packContent,
        subscriptionTimeout, logs, broken, unopened, links, maxAnswersPerClient);
  }

  /**
   * Start-up reads no log file: it only lists them, so start-up time does not grow with the store.
   * Each file is recovered, with every check of {@link LogRecovery}, when a message first names its
   * log ({@link LogService#log}).
   */
  private void recover() throws IOException {
    unopened.putAll(LogRecovery.list(logDir, storageFaults, new LogRecovery.Result(logs, broken)));
  }

  static String fileName(GdpName name) {
    return name.printable() + ".glog";
  }

  /** Names of the logs held, with their record counts. Call on the server's event loop. */
  public Map<GdpName, Long> snapshot() {
    return service.snapshot();
  }

  // ---------------------------------------------------------------- channel events

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    for (GdpName n : service.names()) {
      ctx.write(Pdu.advertise(n, service.serverName()), ctx.voidPromise());
    }
    ctx.flush();
    long timeout = service.subscriptionTimeoutNanos();
    if (timeout > 0) {
      // the reference sweeps every ~15 s; a short timeout (tests) is swept proportionally sooner
      long every = Math.max(1_000_000, Math.min(TimeUnit.SECONDS.toNanos(15), timeout / 4));
      expirySweep = ctx.executor().scheduleAtFixedRate(this::expireSubscriptions, every, every, TimeUnit.NANOSECONDS);
    }
    ctx.fireChannelActive();
  }

  /**
   * Messages are taken in as a read batch and handled, in order, at the end of the batch: first the
   * signatures of all the batch's APPENDs to signed logs are checked in parallel
   * ({@link SignatureBatch}), which keeps both cores busy, then every message is handled one by one.
   * Answers go out at the end of the batch anyway ({@link #commit}).
   */
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    this.ctx = ctx;
    inbox.add(msg);
  }

  private void drainInbox() {
    if (inbox.isEmpty()) {
      return;
    }
    List<Object> batch = new ArrayList<>(inbox);
    inbox.clear();
    try {
      if (!closed) {
        service.checkAhead(batch);
      }
      for (Object msg : batch) {
        process(msg);
      }
    } finally {
      service.endBatch();
    }
  }

  private void process(Object msg) {
    try {
      if (closed) {
        return;
      }
      if (msg instanceof GdpEnvelope env) {
        service.handle(env);
      } else if (msg instanceof Pdu pdu && pdu.type() == PduType.NAK_NOROUTE) {
        // a client went away: its subscriptions die with it (spec 2.4: gdplogd ignores these otherwise)
        service.clientUnreachable(pdu.src());
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    drainInbox();
    commit();
    ctx.fireChannelReadComplete();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    drainInbox(); // what came before the bad PDU is answered first
    if (cause instanceof GdpMessageException e) {
      // a client sent a REGULAR PDU whose payload is not a GdpMessage: tell it, keep serving others
      service.malformed(e.src(), e.dst(), e.rid(), e.getMessage());
      return;
    }
    LOG.log(Level.WARNING, "log server connection error", cause);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseInbox();
    if (expirySweep != null) {
      expirySweep.cancel(false);
    }
    if (!closed) {
      writeIndexes(); // a clean shutdown (a crash closes first and leaves none)
    }
    closeFiles();
    ctx.fireChannelInactive();
  }

  /** Drops everything without syncing, as a crash would. Called on the event loop. */
  public void crash() {
    closed = true;
    releaseInbox();
    service.crash();
    closeFiles();
  }

  private void releaseInbox() {
    for (Object o : inbox) {
      ReferenceCountUtil.release(o);
    }
    inbox.clear();
  }

  /** Leaves a {@link LogIndex} beside each intact log file used since the start. */
  private void writeIndexes() {
    for (SimLog l : logs.values()) {
      if (l.file != null && l.damaged().isEmpty()) {
        try {
          l.file.sync();
          LogIndex.write(l);
        } catch (IOException e) {
          LOG.log(Level.FINE, "no index for " + l.file.path() + " (the next start scans it)", e);
        }
      }
    }
  }

  private void closeFiles() {
    for (SimLog l : logs.values()) {
      if (l.file != null) {
        try {
          l.file.close();
        } catch (IOException e) {
          // closing: nothing to do
        }
      }
    }
  }

  private void expireSubscriptions() {
    if (!closed) {
      service.expireSubscriptions();
    }
  }

  /** Syncs the files this batch wrote, then sends its responses and a turn of the long answers. */
  private void commit() {
    if (closed) {
      return;
    }
    try {
      service.commit().syncAll();
    } catch (IOException e) {
      LOG.log(Level.SEVERE, e.getMessage() + "; crashing the log server", e.getCause());
      crash();
      onSyncFailure.run();
      return;
    }
    boolean blocked = service.pump();
    if (service.hasOutput()) {
      service.drainOutput(o -> ctx.write(toPdu(o), ctx.voidPromise()));
      ctx.flush();
    }
    if (service.hasStreams() && !pumpScheduled) {
      // more to send: continue on a later turn of the event loop, so commands are not starved
      pumpScheduled = true;
      Runnable next = () -> {
        pumpScheduled = false;
        commit();
      };
      if (blocked) {
        ctx.executor().schedule(next, 1, TimeUnit.MILLISECONDS);
      } else {
        ctx.executor().execute(next);
      }
    }
  }

  /** What goes on the wire for an answer of the service (an envelope is encoded by the codec). */
  private Object toPdu(Outgoing o) {
    if (o instanceof Outgoing.Message m) {
      return m.envelope();
    }
    if (o instanceof Outgoing.Content c) {
      try {
        return Pdu.regular(c.to(), c.from(), Replies.contentPayload(ctx.alloc(), c.command(), c.datum()));
      } catch (IllegalArgumentException e) {
        return new GdpEnvelope(c.to(), c.from(), Replies.nak(c.command(), MsgCode.NAK_S_INTERNAL,
            EpStat.NAK_INTERNAL, e.getMessage(), -1));
      }
    }
    GdpName server = service.serverName();
    return o instanceof Outgoing.Advertise a ? Pdu.advertise(a.name(), server)
        : Pdu.withdraw(((Outgoing.Withdraw) o).name(), server);
  }
}
