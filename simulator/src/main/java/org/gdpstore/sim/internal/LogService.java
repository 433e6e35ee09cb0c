package org.gdpstore.sim.internal;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.gdpstore.wire.WriterPolicy;
import org.gdpstore.wire.EpStat;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.proto.AckSuccess;
import org.gdpstore.wire.proto.CmdCreate;
import org.gdpstore.wire.proto.CmdReadByRecno;
import org.gdpstore.wire.proto.CmdReadByTs;
import org.gdpstore.wire.proto.CmdSubscribeByRecno;
import org.gdpstore.wire.proto.CmdSubscribeByTs;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpMessage;
import org.gdpstore.wire.proto.GdpTimestamp;

/**
 * The simulated gdplogd's rules, free of Netty: it takes command envelopes and produces
 * {@link Outgoing} answers, implementing the intended semantics of spec 7.2 / 8 (see
 * docs/simulator.md). Record-number rules are {@link AppendRules}, subscriptions
 * {@link Subscriptions}, multi-record answers {@link ResponseStreams}; files written by appends are
 * collected in {@link GroupCommit} for the caller to sync before sending the answers.
 *
 * <p>Not thread-safe: one thread (the log server's event loop) calls everything.
 */
final class LogService {
  private static final Logger LOG = Logger.getLogger(LogService.class.getName());

  private final GdpName serverName;
  private final GdpName creationAlias;
  private final Path logDir;
  private final int maxRecordBytes;
  private final StorageFaults storageFaults;
  private final Map<GdpName, SimLog> logs;
  /** Logs whose file is unusable (unreadable header), with the reason: every command to them gets NAK 222. */
  private final Map<GdpName, String> broken;
  /** Durable mode: log files not recovered yet, recovered when a message first names their log. */
  private final Map<GdpName, Path> unopened;
  private final List<Outgoing> out = new ArrayList<>();
  private final SignatureBatch ahead = new SignatureBatch();
  private final GroupCommit commit = new GroupCommit();
  private final Subscriptions subs;
  private final ResponseStreams streams;

  /**
   * @param logDir directory of log files, or null for memory only
   * @param logs the logs held (recovered ones included); the service owns the map from now on
   * @param broken logs found unusable at recovery, with the reason; they are advertised and answer NAK 222
   * @param unopened log files listed at start-up and not read yet; each is recovered at first use
   * @param maxAnswersPerClient multi-record answers one client may have in progress; more get NAK 227
   */
  LogService(GdpName serverName, GdpName creationAlias, Path logDir, int maxRecordBytes, StorageFaults storageFaults,
             boolean packContent, Duration subscriptionTimeout, Map<GdpName, SimLog> logs, Map<GdpName, String> broken, Map<GdpName, Path> unopened, ClientLinks links,
             int maxAnswersPerClient) {
    this.serverName = serverName;
    this.creationAlias = creationAlias;
    this.logDir = logDir;
    this.maxRecordBytes = maxRecordBytes;
    this.storageFaults = storageFaults;
    this.logs = logs;
    this.broken = broken;
    this.unopened = unopened;
    this.subs = new Subscriptions(subscriptionTimeout, out);
    this.streams = new ResponseStreams(logs, packContent, out, subs, links, maxAnswersPerClient);
  }

  GdpName serverName() {
    return serverName;
  }

  /** Names the log server holds and advertises: its own, the creation alias and every log. */
  List<GdpName> names() {
    List<GdpName> names = new ArrayList<>();
    names.add(serverName);
    if (creationAlias != null && !creationAlias.equals(serverName)) {
      names.add(creationAlias);
    }
    names.addAll(logs.keySet());
    names.addAll(broken.keySet());
    names.addAll(unopened.keySet());
    return names;
  }

