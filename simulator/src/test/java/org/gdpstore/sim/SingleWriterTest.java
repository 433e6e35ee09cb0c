package org.gdpstore.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.netty.buffer.Unpooled;
import java.security.SecureRandom;
import java.util.List;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.EpStat;
import org.gdpstore.wire.GdpMessages;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.KeyEntry;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpMessage;
import org.gdpstore.wire.proto.GdpSignature;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Logs with a writer key accept only records signed with it; a refused APPEND stores nothing. */
class SingleWriterTest {
  static GdpSimulator sim;

  @BeforeAll
  static void start() {
    sim = GdpSimulator.builder().inProcess().serverName("local.test.gdplogd").start();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  private static long nrecs(TestClient c, GdpName log) {
    return c.call(log, Cmds.open(MsgCode.CMD_OPEN_RO, 99)).getAckSuccess().getRecno();
  }

  @Test
  void ed25519WriterKeyIsEnforced() {
    SecureRandom rnd = new SecureRandom(new byte[] {1});
    Ed25519Keys owner = Ed25519Keys.fromSeed(new byte[32]);
    Ed25519Keys intruder = Ed25519Keys.generate(rnd);
    LogMetadata md = Cmds.signedMetadata("signed-log", owner);
    GdpName log = md.logName();
    try (TestClient c = TestClient.local(sim, "sw-client")) {
      assertThat(c.call(sim.serverName(), Cmds.create(md)).getCmd()).isEqualTo(MsgCode.ACK_CREATED);
      GdpMessage ok = c.call(log, Cmds.append(1, Cmds.signed(Cmds.datum(1, "one"), md, owner)));
      assertThat(ok.getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);

      GdpMessage unsigned = c.call(log, Cmds.append(2, Cmds.datum(2, "two")));
      assertThat(unsigned.getCmd()).isEqualTo(MsgCode.NAK_C_UNAUTH);
      assertThat(unsigned.getNak().getEpStat()).isEqualTo(EpStat.CRYPTO_BAD_SIGNATURE.value());

      GdpMessage wrongKey = c.call(log, Cmds.append(3, Cmds.signed(Cmds.datum(2, "two"), md, intruder)));
      assertThat(wrongKey.getCmd()).isEqualTo(MsgCode.NAK_C_UNAUTH);

      // signature of another record
      GdpDatum stolen = Cmds.datum(2, "evil").toBuilder()
          .setSig(Cmds.signed(Cmds.datum(2, "two"), md, owner).getSig()).build();
      assertThat(c.call(log, Cmds.append(4, stolen)).getCmd()).isEqualTo(MsgCode.NAK_C_UNAUTH);

      // all or nothing: a good record followed by a bad one stores neither
      GdpMessage mixed = c.call(log, Cmds.append(5, Cmds.signed(Cmds.datum(2, "two"), md, owner),
          Cmds.datum(3, "three")));
      assertThat(mixed.getCmd()).isEqualTo(MsgCode.NAK_C_UNAUTH);
      assertThat(nrecs(c, log)).isEqualTo(1);

      GdpMessage both = c.call(log, Cmds.append(6, Cmds.signed(Cmds.datum(2, "two"), md, owner),
          Cmds.signed(Cmds.datum(3, "three"), md, owner)));
      assertThat(both.getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
      assertThat(nrecs(c, log)).isEqualTo(3);
      // what was stored carries the signature
      GdpMessage read = c.call(log, Cmds.read(7, 3, 0));
      assertThat(read.getAckContent().getDl().getD(0).getSig().getSig().size()).isEqualTo(64);
    }
  }

  /**
   * APPENDs that arrive together have their signatures checked together, in parallel: each still
   * gets its own verdict, in order, and a bad one stops the records after it (they would leave a
   * gap).
   */
  @Test
  void appendsReadInOneBatchAreJudgedOneByOne() {
    Ed25519Keys owner = Ed25519Keys.fromSeed(new byte[32]);
    Ed25519Keys intruder = Ed25519Keys.generate(new SecureRandom(new byte[] {2}));
    LogMetadata md = Cmds.signedMetadata("batch-signed-log", owner);
    GdpName log = md.logName();
    try (TestClient c = TestClient.local(sim, "sw-batch-client")) {
      assertThat(c.call(sim.serverName(), Cmds.create(md)).getCmd()).isEqualTo(MsgCode.ACK_CREATED);
      List<GdpMessage> appends = new java.util.ArrayList<>();
      for (int recno = 1; recno <= 8; recno++) {
        Ed25519Keys signer = recno == 5 ? intruder : owner;
        appends.add(Cmds.append(100 + recno, Cmds.signed(Cmds.datum(recno, "r" + recno), md, signer)));
      }
      c.sendAll(log, appends);
      java.util.Map<Integer, Integer> answers = new java.util.TreeMap<>();
      for (int i = 0; i < 8; i++) {
        GdpMessage m = c.nextEnvelope().message();
        answers.put(m.getRid() - 100, m.getCmd());
      }
      assertThat(answers).containsExactly(
          java.util.Map.entry(1, MsgCode.ACK_SUCCESS), java.util.Map.entry(2, MsgCode.ACK_SUCCESS),
          java.util.Map.entry(3, MsgCode.ACK_SUCCESS), java.util.Map.entry(4, MsgCode.ACK_SUCCESS),
          java.util.Map.entry(5, MsgCode.NAK_C_UNAUTH), java.util.Map.entry(6, MsgCode.NAK_C_FORBIDDEN),
          java.util.Map.entry(7, MsgCode.NAK_C_FORBIDDEN), java.util.Map.entry(8, MsgCode.NAK_C_FORBIDDEN));
      assertThat(nrecs(c, log)).isEqualTo(4);
    }
  }

  @Test
  void writerKeyPreferenceWpkOverOpk() {
    Ed25519Keys owner = Ed25519Keys.fromSeed(new byte[32]);
    byte[] seed = new byte[32];
    seed[0] = 9;
    Ed25519Keys writer = Ed25519Keys.fromSeed(seed);
    LogMetadata md = LogMetadata.builder().put(LogMetadata.XID, "wpk-log").put(LogMetadata.OPK, owner.keyEntry())
        .put(LogMetadata.WPK, writer.keyEntry()).build();
    try (TestClient c = TestClient.local(sim, "wpk-client")) {
      c.call(sim.serverName(), Cmds.create(md));
      assertThat(c.call(md.logName(), Cmds.append(1, Cmds.signed(Cmds.datum(1, "o"), md, owner))).getCmd())
          .isEqualTo(MsgCode.NAK_C_UNAUTH);
      assertThat(c.call(md.logName(), Cmds.append(2, Cmds.signed(Cmds.datum(1, "w"), md, writer))).getCmd())
          .isEqualTo(MsgCode.ACK_SUCCESS);
    }
  }

  @Test
  void keyWithoutDigestMeansAnOpenLog() {
    // what the reference tools write for generated keys: digest id 0, so nobody can sign
    Ed25519Keys k = Ed25519Keys.fromSeed(new byte[32]);
    KeyEntry e = k.keyEntry();
    KeyEntry unsignable = new KeyEntry(KeyEntry.MD_NONE, KeyEntry.KEY_EC, 0, e.der());
    LogMetadata md = LogMetadata.builder().put(LogMetadata.XID, "digest0").put(LogMetadata.OPK, unsignable).build();
    try (TestClient c = TestClient.local(sim, "d0-client")) {
      c.call(sim.serverName(), Cmds.create(md));
      assertThat(c.call(md.logName(), Cmds.append(1, Cmds.datum(1, "free"))).getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
    }
  }

  @Test
  void referenceEcdsaSignatureMustMatchTheRecord() throws Exception {
    List<GoldenReplayTest.GoldenPdu> pdus = GoldenReplayTest.load();
    GdpMessage create = payload(pdus, 13);
    GdpMessage append1 = payload(pdus, 27);
    GdpName log = GdpName.of(create.getCmdCreate().getLogname().toByteArray());
    try (TestClient c = TestClient.local(sim, "ecdsa-client")) {
      assertThat(c.call(sim.serverName(), create).getCmd()).isEqualTo(MsgCode.ACK_CREATED);
      GdpDatum good = append1.getCmdAppend().getDl().getD(0);
      GdpDatum tampered = good.toBuilder().setData(ByteString.copyFromUtf8("rec-X")).build();
      GdpMessage nak = c.call(log, Cmds.append(1, tampered));
      assertThat(nak.getCmd()).isEqualTo(MsgCode.NAK_C_UNAUTH);
      GdpDatum badSig = good.toBuilder().setSig(GdpSignature.newBuilder()
          .setSig(ByteString.copyFrom(new byte[] {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01}))).build();
      assertThat(c.call(log, Cmds.append(2, badSig)).getCmd()).isEqualTo(MsgCode.NAK_C_UNAUTH);
      assertThat(nrecs(c, log)).isZero();
      assertThat(c.call(log, append1).getCmd()).isEqualTo(MsgCode.ACK_SUCCESS);
      assertThat(nrecs(c, log)).isEqualTo(1);
    }
  }

  static GdpMessage payload(List<GoldenReplayTest.GoldenPdu> pdus, int number) throws Exception {
    byte[] raw = pdus.stream().filter(p -> p.number() == number).findFirst().orElseThrow().raw();
    int hlen = (raw[1] & 0x3f) * 4;
    return GdpMessages.parse(Unpooled.wrappedBuffer(raw, hlen, raw.length - hlen));
  }
}
