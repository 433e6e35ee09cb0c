package org.gdpstore.sim.internal;

import com.google.protobuf.ByteString;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.EpStat;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.GdpMessageException;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.KeyEntry;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.Pdu;
import org.gdpstore.wire.PduHeader;
import org.gdpstore.wire.PduType;
import org.gdpstore.wire.RecordDigest;
import org.gdpstore.wire.proto.AckContent;
import org.gdpstore.wire.proto.AckEndOfResults;
import org.gdpstore.wire.proto.AckSuccess;
import org.gdpstore.wire.proto.CmdAppend;
import org.gdpstore.wire.proto.CmdCreate;
import org.gdpstore.wire.proto.CmdReadByRecno;
import org.gdpstore.wire.proto.CmdReadByTs;
import org.gdpstore.wire.proto.CmdSubscribeByRecno;
import org.gdpstore.wire.proto.CmdSubscribeByTs;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpDatumList;
import org.gdpstore.wire.proto.GdpMessage;
import org.gdpstore.wire.proto.GdpSignature;
import org.gdpstore.wire.proto.GdpTimestamp;

/**
 * The simulated gdplogd: a handler on a client connection to the router, speaking
 * {@link GdpEnvelope}s. It advertises its own name, the creation-service alias and every log it
 * holds, and implements the intended semantics of spec 7.2 / 8 (see docs/simulator.md).
 *
 * <p>Record numbers: the next record must be {@code nrecs + 1}; an identical re-append of an
 * existing record number (same record hash) is acknowledged again without storing; a different
 * record with an existing number gets 201 CONFLICT; a gap gets 195 FORBIDDEN; {@code recno <= 0}
 * gets 194. An APPEND is all-or-nothing.
 *
 * <p>Durability: responses produced while handling one read batch are held back until every log
 * file touched by the batch has been synced (group commit), so an acknowledged record is on stable
 * storage. A failed sync crashes the log server (the acknowledgements are never sent).
 *
 * <p>Threading: everything runs on the event loop of the connection; nothing here is thread-safe.
 */
