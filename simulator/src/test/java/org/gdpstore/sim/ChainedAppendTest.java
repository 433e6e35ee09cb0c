package org.gdpstore.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.RecordDigest;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hash-chained logs (CHN metadata entry): an APPEND is stored only if every datum's prevhash links to
 * the record before it and its last datum is signed; otherwise nothing of it is stored.
 */
class ChainedAppendTest {
  static GdpSimulator sim;
  static final Ed25519Keys KEYS = Ed25519Keys.fromSeed(new byte[32]);

  @BeforeAll
  static void start() {
    sim = GdpSimulator.builder().inProcess().serverName("local.chain.gdplogd").start();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  static LogMetadata chainedMetadata(String xid) {
    return LogMetadata.builder().put(LogMetadata.XID, xid).put(LogMetadata.WPK, KEYS.keyEntry())
        .put(LogMetadata.CHN, new byte[] {LogMetadata.CHAIN_V1}).build();
  }

  /** Datums {@code first..first+n-1} linked from {@code prev}; only the last signed. */
  static List<GdpDatum> batch(LogMetadata md, long first, int n, byte[] prev, String tag) {
    RecordDigest digest = RecordDigest.sha256(md.logName(), md.toBytes());
    List<GdpDatum> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      GdpDatum d = Cmds.datum(first + i, tag + (first + i)).toBuilder().setPrevhash(ByteString.copyFrom(prev)).build();
      if (i == n - 1) {
        d = Cmds.signed(d, md, KEYS);
      }
      out.add(d);
      prev = digest.recordHash(d);
    }
    return out;
  }

  static byte[] hash(LogMetadata md, GdpDatum d) {
    return RecordDigest.sha256(md.logName(), md.toBytes()).recordHash(d);
  }

  private static long nrecs(TestClient c, GdpName log) {
    return c.call(log, Cmds.open(MsgCode.CMD_OPEN_RO, 99)).getAckSuccess().getRecno();
  }

  private static int append(TestClient c, GdpName log, List<GdpDatum> ds) {
    GdpMessage m = c.call(log, Cmds.append(7, ds.toArray(new GdpDatum[0])));
    return m.getCmd();
  }

  @Test
  void linkedBatchesWithASignedTailAreStoredAndEveryTamperIsRefused() {
    LogMetadata md = chainedMetadata("chained-log");
    LogMetadata other = chainedMetadata("other-chained-log"); // same key, another log
    GdpName log = md.logName();
    try (TestClient c = TestClient.local(sim, "chain-client")) {
      assertThat(c.call(sim.serverName(), Cmds.create(md)).getCmd()).isEqualTo(MsgCode.ACK_CREATED);
      List<GdpDatum> first = batch(md, 1, 3, new byte[0], "r");
      assertThat(append(c, log, first)).isEqualTo(MsgCode.ACK_SUCCESS);
      byte[] tail = hash(md, first.get(2));
      List<GdpDatum> good = batch(md, 4, 3, tail, "r");

      // unsigned tail
      List<GdpDatum> unsigned = new ArrayList<>(good);
      unsigned.set(2, good.get(2).toBuilder().clearSig().build());
      assertThat(append(c, log, unsigned)).isEqualTo(MsgCode.NAK_C_UNAUTH);
      // a flipped byte in a middle datum: the signed tail no longer links to it
      List<GdpDatum> flipped = new ArrayList<>(good);
      flipped.set(1, good.get(1).toBuilder().setData(ByteString.copyFromUtf8("R5")).build());
      assertThat(append(c, log, flipped)).isEqualTo(MsgCode.NAK_C_UNAUTH);
      // missing and forged prevhash
      List<GdpDatum> missing = new ArrayList<>(good);
      missing.set(0, good.get(0).toBuilder().clearPrevhash().build());
      assertThat(append(c, log, missing)).isEqualTo(MsgCode.NAK_C_UNAUTH);
      List<GdpDatum> forged = batch(md, 4, 3, new byte[32], "r");
      assertThat(append(c, log, forged)).isEqualTo(MsgCode.NAK_C_UNAUTH);
      // a removed record (5 dropped: 6 follows 4)
      assertThat(append(c, log, List.of(good.get(0), good.get(2)))).isNotEqualTo(MsgCode.ACK_SUCCESS);
      // reordered records
      assertThat(append(c, log, List.of(good.get(1), good.get(0), good.get(2)))).isNotEqualTo(MsgCode.ACK_SUCCESS);
      // spliced in from another log with the same key
      assertThat(append(c, log, batch(other, 4, 3, tail, "r"))).isEqualTo(MsgCode.NAK_C_UNAUTH);
      // a signature moved from another batch onto this batch's tail
      List<GdpDatum> moved = new ArrayList<>(good);
      moved.set(2, good.get(2).toBuilder().setSig(first.get(2).getSig()).build());
      assertThat(append(c, log, moved)).isEqualTo(MsgCode.NAK_C_UNAUTH);
      assertThat(nrecs(c, log)).as("nothing of a refused APPEND is stored").isEqualTo(3);

      assertThat(append(c, log, good)).isEqualTo(MsgCode.ACK_SUCCESS);
      // a duplicated record with new content after the stored tail does not link
      GdpDatum dup = Cmds.signed(Cmds.datum(7, "r6").toBuilder()
          .setPrevhash(ByteString.copyFrom(hash(md, good.get(1)))).build(), md, KEYS);
      assertThat(append(c, log, List.of(dup))).isEqualTo(MsgCode.NAK_C_UNAUTH);
      // an identical retry of a stored batch is acknowledged and stores nothing new
      assertThat(append(c, log, good)).isEqualTo(MsgCode.ACK_SUCCESS);
      assertThat(nrecs(c, log)).isEqualTo(6);
      GdpMessage read = c.call(log, Cmds.read(8, 5, 0));
      assertThat(read.getAckContent().getDl().getD(0).getPrevhash()).isEqualTo(ByteString.copyFrom(hash(md, good.get(0))));
    }
  }

  @Test
  void unchainedSignedLogsStillNeedEverySignature() {
    LogMetadata md = Cmds.signedMetadata("per-record-log", KEYS);
    try (TestClient c = TestClient.local(sim, "per-record-client")) {
      assertThat(c.call(sim.serverName(), Cmds.create(md)).getCmd()).isEqualTo(MsgCode.ACK_CREATED);
      assertThat(append(c, md.logName(), List.of(Cmds.datum(1, "a"), Cmds.signed(Cmds.datum(2, "b"), md, KEYS))))
          .isEqualTo(MsgCode.NAK_C_UNAUTH);
    }
  }
}
