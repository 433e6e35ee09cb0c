package org.gdpstore.sim.internal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.gdpstore.wire.EpStat;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.PduHeader;
import org.gdpstore.wire.proto.AckContent;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpDatumList;
import org.gdpstore.wire.proto.GdpMessage;

/**
 * Multi-record answers (range reads, subscription replays) in progress, sent a little at a time:
 * clients take turns, and so do one client's answers, {@link #CHUNK} records per turn, at most
 * {@link #TURN} records per event-loop turn in all. A client whose connection cannot take more data
 * is skipped (its answers wait instead of piling up in memory); a client whose connection is gone
 * (or was replaced by a new one) loses every answer still in progress for it, and a replay that is
 * dropped ends its subscription. Each client has at most {@code maxPerClient} answers in progress.
 */
final class ResponseStreams {
  private static final Logger LOG = Logger.getLogger(ResponseStreams.class.getName());
  /** Records one answer sends before the next answer's turn. */
  static final int CHUNK = 64;
  /** Records sent per event-loop turn, over all answers (then other work gets its turn). */
  static final int TURN = 512;
  /** Bytes of records sent per event-loop turn, over all answers: large records make short turns. */
  static final long TURN_BYTES = 1 << 20;
  /** Largest datum list an ACK_CONTENT may carry so that the whole message fits one PDU. */
  static final int PACK_LIMIT = PduHeader.MAX_PAYLOAD_LENGTH - 32;

  private final Map<GdpName, SimLog> logs;
  private final boolean packContent;
  private final List<Outgoing> out;
  private final Subscriptions subs;
  private final ClientLinks links;
  private final int maxPerClient;
  private final Map<GdpName, ClientQueue> byClient = new HashMap<>();
  private final ArrayDeque<ClientQueue> ring = new ArrayDeque<>();
  private int size;
  /** Output entries of this turn counted so far, and their bytes ({@link #turnFull}). */
  private int counted;
  private long turnBytes;

  ResponseStreams(Map<GdpName, SimLog> logs, boolean packContent, List<Outgoing> out, Subscriptions subs,
                  ClientLinks links, int maxPerClient) {
    this.logs = logs;
    this.packContent = packContent;
    this.out = out;
    this.subs = subs;
    this.links = links;
    this.maxPerClient = maxPerClient;
  }

  /** Answers in progress for one client. */
  private static final class ClientQueue {
    final GdpName client;
    final ArrayDeque<Stream> streams = new ArrayDeque<>();

    ClientQueue(GdpName client) {
      this.client = client;
    }
  }

  /** True if {@code client} may start another answer now. */
  boolean hasRoom(GdpName client) {
    ClientQueue q = byClient.get(client);
    return q == null || q.streams.size() < maxPerClient;
  }

  int maxPerClient() {
    return maxPerClient;
  }

  /** Starts a range read: records {@code first..end}, or positions {@code first..end} of {@code order}; then 191. */
  void read(GdpEnvelope cmd, SimLog log, List<Long> order, long first, long end) {
    add(new ReadStream(cmd, log, order, first, end, links.connectionOf(cmd.src())));
  }

  /** Starts the replay of a subscription; when it has caught up, the subscription turns live. */
  void catchUp(SimLog log, SimLog.Subscription sub) {
    add(new CatchUp(log, sub, links.connectionOf(sub.client)));
  }