public final class LogServer extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = Logger.getLogger(LogServer.class.getName());
  /** Bytes a one-datum ACK_CONTENT adds around the datum, at most (cmd, rid, body and list framing). */
  static final int REPLY_OVERHEAD = 22;

  private final GdpName serverName;
  private final GdpName creationAlias;
  private final Path logDir;
  private final int maxRecordBytes;
  /** Pack several records into one ACK_CONTENT for range reads and replays (not what the reference does). */
  private final boolean packContent;
  private final StorageFaults storageFaults;
  private final Runnable onSyncFailure;
  private final Map<GdpName, SimLog> logs = new LinkedHashMap<>();
  /** Logs whose file is unusable (unreadable header), with the reason: every command to them gets NAK 222. */
  private final Map<GdpName, String> broken = new LinkedHashMap<>();
  /** Log files listed at start and not recovered yet (see {@link #log}). */
  private final Map<GdpName, Path> unopened = new LinkedHashMap<>();
  private final List<Object> pending = new ArrayList<>();
  /** Messages of the current read batch, handled at its end ({@link #channelRead}). */
  private final List<Object> inbox = new ArrayList<>();
  /** Signature checks done ahead for the batch being handled, by datum identity. */
  private final Map<GdpDatum, Verified> preverified = new java.util.IdentityHashMap<>();
  private final Set<LogFile> dirty = new LinkedHashSet<>();
  /** Multi-record answers (range reads, subscription replays) still being sent, served round-robin. */
  private final java.util.ArrayDeque<Stream> streams = new java.util.ArrayDeque<>();
  private final java.util.function.Predicate<GdpName> clientReady;
  private boolean pumpScheduled;
  private ChannelHandlerContext ctx;
  private boolean closed;
  /** Zero: subscriptions never expire. */
  private final long subscriptionTimeoutNanos;
  private java.util.concurrent.ScheduledFuture<?> expirySweep;

  /** Records one stream sends before the next stream's turn. */
  static final int CHUNK = 64;
  /** Records sent per event-loop turn, over all streams (then other work gets its turn). */
  static final int TURN = 512;

  /**
   * @param dataDir directory of durable logs, or null for memory only; existing logs are recovered here
   * @param onSyncFailure called (on this thread) when a sync fails; it should crash and restart the server
   * @param clientReady whether a client can take more data now (its router connection is writable);
   *     long answers to a client that cannot pause instead of piling up in memory
   * @param packContent answer range reads and subscription replays with as many records per
   *     ACK_CONTENT as fit one PDU (the reference sends one record per ACK_CONTENT)
   * @param subscriptionTimeout how long a subscription lives after its last SUBSCRIBE, or zero for
   *     ever; checked at each delivery and by a periodic sweep, as the reference does
   */
  public LogServer(GdpName serverName, GdpName creationAlias, Path dataDir, int maxRecordBytes,
                   StorageFaults storageFaults, Runnable onSyncFailure,
                   java.util.function.Predicate<GdpName> clientReady, boolean packContent,
                   java.time.Duration subscriptionTimeout) throws IOException {
    this.clientReady = clientReady;
    this.subscriptionTimeoutNanos = subscriptionTimeout.toNanos();
    this.packContent = packContent;
    this.serverName = serverName;
    this.creationAlias = creationAlias;
    this.logDir = dataDir == null ? null : dataDir.resolve("logs");
    this.maxRecordBytes = maxRecordBytes;
    this.storageFaults = storageFaults;
    this.onSyncFailure = onSyncFailure;
    if (logDir != null) {
      recover();
    }
  }

  /**
   * Start-up reads no log file: it only lists them (start-up time does not grow with the store).
   * Each file is recovered, with every check of {@link LogRecovery}, when a message first names its log.
   */
  private void recover() throws IOException {
    LogRecovery.Result now = new LogRecovery.Result(logs, broken);
    unopened.putAll(LogRecovery.list(logDir, storageFaults, now));
  }

  /** The log named {@code name}, recovering its file first if it has not been opened yet; null if none (or broken). */
  private SimLog log(GdpName name) {
    SimLog log = logs.get(name);
    if (log == null) {
      Path f = unopened.remove(name);
      if (f != null) {
        LogRecovery.recoverInto(f, storageFaults, new LogRecovery.Result(logs, broken));
        log = logs.get(name);
      }
    }
    return log;
  }

  /** Recovers every log not opened yet (for callers that need them all). */
  private void openAll() {
    for (GdpName n : new ArrayList<>(unopened.keySet())) {
      log(n);
    }
  }

  static String fileName(GdpName name) {
    return name.printable() + ".glog";
  }

  /**
   * The writer key of a log, or null when appends need no signature. A key entry whose digest id
   * is 0 (what the reference tools write for generated keys, which they then cannot sign with) does
   * not make the log single-writer.
   */
  static KeyEntry writerKeyOf(LogMetadata md) {
    Optional<KeyEntry> k;
    try {
      k = md.writerKey();
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (k.isEmpty()) {
      return null;
    }
    KeyEntry key = k.get();
    if (key.digestAlgorithm() == KeyEntry.MD_NONE && key.keyType() != KeyEntry.KEY_ED25519) {
      return null;
    }
    return key;
  }

  /** Names of the logs held, with their record counts. Call on the server's event loop. */
  public Map<GdpName, Long> snapshot() {
    openAll();
    Map<GdpName, Long> out = new LinkedHashMap<>();
    for (SimLog l : logs.values()) {
      out.put(l.name, l.nrecs());
    }
    return out;
  }

  // ---------------------------------------------------------------- channel events

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    ctx.write(Pdu.advertise(serverName, serverName), ctx.voidPromise());
    if (creationAlias != null && !creationAlias.equals(serverName)) {
      ctx.write(Pdu.advertise(creationAlias, serverName), ctx.voidPromise());
    }
    for (GdpName n : logs.keySet()) {
      ctx.write(Pdu.advertise(n, serverName), ctx.voidPromise());
    }
    for (GdpName n : broken.keySet()) {
      ctx.write(Pdu.advertise(n, serverName), ctx.voidPromise());
    }
    for (GdpName n : unopened.keySet()) {
      ctx.write(Pdu.advertise(n, serverName), ctx.voidPromise());
    }
    ctx.flush();
    if (subscriptionTimeoutNanos > 0) {
      // the reference sweeps every ~15 s; a short timeout (tests) is swept proportionally sooner
      long every = Math.max(1_000_000, Math.min(java.util.concurrent.TimeUnit.SECONDS.toNanos(15),
          subscriptionTimeoutNanos / 4));
      expirySweep = ctx.executor().scheduleAtFixedRate(this::expireSubscriptions, every, every,
          java.util.concurrent.TimeUnit.NANOSECONDS);
    }
    ctx.fireChannelActive();
  }

  /**
   * Messages are taken in as a read batch and handled, in order, at the end of the batch: first the
   * signatures of all the batch's APPENDs to signed logs are checked in parallel
   * ({@link #preverify}), which keeps both cores busy, then every message is handled one by one as
   * before. Answers went out at the end of the batch anyway ({@link #commit}).
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
        preverify(batch);
      }
      for (Object msg : batch) {
        process(msg);
      }
    } finally {
      preverified.clear();
    }
  }

  /**
   * Checks the Ed25519 signatures of the batch's APPEND datums to signed logs on all cores (the
   * calling event loop takes part) and remembers each result, with the record hash, for
   * {@link #append}. Hashing stays on this thread ({@link RecordDigest} is not thread-safe); only
   * the signature checks, ~60 us each, run in parallel. Other key types, and datums of a log that
   * does not exist yet (created later in the batch), are checked in line as before.
   */
  private void preverify(List<Object> batch) {
    List<GdpDatum> datums = new ArrayList<>();
    List<SimLog> owners = new ArrayList<>();
    List<byte[]> keys = new ArrayList<>();
    List<byte[]> hashes = new ArrayList<>();
    for (Object msg : batch) {
      if (msg instanceof GdpEnvelope env && env.cmd() == MsgCode.CMD_APPEND && env.message().hasCmdAppend()) {
        SimLog log = log(env.dst());
        byte[] key = log == null ? null : ed25519Key(log);
        if (key != null) {
          for (GdpDatum d : env.message().getCmdAppend().getDl().getDList()) {
            byte[] hash;
            try {
              hash = log.digest.recordHash(d);
            } catch (RuntimeException e) {
              continue; // left to the in-line check, whose failure answers just that APPEND
            }
            datums.add(d);
            owners.add(log);
            keys.add(key);
            hashes.add(hash);
          }
        }
      }
    }
    if (datums.size() < 2) {
      return;
    }
    boolean[] ok = new boolean[datums.size()];
    java.util.stream.IntStream.range(0, ok.length).parallel().forEach(i -> {
      GdpDatum d = datums.get(i);
      ok[i] = d.hasSig() && Ed25519Keys.verify(keys.get(i), hashes.get(i), d.getSig().getSig().toByteArray());
    });
    for (int i = 0; i < ok.length; i++) {
      preverified.put(datums.get(i), new Verified(owners.get(i), hashes.get(i), ok[i]));
    }
  }

  /** The raw Ed25519 writer key of a log whose signatures are over its own record hash, else null. */
  private static byte[] ed25519Key(SimLog log) {
    KeyEntry k = log.writerKey;
    try {
      return k != null && k.keyType() == KeyEntry.KEY_ED25519 && k.digestName().equals(log.digest.algorithm())
          ? k.ed25519RawKey() : null;
    } catch (IllegalArgumentException e) {
      return null; // unusable key entry: the in-line check refuses the records
    }
  }

  /** A datum's record hash and signature check, done ahead by {@link #preverify} for that log. */
  private record Verified(SimLog log, byte[] hash, boolean ok) {}

  private void process(Object msg) {
    try {
      if (closed) {
        return;
      }
      if (msg instanceof GdpEnvelope env) {
        handle(env);
      } else if (msg instanceof Pdu pdu && pdu.type() == PduType.NAK_NOROUTE) {
        // a client went away: its subscriptions die with it (spec 2.4: gdplogd ignores these otherwise)
        dropSubscriptionsOf(pdu.src());
      }
    } catch (DamagedRecordException e) {
      if (msg instanceof GdpEnvelope env && MsgCode.needsAck(env.cmd())) {
        nak(env, MsgCode.NAK_C_REC_MISSING, EpStat.NAK_REC_MISSING, e.getMessage(), e.recno());
      }
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "log server failed on " + msg, e);
      if (msg instanceof GdpEnvelope env && MsgCode.needsAck(env.cmd())) {
        reply(env, Replies.nak(env.message(), MsgCode.NAK_S_INTERNAL, EpStat.NAK_INTERNAL,
            "internal error: " + e, -1));
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
      GdpMessage fake = GdpMessage.newBuilder().setCmd(MsgCode.CMD_NONE).setRid(e.rid()).build();
      GdpMessage nak = Replies.nak(fake, MsgCode.NAK_C_BADREQ, EpStat.NAK_BADREQ,
          "malformed GdpMessage: " + e.getMessage(), -1);
      pending.add(new GdpEnvelope(e.src(), e.dst(), nak));
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
    closeFiles();
    ctx.fireChannelInactive();
  }

  /** Drops everything without syncing, as a crash would. Called on the event loop. */
  public void crash() {
    closed = true;
    releaseInbox();
    for (Object o : pending) {
      ReferenceCountUtil.release(o); // prebuilt PDUs hold buffers
    }
    pending.clear();
    dirty.clear();
    streams.clear();
    closeFiles();
  }

  private void releaseInbox() {
    for (Object o : inbox) {
      ReferenceCountUtil.release(o);
    }
    inbox.clear();
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

  /** Syncs the files this batch wrote, then sends its responses. */
  private void commit() {
    if (closed) {
      return;
    }
    for (LogFile f : dirty) {
      try {
        f.sync();
      } catch (IOException e) {
        LOG.log(Level.SEVERE, "sync of " + f.path() + " failed; crashing the log server", e);
        crash();
        onSyncFailure.run();
        return;
      }
    }
    dirty.clear();
    boolean blocked = pump();
    if (!pending.isEmpty()) {
      for (Object o : pending) {
        ctx.write(o, ctx.voidPromise());
      }
      pending.clear();
      ctx.flush();
    }
    if (!streams.isEmpty() && !pumpScheduled) {
      // more to send: continue on a later turn of the event loop, so commands are not starved
      pumpScheduled = true;
      Runnable next = () -> {
        pumpScheduled = false;
        commit();
      };
      if (blocked) {
        ctx.executor().schedule(next, 1, java.util.concurrent.TimeUnit.MILLISECONDS);
      } else {
        ctx.executor().execute(next);
      }
    }
  }

  /**
   * Lets streams add records to {@code pending}, up to {@link #TURN} in all. Returns true if every
   * stream waited for a slow client (nothing was sent).
   */
  private boolean pump() {
    int budget = TURN;
    int waited = 0;
    int n = streams.size();
    while (budget > 0 && !streams.isEmpty() && waited < streams.size()) {
      Stream st = streams.pollFirst();
      if (!clientReady.test(st.client())) {
        streams.addLast(st);
        waited++;
        continue;
      }
      waited = 0;
      int before = pending.size();
      boolean done;
      try {
        done = st.emit(Math.min(CHUNK, budget));
      } catch (DamagedRecordException e) {
        // the answer (or subscription) ends at the damaged record, naming it
        pending.add(new GdpEnvelope(st.client(), st.logName(), Replies.nak(st.command(), MsgCode.NAK_C_REC_MISSING,
            EpStat.NAK_REC_MISSING, e.getMessage(), e.recno())));
        if (st instanceof CatchUp c) {
          cancel(c.log, x -> x == c.sub);
        }
        done = true;
      } catch (RuntimeException e) {
        // e.g. a record that cannot be read back from its file: end this answer with an error
        LOG.log(Level.SEVERE, "cannot continue an answer to " + st.client(), e);
        pending.add(new GdpEnvelope(st.client(), st.logName(), Replies.nak(st.command(), MsgCode.NAK_S_INTERNAL,
            EpStat.NAK_INTERNAL, "cannot read the log: " + e.getMessage(), -1)));
        done = true;
      }
      budget -= Math.max(1, pending.size() - before);
      if (!done) {
        streams.addLast(st);
      }
    }
    return n > 0 && budget == TURN;
  }

  /** A multi-record answer in progress. */
  private interface Stream {
    GdpName client();

    GdpName logName();

    /** The command being answered (for its rid). */
    GdpMessage command();

    /** Adds up to {@code max} records to {@code pending}; true when the stream is finished. */
    boolean emit(int max);
  }

  /** Largest datum list an ACK_CONTENT may carry so that the whole message fits one PDU. */
  static final int PACK_LIMIT = PduHeader.MAX_PAYLOAD_LENGTH - 32;

  /** Collects records into ACK_CONTENT messages of at most {@link #PACK_LIMIT} bytes of datums. */
  private final class Pack {
    final GdpName to;
    final GdpName from;
    final GdpMessage cmd;
    GdpDatumList.Builder dl = GdpDatumList.newBuilder();
    int size;

    Pack(GdpName to, GdpName from, GdpMessage cmd) {
      this.to = to;
      this.from = from;
      this.cmd = cmd;
    }

    /** True if {@code d} still fits the current message. */
    boolean fits(GdpDatum d) {
      return dl.getDCount() == 0 || size + encodedSize(d) <= PACK_LIMIT;
    }

    void add(GdpDatum d) {
      dl.addD(d);
      size += encodedSize(d);
    }

    /** Sends what was collected as one ACK_CONTENT; true if something was sent. */
    boolean flush() {
      if (dl.getDCount() == 0) {
        return false;
      }
      pending.add(new GdpEnvelope(to, from, Replies.to(cmd, MsgCode.ACK_CONTENT)
          .setAckContent(AckContent.newBuilder().setDl(dl)).build()));
      dl = GdpDatumList.newBuilder();
      size = 0;
      return true;
    }
  }

  private static int encodedSize(GdpDatum d) {
    int n = d.getSerializedSize();
    return 1 + com.google.protobuf.CodedOutputStream.computeUInt32SizeNoTag(n) + n;
  }

  /** A READ_BY_RECNO / READ_BY_TS range: fixed at request time, then 191. */
  private final class ReadStream implements Stream {
    final GdpEnvelope cmd;
    final SimLog log;
    final List<Long> order; // null: record numbers next..end
    long next;
    final long end;
    long sent;

    ReadStream(GdpEnvelope cmd, SimLog log, List<Long> order, long first, long end) {
      this.cmd = cmd;
      this.log = log;
      this.order = order;
      this.next = first;
      this.end = end;
    }

    @Override
    public GdpName client() {
      return cmd.src();
    }

    @Override
    public GdpName logName() {
      return log.name;
    }

    @Override
    public GdpMessage command() {
      return cmd.message();
    }

    @Override
    public boolean emit(int max) {
      if (logs.get(log.name) != log) {
        return true; // deleted meanwhile
      }
      if (packContent) {
        Pack pack = new Pack(cmd.src(), cmd.dst(), cmd.message());
        for (int pdus = 0; pdus < max && next <= end; ) {
          GdpDatum d = log.get(order == null ? next : order.get((int) next));
          if (!pack.fits(d)) {
            pack.flush();
            pdus++;
            continue;
          }
          pack.add(d);
          next++;
          sent++;
        }
        pack.flush();
      } else {
        for (int i = 0; i < max && next <= end; i++, next++) {
          long r = order == null ? next : order.get((int) next);
          pending.add(contentPdu(cmd.src(), cmd.dst(), cmd.message(), log.bytes(r)));
          sent++;
        }
      }
      if (next > end) {
        reply(cmd, endOfResults(cmd.message(), sent));
        return true;
      }
      return false;
    }
  }

  /** The replay of a subscription: existing records, then it turns live. */
  private final class CatchUp implements Stream {
    final SimLog log;
    final SimLog.Subscription sub;

    CatchUp(SimLog log, SimLog.Subscription sub) {
      this.log = log;
      this.sub = sub;
    }

    @Override
    public GdpName client() {
      return sub.client;
    }

    @Override
    public GdpName logName() {
      return log.name;
    }

    @Override
    public GdpMessage command() {
      return sub.command;
    }

    @Override
    public boolean emit(int max) {
      if (!sub.cancelled && expired(sub, System.nanoTime())) {
        cancel(log, x -> x == sub);
      }
      if (sub.cancelled || logs.get(log.name) != log) {
        return true;
      }
      Pack pack = packContent ? new Pack(sub.client, log.name, sub.command) : null;
      int pdus = 0;
      try {
        while (pdus < max) {
          long r;
          if (sub.replay != null && sub.replayIndex < sub.replay.size()) {
            r = sub.replay.get(sub.replayIndex);
          } else {
            sub.replay = null;
            while (sub.next <= log.nrecs() && sub.minTs != null && log.before(sub.next, sub.minTs)) {
              sub.next++;
            }
            if (sub.next > log.nrecs()) {
              sub.catchingUp = false; // caught up: appends are delivered live from now on
              return true;
            }
            r = sub.next;
          }
          GdpDatum d = pack == null ? null : log.get(r);
          if (pack != null && !pack.fits(d)) {
            pack.flush();
            pdus++;
            continue;
          }
          if (sub.replay != null) {
            sub.replayIndex++;
          } else {
            sub.next++;
          }
          if (pack == null) {
            send(log, sub, r);
            pdus++;
          } else {
            pack.add(d);
            sub.delivered++;
            if (sub.remaining > 0 && --sub.remaining == 0) {
              pack.flush();
              pending.add(new GdpEnvelope(sub.client, log.name, endOfResults(sub.command, sub.delivered)));
              sub.cancelled = true;
              log.subscriptions.remove(sub);
            }
          }
          if (sub.cancelled) {
            return true;
          }
        }
        return false;
      } finally {
        if (pack != null) {
          pack.flush();
        }
      }
    }
  }

  /** Sends one record to a subscriber and ends the subscription when its budget is used up. */
  private void send(SimLog log, SimLog.Subscription s, long recno) {
    s.delivered++;
    pending.add(contentPdu(s.client, log.name, s.command, log.bytes(recno)));
    if (s.remaining > 0 && --s.remaining == 0) {
      pending.add(new GdpEnvelope(s.client, log.name, endOfResults(s.command, s.delivered)));
      s.cancelled = true;
      log.subscriptions.remove(s);
    }
  }

  /** Ends the subscriptions that match. */
  private static void cancel(SimLog log, java.util.function.Predicate<SimLog.Subscription> which) {
    log.subscriptions.removeIf(s -> {
      if (which.test(s)) {
        s.cancelled = true;
        return true;
      }
      return false;
    });
  }

  private void reply(GdpEnvelope cmd, GdpMessage response) {
    pending.add(cmd.reply(response));
  }

  private void nak(GdpEnvelope cmd, int code, EpStat stat, String text) {
    reply(cmd, Replies.nak(cmd.message(), code, stat, text, -1));
  }

  private void nak(GdpEnvelope cmd, int code, EpStat stat, String text, long recno) {
    reply(cmd, Replies.nak(cmd.message(), code, stat, text, recno));
  }

  // ---------------------------------------------------------------- dispatch

  private void handle(GdpEnvelope env) {
    int cmd = env.cmd();
    if (!MsgCode.needsAck(cmd)) {
      return; // responses and blind commands get no answer
    }
    GdpName dst = env.dst();
    if (dst.equals(serverName) || dst.equals(creationAlias)) {
      switch (cmd) {
        case MsgCode.CMD_CREATE -> create(env);
        case MsgCode.CMD_PING -> reply(env, Replies.ack(env.message(), MsgCode.ACK_SUCCESS));
        default -> {
          if (isLogCommand(cmd)) {
            nak(env, MsgCode.NAK_C_NOTFOUND, EpStat.NAK_NOTFOUND, dst + " is a log server, not a log");
          } else {
            nak(env, MsgCode.NAK_S_NOTIMPL, EpStat.NAK_NOTIMPL, MsgCode.name(cmd) + " is not implemented");
          }
        }
      }
      return;
    }
    SimLog log = log(dst);
    if (log == null && broken.containsKey(dst) && (isLogCommand(cmd) || cmd == MsgCode.CMD_PING)) {
      nak(env, MsgCode.NAK_C_REC_MISSING, EpStat.NAK_REC_MISSING, broken.get(dst), -1);
      return;
    }
    if (log == null) {
      if (cmd == MsgCode.CMD_CREATE) {
        // spec 3.5.1: CREATE must be addressed to the server; the reference answers 201
        nak(env, MsgCode.NAK_C_CONFLICT, EpStat.NAK_CONFLICT, "CREATE must be sent to the log server's name");
      } else if (isLogCommand(cmd) || cmd == MsgCode.CMD_PING) {
        nak(env, MsgCode.NAK_C_NOTFOUND, EpStat.NAK_NOTFOUND, "no log " + dst, -1);
      } else {
        nak(env, MsgCode.NAK_S_NOTIMPL, EpStat.NAK_NOTIMPL, MsgCode.name(cmd) + " is not implemented");
      }
      return;
    }
    switch (cmd) {
      case MsgCode.CMD_OPEN_AO, MsgCode.CMD_OPEN_RO, MsgCode.CMD_OPEN_RA -> {
        if (bodyOk(env, GdpMessage.BodyCase.CMD_OPEN)) {
          reply(env, Replies.to(env.message(), MsgCode.ACK_SUCCESS).setAckSuccess(AckSuccess.newBuilder()
              .setRecno(log.nrecs()).setMetadata(ByteString.copyFrom(log.metadataBytes))).build());
        }
      }
      case MsgCode.CMD_CLOSE -> {
        if (bodyOk(env, GdpMessage.BodyCase.CMD_CLOSE)) {
          cancel(log, s -> s.client.equals(env.src()));
          reply(env, Replies.ack(env.message(), MsgCode.ACK_SUCCESS));
        }
      }
      case MsgCode.CMD_APPEND -> {
        if (bodyOk(env, GdpMessage.BodyCase.CMD_APPEND)) {
          append(env, log);
        }
      }
      case MsgCode.CMD_READ_BY_RECNO -> {
        if (bodyOk(env, GdpMessage.BodyCase.CMD_READ_BY_RECNO)) {
          readByRecno(env, log);
        }
      }
      case MsgCode.CMD_READ_BY_TS -> {
        if (bodyOk(env, GdpMessage.BodyCase.CMD_READ_BY_TS)) {
          readByTs(env, log);
        }
      }
      case MsgCode.CMD_READ_BY_HASH -> {
        if (bodyOk(env, GdpMessage.BodyCase.CMD_READ_BY_HASH)) {
          readByHash(env, log);
        }
      }
      case MsgCode.CMD_SUBSCRIBE_BY_RECNO -> {
        if (bodyOk(env, GdpMessage.BodyCase.CMD_SUBSCRIBE_BY_RECNO)) {
          subscribeByRecno(env, log);
        }
      }
      case MsgCode.CMD_SUBSCRIBE_BY_TS -> {
        if (bodyOk(env, GdpMessage.BodyCase.CMD_SUBSCRIBE_BY_TS)) {
          subscribeByTs(env, log);
        }
      }
      case MsgCode.CMD_UNSUBSCRIBE -> {
        if (bodyOk(env, GdpMessage.BodyCase.CMD_UNSUBSCRIBE)) {
          int rid = env.rid();
          cancel(log, s -> s.client.equals(env.src()) && (rid == 0 || s.rid == rid));
          reply(env, Replies.ack(env.message(), MsgCode.ACK_SUCCESS));
        }
      }
      case MsgCode.CMD_GETMETADATA -> {
        if (bodyOk(env, GdpMessage.BodyCase.CMD_GET_METADATA)) {
          reply(env, Replies.to(env.message(), MsgCode.ACK_SUCCESS).setAckSuccess(AckSuccess.newBuilder()
              .setMetadata(ByteString.copyFrom(log.metadataBytes))).build());
        }
      }
      case MsgCode.CMD_DELETE -> {
        if (bodyOk(env, GdpMessage.BodyCase.CMD_DELETE)) {
          delete(env, log);
        }
      }
      case MsgCode.CMD_PING -> {
        boolean live = log.subscriptions.stream().anyMatch(s -> s.client.equals(env.src()));
        if (live) {
          reply(env, Replies.ack(env.message(), MsgCode.ACK_SUCCESS));
        } else {
          nak(env, MsgCode.NAK_S_LOST_SUBSCR, EpStat.NAK_LOST_SUBSCR, "no live subscription of " + env.src());
        }
      }
      case MsgCode.CMD_CREATE -> nak(env, MsgCode.NAK_C_CONFLICT, EpStat.NAK_CONFLICT,
          "CREATE must be sent to the log server's name");
      default -> nak(env, MsgCode.NAK_S_NOTIMPL, EpStat.NAK_NOTIMPL, MsgCode.name(cmd) + " is not implemented");
    }
  }

  private static boolean isLogCommand(int cmd) {
    return cmd >= MsgCode.CMD_OPEN_AO && cmd <= MsgCode.CMD_DELETE && cmd != MsgCode.CMD_NEWSEGMENT;
  }

  /** The body must be the command's own or absent (bodiless commands); otherwise 192. */
  private boolean bodyOk(GdpEnvelope env, GdpMessage.BodyCase expected) {
    GdpMessage.BodyCase actual = env.message().getBodyCase();
    if (actual == expected) {
      return true;
    }
    boolean bodyRequired = switch (expected) {
      case CMD_APPEND, CMD_READ_BY_RECNO, CMD_READ_BY_TS, CMD_READ_BY_HASH, CMD_SUBSCRIBE_BY_TS, CMD_CREATE -> true;
      default -> false;
    };
    if (actual == GdpMessage.BodyCase.BODY_NOT_SET && !bodyRequired) {
      return true;
    }
    nak(env, MsgCode.NAK_C_BADREQ, EpStat.NAK_BADREQ,
        MsgCode.name(env.cmd()) + " needs body " + expected + ", got " + actual);
    return false;
  }

  // ---------------------------------------------------------------- CREATE / DELETE

  private void create(GdpEnvelope env) {
    if (!bodyOk(env, GdpMessage.BodyCase.CMD_CREATE)) {
      return;
    }
    CmdCreate c = env.message().getCmdCreate();
    byte[] mdBytes = c.getMetadata().getData().toByteArray();
    if (mdBytes.length == 0) {
      nak(env, MsgCode.NAK_C_BADOPT, EpStat.gdp(EpStat.SEV_ERROR, 402), "CREATE without metadata");
      return;
    }
    GdpName name;
    if (c.hasLogname()) {
      if (c.getLogname().size() != GdpName.LENGTH || GdpName.of(c.getLogname().toByteArray()).isZero()) {
        nak(env, MsgCode.NAK_C_BADREQ, EpStat.NAK_BADREQ, "logname must be 32 non-zero bytes");
        return;
      }
      name = GdpName.of(c.getLogname().toByteArray());
    } else {
      name = GdpName.sha256(mdBytes); // what the reference creator would have sent (spec 5.3)
    }
    if (name.equals(serverName) || name.equals(creationAlias)) {
      nak(env, MsgCode.NAK_C_FORBIDDEN, EpStat.NAK_FORBIDDEN, "a log cannot take the server's name");
      return;
    }
    LogMetadata md;
    try {
      md = LogMetadata.parse(mdBytes);
    } catch (IllegalArgumentException e) {
      nak(env, MsgCode.NAK_S_INTERNAL, EpStat.NAK_INTERNAL, "unparsable metadata: " + e.getMessage());
      return;
    }
    if (log(name) != null) {
      nak(env, MsgCode.NAK_C_CONFLICT, EpStat.NAK_CONFLICT, "log " + name + " exists");
      return;
    }
    LogFile file = null;
    if (logDir != null) {
      try {
        file = LogFile.create(logDir, fileName(name), mdBytes, storageFaults);
      } catch (IOException e) {
        nak(env, MsgCode.NAK_S_INTERNAL, EpStat.NAK_INTERNAL, "cannot store log: " + e.getMessage());
        return;
      }
    }
    SimLog log = new SimLog(name, mdBytes, md, writerKeyOf(md), file);
    logs.put(name, log);
    pending.add(Pdu.advertise(name, serverName));
    reply(env, Replies.ack(env.message(), MsgCode.ACK_CREATED));
  }

  private void delete(GdpEnvelope env, SimLog log) {
    if (log.file != null) {
      try {
        log.file.delete();
      } catch (IOException e) {
        nak(env, MsgCode.NAK_S_INTERNAL, EpStat.NAK_INTERNAL, "cannot delete: " + e.getMessage());
        return;
      }
      dirty.remove(log.file);
    }
    logs.remove(log.name);
    cancel(log, s -> true);
    reply(env, Replies.ack(env.message(), MsgCode.ACK_DELETED));
    pending.add(Pdu.withdraw(log.name, serverName));
  }

  // ---------------------------------------------------------------- APPEND

  private void append(GdpEnvelope env, SimLog log) {
    CmdAppend a = env.message().getCmdAppend();
    List<GdpDatum> dl = a.getDl().getDList();
    if (dl.isEmpty()) {
      nak(env, MsgCode.NAK_C_BADREQ, EpStat.NAK_BADREQ, "APPEND with an empty datum list");
      return;
    }
    long nrecs = log.nrecs();
    long next = nrecs + 1;
    List<GdpDatum> toStore = new ArrayList<>(dl.size());
    List<byte[]> newHashes = new ArrayList<>(dl.size());
    for (GdpDatum d : dl) {
      long recno = d.getRecno();
      if (recno <= 0) {
        nak(env, MsgCode.NAK_C_BADOPT, EpStat.gdp(EpStat.SEV_ERROR, 402), "record number must be > 0, got " + recno,
            Math.max(0, recno));
        return;
      }
      GdpDatum stored = storedForm(d);
      if (d.getData().size() > maxRecordBytes || stored.getSerializedSize() + REPLY_OVERHEAD > PduHeader.MAX_PAYLOAD_LENGTH) {
        nak(env, MsgCode.NAK_C_TOOLARGE, EpStat.NAK_TOOLARGE, "record " + recno + " of " + d.getData().size()
            + " bytes exceeds the limit of " + maxRecordBytes, recno);
        return;
      }
      Verified pre = preverified.get(d);
      if (pre != null && pre.log() != log) {
        pre = null;
      }
      // once per datum: dedupe, storage and the signature check all use it
      byte[] hash = pre != null ? pre.hash() : log.digest.recordHash(d);
      if (recno < next) {
        boolean same = recno <= nrecs ? log.hashEquals(recno, hash)
            : java.util.Arrays.equals(SimLog.stored32(newHashes.get((int) (recno - nrecs - 1))), SimLog.stored32(hash));
        if (!same) {
          nak(env, MsgCode.NAK_C_CONFLICT, EpStat.NAK_CONFLICT, "record " + recno + " exists with other content", recno);
          return;
        }
        continue; // identical retry: acknowledged, not stored again
      }
      if (recno > next) {
        nak(env, MsgCode.NAK_C_FORBIDDEN, EpStat.NAK_FORBIDDEN, "record " + recno + " would leave a gap; next is "
            + next, recno);
        return;
      }
      if (log.writerKey != null && !(pre != null ? pre.ok() : log.digest.verify(d, log.writerKey))) {
        nak(env, MsgCode.NAK_C_UNAUTH, EpStat.CRYPTO_BAD_SIGNATURE, "record " + recno
            + (d.hasSig() && !d.getSig().getSig().isEmpty() ? " has a bad signature" : " is not signed")
            + " (the log has a writer key)", recno);
        return;
      }
      toStore.add(stored);
      newHashes.add(hash);
      next++;
    }
    long[] offsets = new long[toStore.size()];
    // serialized once: the file gets it in durable mode, answers are written from it in memory mode
    List<byte[]> payloads = new ArrayList<>(toStore.size());
    for (GdpDatum d : toStore) {
      payloads.add(d.toByteArray());
    }
    if (!toStore.isEmpty() && log.file != null) {
      try {
        offsets = log.file.append(payloads);
      } catch (IOException e) {
        nak(env, MsgCode.NAK_S_INTERNAL, EpStat.NAK_INTERNAL, "storage failed: " + e.getMessage());
        return;
      }
      dirty.add(log.file);
    }
    for (int i = 0; i < toStore.size(); i++) {
      log.add(toStore.get(i), payloads.get(i), newHashes.get(i), offsets[i]);
    }
    GdpDatum last = dl.get(dl.size() - 1);
    AckSuccess.Builder ack = AckSuccess.newBuilder().setRecno(last.getRecno());
    if (last.hasTs()) {
      ack.setTs(last.getTs());
    }
    reply(env, Replies.to(env.message(), MsgCode.ACK_SUCCESS).setAckSuccess(ack).build());
    for (GdpDatum d : toStore) {
      deliverLive(log, d);
    }
  }

  /**
   * The form a record is stored and returned in (spec 3.5.6): recno; ts with sec always present
   * and nsec/accuracy only when non-zero; prevhash always present (possibly empty); data; sig
   * always present (possibly empty); no proofs.
   */
  static GdpDatum storedForm(GdpDatum d) {
    GdpTimestamp in = d.getTs();
    GdpTimestamp.Builder ts = GdpTimestamp.newBuilder().setSec(in.getSec());
    if (in.getNsec() != 0) {
      ts.setNsec(in.getNsec());
    }
    if (Float.floatToRawIntBits(in.getAccuracy()) != 0) {
      ts.setAccuracy(in.getAccuracy());
    }
    return GdpDatum.newBuilder()
        .setRecno(d.getRecno())
        .setTs(ts)
        .setPrevhash(d.getPrevhash())
        .setData(d.getData())
        .setSig(GdpSignature.newBuilder().setSig(d.hasSig() ? d.getSig().getSig() : ByteString.EMPTY))
        .build();
  }

  // ---------------------------------------------------------------- reads

  /**
   * A one-record ACK_CONTENT answering {@code cmd}, written from the record's stored bytes (no
   * protobuf message is built; the bytes are what encoding that message would give).
   */
  private Pdu contentPdu(GdpName to, GdpName from, GdpMessage cmd, byte[] datum) {
    return Pdu.regular(to, from, Replies.contentPayload(ctx.alloc(), cmd, datum));
  }

  private GdpMessage endOfResults(GdpMessage cmd, long n) {
    return Replies.to(cmd, MsgCode.ACK_END_OF_RESULTS).setAckEndOfResults(
        AckEndOfResults.newBuilder().setEpStat(EpStat.END_OF_RESULTS.value()).setNresults(n)).build();
  }

  private void readByRecno(GdpEnvelope env, SimLog log) {
    CmdReadByRecno r = env.message().getCmdReadByRecno();
    long nrecs = log.nrecs();
    long start = r.getRecno() > 0 ? r.getRecno() : r.getRecno() < 0 ? Math.max(1, r.getRecno() + nrecs + 1) : 0;
    int n = r.hasNrecs() ? r.getNrecs() : -1;
    if (start == 0 || start > nrecs) {
      nak(env, MsgCode.NAK_C_NOTFOUND, EpStat.NAK_NOTFOUND, "no record " + start, start);
      return;
    }
    if (n == 0) {
      pending.add(contentPdu(env.src(), env.dst(), env.message(), log.bytes(start)));
      return;
    }
    long end = n < 0 ? nrecs : Math.min(nrecs, start + n - 1);
    streams.addLast(new ReadStream(env, log, null, start, end));
  }

  private void readByTs(GdpEnvelope env, SimLog log) {
    CmdReadByTs r = env.message().getCmdReadByTs();
    List<Long> recnos = log.recnosFromTime(r.getTimestamp());
    int n = r.hasNrecs() ? r.getNrecs() : -1;
    if (recnos.isEmpty()) {
      nak(env, MsgCode.NAK_C_NOTFOUND, EpStat.NAK_NOTFOUND, "no record at or after that time");
      return;
    }
    if (n == 0) {
      pending.add(contentPdu(env.src(), env.dst(), env.message(), log.bytes(recnos.get(0))));
      return;
    }
    int k = n < 0 ? recnos.size() : Math.min(n, recnos.size());
    streams.addLast(new ReadStream(env, log, recnos, 0, k - 1));
  }

  private void readByHash(GdpEnvelope env, SimLog log) {
    long recno = log.recnoOfHash(env.message().getCmdReadByHash().getHash());
    if (recno < 0) {
      nak(env, MsgCode.NAK_C_NOTFOUND, EpStat.NAK_NOTFOUND, "no record with that hash");
      return;
    }
    pending.add(contentPdu(env.src(), env.dst(), env.message(), log.bytes(recno)));
  }

  // ---------------------------------------------------------------- subscriptions

  private void subscribeByRecno(GdpEnvelope env, SimLog log) {
    CmdSubscribeByRecno s = env.message().getCmdSubscribeByRecno();
    if (s.getNrecs() < 0) {
      nak(env, MsgCode.NAK_C_BADOPT, EpStat.gdp(EpStat.SEV_ERROR, 402), "nrecs must be >= 0");
      return;
    }
    long nrecs = log.nrecs();
    long start = s.getStart() > 0 ? s.getStart() : Math.max(1, s.getStart() + nrecs + 1);
    startSubscription(env, log, s.getNrecs(), null, start, null);
  }

  private void subscribeByTs(GdpEnvelope env, SimLog log) {
    CmdSubscribeByTs s = env.message().getCmdSubscribeByTs();
    if (s.getNrecs() < 0) {
      nak(env, MsgCode.NAK_C_BADOPT, EpStat.gdp(EpStat.SEV_ERROR, 402), "nrecs must be >= 0");
      return;
    }
    startSubscription(env, log, s.getNrecs(), log.recnosFromTime(s.getTimestamp()), log.nrecs() + 1, s.getTimestamp());
  }

  /**
   * ACK, replay, then live; the budget ({@code nrecs}, 0 = unlimited) counts replayed and live
   * records. {@code replay} (subscriptions by time) lists existing records in time order; after
   * it, records from {@code next} on follow.
   */
  private void startSubscription(GdpEnvelope env, SimLog log, int nrecs, List<Long> replay, long next, GdpTimestamp minTs) {
    GdpName client = env.src();
    int rid = env.rid();
    cancel(log, x -> x.client.equals(client) && x.rid == rid); // a refresh replaces
    reply(env, Replies.ack(env.message(), MsgCode.ACK_SUCCESS));
    SimLog.Subscription sub = new SimLog.Subscription(client, rid, nrecs == 0 ? -1 : nrecs, next, minTs, env.message());
    sub.replay = replay;
    log.subscriptions.add(sub);
    streams.addLast(new CatchUp(log, sub));
  }

  private void deliverLive(SimLog log, GdpDatum d) {
    long now = System.nanoTime();
    for (SimLog.Subscription s : new ArrayList<>(log.subscriptions)) {
      if (expired(s, now)) {
        cancel(log, x -> x == s);
        continue;
      }
      if (s.catchingUp || d.getRecno() < s.next || (s.minTs != null && SimLog.compareTs(d.getTs(), s.minTs) < 0)) {
        continue; // a replay in progress picks the record up itself
      }
      s.next = d.getRecno() + 1;
      send(log, s, d.getRecno());
    }
  }

  private boolean expired(SimLog.Subscription s, long now) {
    return subscriptionTimeoutNanos > 0 && now - s.subscribedAt > subscriptionTimeoutNanos;
  }

  /** The periodic sweep: ends, silently, every subscription not refreshed within the timeout. */
  private void expireSubscriptions() {
    if (closed) {
      return;
    }
    long now = System.nanoTime();
    for (SimLog l : logs.values()) {
      cancel(l, s -> expired(s, now));
    }
  }

  private void dropSubscriptionsOf(GdpName client) {
    for (SimLog l : logs.values()) {
      cancel(l, s -> s.client.equals(client));
    }
  }
}
