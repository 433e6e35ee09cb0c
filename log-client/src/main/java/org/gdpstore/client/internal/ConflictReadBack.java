package org.gdpstore.client.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.gdpstore.client.GdpStatus;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.proto.GdpDatum;

/**
 * After a CONFLICT answer to an APPEND (something is stored at one of its record numbers): reads
 * back what is stored there and tells whose records they are. The caller decides what follows
 * (succeed, fail, renumber). Callbacks run on the network thread, and not at all for an op that
 * finished meanwhile.
 */
final class ConflictReadBack {
  /** Renumbering mode: records read past a conflicting op to find the end of the log in the same read. */
  private static final int TAIL_PROBE = 16;

  /** What is stored at an op's numbers. */
  enum Kind {
    /** Exactly the op's records: an earlier copy got through and only its answer was lost. */
    MINE,
    /** Not (provably) the op's, and no other writer's record proven there. */
    NOT_MINE,
    /** Another writer's record holds one of the numbers: taken for good. */
    TAKEN,
    /** Reading back failed: whether the op is stored is unknown. */
    UNREADABLE
  }

  /**
   * @param tail for {@link Kind#TAKEN}: the log's last record if the read reached the end, else null
   * @param error for {@link Kind#UNREADABLE}: why the read failed
   */
  record Finding(Kind kind, GdpDatum tail, GdpStatus error) {}

  private final Outbound client;
  private final GdpName name;
  private final RecordCodec codec;

  /** @param codec the network thread's codec */
  ConflictReadBack(Outbound client, GdpName name, RecordCodec codec) {
    this.client = client;
    this.name = name;
    this.codec = codec;
  }

  /** Reads each of the op's records: {@link Kind#MINE} or {@link Kind#NOT_MINE} (also when a read failed). */
  void check(AppendOp op, Consumer<Finding> then) {
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
        same = !got.isEmpty() && codec.sameRecord(op.datums.get(i), got.get(0));
      }
      then.accept(new Finding(same ? Kind.MINE : Kind.NOT_MINE, null, null));
    });
  }

  /**
   * Renumbering mode: one range read from the op's first number tells both whether the records
   * there are ours and, when it reaches the end of the log, where the log ends (and the hash a
   * chained op must link to), so a renumbered op can go out one round trip later.
   */
  void checkWithTail(AppendOp op, Consumer<Finding> then) {
    int count = op.items.size() + TAIL_PROBE;
    ReadRequest r = ReadRequest.byRecno(client, name, op.firstRecno, count);
    r.result.whenComplete((got, t) -> {
      if (op.finished) {
        return;
      }
      if (t != null) {
        then.accept(new Finding(Kind.UNREADABLE, null, Futures.status(r.result)));
        return;
      }
      boolean mine = true;
      boolean takenByOther = false;
      for (int i = 0; i < op.datums.size(); i++) {
        GdpDatum stored = find(got, op.firstRecno + i);
        boolean same = stored != null && codec.sameRecord(op.datums.get(i), stored);
        mine &= same;
        takenByOther |= stored != null && !same;
      }
      if (mine) {
        then.accept(new Finding(Kind.MINE, null, null));
      } else if (!takenByOther) {
        then.accept(new Finding(Kind.NOT_MINE, null, null)); // e.g. a server that lost records
      } else {
        GdpDatum last = got.get(got.size() - 1);
        boolean sawEnd = got.size() < count && last.getRecno() == op.firstRecno + got.size() - 1;
        then.accept(new Finding(Kind.TAKEN, sawEnd ? last : null, null));
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
}