  /** The log named {@code name}, recovering its file first if it was not opened yet; null if none (or broken). */
  SimLog log(GdpName name) {
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

  /** Names of the logs held, with their record counts. */
  Map<GdpName, Long> snapshot() {
    openAll();
    Map<GdpName, Long> snap = new LinkedHashMap<>();
    for (SimLog l : logs.values()) {
      snap.put(l.name, l.nrecs());
    }
    return snap;
  }

  Collection<SimLog> logs() {
    return logs.values();
  }

  /** Files written since the last sync. */
  GroupCommit commit() {
    return commit;
  }

  /** Checks the signatures of a read batch's APPENDs ahead, in parallel ({@link SignatureBatch}). */
  void checkAhead(List<?> batch) {
    ahead.checkAhead(batch, this::log);
  }

  /** Forgets the checks done ahead (end of a batch). */
  void endBatch() {
    ahead.clear();
  }

  /** Handles one message addressed to the log server or one of its logs; answers go to the output. */
  void handle(GdpEnvelope env) {
    try {
      dispatch(env);
    } catch (DamagedRecordException e) {
      if (MsgCode.needsAck(env.cmd())) {
        nak(env, MsgCode.NAK_C_REC_MISSING, EpStat.NAK_REC_MISSING, e.getMessage(), e.recno());
      }
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "log server failed on " + env, e);
      if (MsgCode.needsAck(env.cmd())) {
        reply(env, Replies.nak(env.message(), MsgCode.NAK_S_INTERNAL, EpStat.NAK_INTERNAL, "internal error: " + e, -1));
      }
    }
  }

  /** A client became unreachable (the router said NOROUTE): its subscriptions end (spec 2.4). */
  void clientUnreachable(GdpName client) {
    subs.dropClient(logs.values(), client);
  }

  /** A REGULAR PDU whose payload is not a GdpMessage: 192 with the rid if it could be read. */
  void malformed(GdpName from, GdpName to, int rid, String why) {
    GdpMessage fake = GdpMessage.newBuilder().setCmd(MsgCode.CMD_NONE).setRid(rid).build();
    out.add(new Outgoing.Message(new GdpEnvelope(from, to, Replies.nak(fake, MsgCode.NAK_C_BADREQ, EpStat.NAK_BADREQ,
        "malformed GdpMessage: " + why, -1))));
  }

  /** Ends, silently, every subscription not refreshed within the timeout. */
  void expireSubscriptions() {
    subs.expire(logs.values());
  }

  long subscriptionTimeoutNanos() {
    return subs.timeoutNanos();
  }

  /** Lets multi-record answers add to the output; true if all of them waited for their clients. */
  boolean pump() {
    return streams.pump();
  }

  boolean hasStreams() {
    return !streams.isEmpty();
  }

  /** Multi-record answers in progress (for tests and limits). */
  int streamCount() {
    return streams.size();
  }

  /** Hands every answer produced so far to {@code sink}, in order, and forgets them. */
  void drainOutput(Consumer<Outgoing> sink) {
    for (Outgoing o : out) {
      sink.accept(o);
    }
    out.clear();
  }

  boolean hasOutput() {
    return !out.isEmpty();
  }

  /** Drops everything unsent and unsynced, as a crash would. */
  void crash() {
    out.clear();
    commit.clear();
    streams.clear();
    ahead.clear();
  }

  // ---------------------------------------------------------------- dispatch