  private void add(Stream st) {
    ClientQueue q = byClient.get(st.client());
    if (q == null) {
      q = new ClientQueue(st.client());
      byClient.put(st.client(), q);
      ring.addLast(q);
    }
    q.streams.addLast(st);
    size++;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** Answers in progress, over all clients. */
  int size() {
    return size;
  }

  /** Forgets every answer in progress (a crash). */
  void clear() {
    byClient.clear();
    ring.clear();
    size = 0;
  }

  /**
   * Lets answers add records to the output, up to {@link #TURN} in all. Returns true if every
   * client with answers waited for its connection (nothing was sent).
   */
  boolean pump() {
    int budget = TURN;
    int waited = 0;
    boolean any = size > 0;
    counted = out.size();
    turnBytes = 0;
    while (budget > 0 && !turnFull() && !ring.isEmpty() && waited < ring.size()) {
      ClientQueue q = ring.pollFirst();
      Object conn = links.connectionOf(q.client);
      while (!q.streams.isEmpty() && (conn == null || q.streams.peekFirst().connection() != conn)) {
        drop(q.streams.pollFirst()); // its connection closed: nobody will read the rest
      }
      if (q.streams.isEmpty()) {
        byClient.remove(q.client);
        continue;
      }
      if (!links.ready(conn)) {
        ring.addLast(q);
        waited++;
        continue;
      }
      waited = 0;
      Stream st = q.streams.pollFirst();
      int before = out.size();
      boolean done;
      try {
        done = st.emit(Math.min(CHUNK, budget));
      } catch (DamagedRecordException e) {
        // the answer (or subscription) ends at the damaged record, naming it
        out.add(new Outgoing.Message(new GdpEnvelope(st.client(), st.logName(), Replies.nak(st.command(),
            MsgCode.NAK_C_REC_MISSING, EpStat.NAK_REC_MISSING, e.getMessage(), e.recno()))));
        if (st instanceof CatchUp c) {
          Subscriptions.cancel(c.log, x -> x == c.sub);
        }
        done = true;
      } catch (RuntimeException e) {
        // e.g. a record that cannot be read back from its file: end this answer with an error
        LOG.log(Level.SEVERE, "cannot continue an answer to " + st.client(), e);
        out.add(new Outgoing.Message(new GdpEnvelope(st.client(), st.logName(), Replies.nak(st.command(),
            MsgCode.NAK_S_INTERNAL, EpStat.NAK_INTERNAL, "cannot read the log: " + e.getMessage(), -1))));
        done = true;
      }
      budget -= Math.max(1, out.size() - before);
      if (done) {
        size--;
      } else {
        q.streams.addLast(st);
      }
      if (q.streams.isEmpty()) {
        byClient.remove(q.client);
      } else {
        ring.addLast(q);
      }
    }
    return any && budget == TURN;
  }

  /** True once this turn's records add up to {@link #TURN_BYTES}. */
  private boolean turnFull() {
    while (counted < out.size()) {
      Outgoing o = out.get(counted++);
      if (o instanceof Outgoing.Content c) {
        turnBytes += c.datum().length;
      } else if (o instanceof Outgoing.Message m) {
        turnBytes += m.envelope().message().getSerializedSize();
      }
    }
    return turnBytes >= TURN_BYTES;
  }

  private void drop(Stream st) {
    size--;
    if (st instanceof CatchUp c) {
      Subscriptions.cancel(c.log, x -> x == c.sub);
    }
  }

  /** A multi-record answer in progress. */
  private interface Stream {
    GdpName client();

    GdpName logName();

    /** The command being answered (for its rid). */
    GdpMessage command();

    /** The connection the command came in on (see {@link ClientLinks#connectionOf}). */
    Object connection();

    /** Adds up to {@code max} records (PDUs) to the output; true when the answer is finished. */
    boolean emit(int max);
  }

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
      out.add(new Outgoing.Message(new GdpEnvelope(to, from, Replies.to(cmd, MsgCode.ACK_CONTENT)
          .setAckContent(AckContent.newBuilder().setDl(dl)).build())));
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
    final Object connection;
    long next;
    final long end;
    long sent;

    ReadStream(GdpEnvelope cmd, SimLog log, List<Long> order, long first, long end, Object connection) {
      this.cmd = cmd;
      this.log = log;
      this.order = order;
      this.next = first;
      this.end = end;
      this.connection = connection;
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
    public Object connection() {
      return connection;
    }

    @Override
    public boolean emit(int max) {
      if (logs.get(log.name) != log) {
        return true; // deleted meanwhile
      }
      if (packContent) {
        Pack pack = new Pack(cmd.src(), cmd.dst(), cmd.message());
        for (int pdus = 0; pdus < max && next <= end && !turnFull(); ) {
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
        for (int i = 0; i < max && next <= end && !turnFull(); i++, next++) {
          long r = order == null ? next : order.get((int) next);
          out.add(new Outgoing.Content(cmd.src(), cmd.dst(), cmd.message(), log.bytes(r)));
          sent++;
        }
      }
      if (next > end) {
        out.add(new Outgoing.Message(cmd.reply(Replies.endOfResults(cmd.message(), sent))));
        return true;
      }
      return false;
    }
  }

  /** The replay of a subscription: existing records, then it turns live. */
  private final class CatchUp implements Stream {
    final SimLog log;
    final SimLog.Subscription sub;
    final Object connection;

    CatchUp(SimLog log, SimLog.Subscription sub, Object connection) {
      this.log = log;
      this.sub = sub;
      this.connection = connection;
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
    public Object connection() {
      return connection;
    }

    @Override
    public boolean emit(int max) {
      if (!sub.cancelled && subs.expired(sub, System.nanoTime())) {
        Subscriptions.cancel(log, x -> x == sub);
      }
      if (sub.cancelled || logs.get(log.name) != log) {
        return true;
      }
      Pack pack = packContent ? new Pack(sub.client, log.name, sub.command) : null;
      int pdus = 0;
      try {
        while (pdus < max && !turnFull()) {
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
            subs.send(log, sub, r);
            pdus++;
          } else {
            pack.add(d);
            sub.delivered++;
            if (sub.remaining > 0 && --sub.remaining == 0) {
              pack.flush();
              subs.finish(log, sub);
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
}