  private void dispatch(GdpEnvelope env) {
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
          Subscriptions.cancel(log, s -> s.client.equals(env.src()));
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
          Subscriptions.cancel(log, s -> s.client.equals(env.src()) && (rid == 0 || s.rid == rid));
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
        if (Subscriptions.has(log, env.src())) {
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
        file = LogFile.create(logDir, LogServer.fileName(name), mdBytes, storageFaults);
      } catch (IOException e) {
        nak(env, MsgCode.NAK_S_INTERNAL, EpStat.NAK_INTERNAL, "cannot store log: " + e.getMessage());
        return;
      }
    }
    SimLog log = new SimLog(name, mdBytes, md, WriterPolicy.signingKey(md).orElse(null), file);
    logs.put(name, log);
    out.add(new Outgoing.Advertise(name));
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
      commit.forget(log.file);
    }
    logs.remove(log.name);
    Subscriptions.cancel(log, s -> true);
    reply(env, Replies.ack(env.message(), MsgCode.ACK_DELETED));
    out.add(new Outgoing.Withdraw(log.name));
  }

  // ---------------------------------------------------------------- APPEND

  private void append(GdpEnvelope env, SimLog log) {
    List<GdpDatum> dl = env.message().getCmdAppend().getDl().getDList();
    AppendRules.Verdict v = AppendRules.check(log, dl, maxRecordBytes, ahead);
    if (!v.accepted()) {
      nak(env, v.nakCode(), v.stat(), v.reason(), v.recno());
      return;
    }
    List<GdpDatum> toStore = v.toStore();
    long[] offsets = new long[toStore.size()];
    // durable mode: serialized once for the file; memory mode keeps the datum (its data is the
    // parsed APPEND's copy) and serializes it on its first read
    List<byte[]> payloads = null;
    if (!toStore.isEmpty() && log.file != null) {
      payloads = new ArrayList<>(toStore.size());
      for (GdpDatum d : toStore) {
        payloads.add(d.toByteArray());
      }
      try {
        offsets = log.file.append(payloads);
      } catch (IOException e) {
        nak(env, MsgCode.NAK_S_INTERNAL, EpStat.NAK_INTERNAL, "storage failed: " + e.getMessage());
        return;
      }
      commit.wrote(log.file);
    }
    for (int i = 0; i < toStore.size(); i++) {
      log.add(toStore.get(i), payloads == null ? null : payloads.get(i), v.hashes().get(i), offsets[i]);
    }
    GdpDatum last = dl.get(dl.size() - 1);
    AckSuccess.Builder ack = AckSuccess.newBuilder().setRecno(last.getRecno());
    if (last.hasTs()) {
      ack.setTs(last.getTs());
    }
    reply(env, Replies.to(env.message(), MsgCode.ACK_SUCCESS).setAckSuccess(ack).build());
    for (GdpDatum d : toStore) {
      subs.deliverLive(log, d);
    }
  }

  // ---------------------------------------------------------------- reads

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
      out.add(content(env, log.bytes(start)));
      return;
    }
    if (roomFor(env)) {
      long end = n < 0 ? nrecs : Math.min(nrecs, start + n - 1);
      streams.read(env, log, null, start, end);
    }
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
      out.add(content(env, log.bytes(recnos.get(0))));
      return;
    }
    if (roomFor(env)) {
      int k = n < 0 ? recnos.size() : Math.min(n, recnos.size());
      streams.read(env, log, recnos, 0, k - 1);
    }
  }

  private void readByHash(GdpEnvelope env, SimLog log) {
    long recno = log.recnoOfHash(env.message().getCmdReadByHash().getHash());
    if (recno < 0) {
      nak(env, MsgCode.NAK_C_NOTFOUND, EpStat.NAK_NOTFOUND, "no record with that hash");
      return;
    }
    out.add(content(env, log.bytes(recno)));
  }

  private static Outgoing content(GdpEnvelope env, byte[] datum) {
    return new Outgoing.Content(env.src(), env.dst(), env.message(), datum);
  }

  /** A client may have only so many multi-record answers in progress; beyond that, 227 (retry later). */
  private boolean roomFor(GdpEnvelope env) {
    if (streams.hasRoom(env.src())) {
      return true;
    }
    nak(env, MsgCode.NAK_S_SVCUNAVAIL, EpStat.fromMsgCode(MsgCode.NAK_S_SVCUNAVAIL), "too many answers in progress for "
        + env.src() + " (at most " + streams.maxPerClient() + "); read them first");
    return false;
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

  private void startSubscription(GdpEnvelope env, SimLog log, int nrecs, List<Long> replay, long next,
                                 GdpTimestamp minTs) {
    if (!roomFor(env)) {
      return;
    }
    SimLog.Subscription sub = subs.start(env, log, nrecs, replay, next, minTs);
    reply(env, Replies.ack(env.message(), MsgCode.ACK_SUCCESS)); // before the replay
    streams.catchUp(log, sub);
  }

  // ---------------------------------------------------------------- answers

  private void reply(GdpEnvelope cmd, GdpMessage response) {
    out.add(new Outgoing.Message(cmd.reply(response)));
  }

  private void nak(GdpEnvelope cmd, int code, EpStat stat, String text) {
    reply(cmd, Replies.nak(cmd.message(), code, stat, text, -1));
  }

  private void nak(GdpEnvelope cmd, int code, EpStat stat, String text, long recno) {
    reply(cmd, Replies.nak(cmd.message(), code, stat, text, recno));
  }
}
