package org.gdpstore.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpMessage;
import org.gdpstore.wire.proto.GdpTimestamp;
import org.gdpstore.wire.testing.GoldenVectors;
import org.gdpstore.wire.testing.GoldenVectors.GoldenPdu;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The captured log: its name is SHA-256 of its metadata, and every captured record signature
 * (ECDSA P-256 with the OPK key, SHA-256) verifies over the digest input of spec 6.1, and stops
 * verifying when any bit of the signed fields changes.
 */
class GoldenRecordsTest {
  private static GdpName logName;
  private static byte[] metadataBytes;
  private static LogMetadata metadata;
  private static KeyEntry opk;
  /** recno -> datum as the writer appended it (each appears twice in the capture). */
  private static final Map<Long, GdpDatum> appended = new LinkedHashMap<>();
  /** Datums returned by reads and the subscription. */
  private static final List<GdpDatum> returned = new ArrayList<>();

  @BeforeAll
  static void loadCapture() throws Exception {
    for (GoldenPdu g : GoldenVectors.all()) {
      if (!"REGULAR".equals(g.typeName())) {
        continue;
      }
      GdpMessage m = GdpMessages.parse(g.payload());
      switch (m.getCmd()) {
        case MsgCode.CMD_CREATE -> {
          logName = GdpName.of(m.getCmdCreate().getLogname().toByteArray());
          metadataBytes = m.getCmdCreate().getMetadata().getData().toByteArray();
        }
        case MsgCode.CMD_APPEND -> {
          for (GdpDatum d : m.getCmdAppend().getDl().getDList()) {
            GdpDatum prev = appended.putIfAbsent(d.getRecno(), d);
            assertThat(prev == null || prev.equals(d)).isTrue();
          }
        }
        case MsgCode.ACK_CONTENT -> returned.addAll(m.getAckContent().getDl().getDList());
        default -> { }
      }
    }
    metadata = LogMetadata.parse(metadataBytes);
    opk = KeyEntry.parse(metadata.find(LogMetadata.OPK).orElseThrow().valueBytes());
  }

  @Test
  void createdLogNameIsSha256OfTheMetadata() {
    assertThat(metadata.logName()).isEqualTo(logName);
    assertThat(GdpName.sha256(metadataBytes)).isEqualTo(logName);
    assertThat(logName.printable()).isEqualTo("78t0tA5FPjwCk317eA6EbziwGpPa7H5Ge8OKBa3iKQ4");
  }

  @Test
  void metadataParsesAndSerializesByteForByte() {
    assertThat(metadata.toBytes()).isEqualTo(metadataBytes);
    assertThat(metadata.entries()).extracting(MetadataEntry::idName)
        .containsExactly("XID", "CTM", "NON", "CID", "OPK");
    assertThat(metadata.findText(LogMetadata.XID)).contains("local.test.session");
    assertThat(metadata.findText(LogMetadata.CTM)).contains("2026-11-21T23:43:23.343Z");
    assertThat(metadata.find(LogMetadata.NON).orElseThrow().valueBytes()).hasSize(16);
    assertThat(metadata.findText(LogMetadata.CID)).contains("root@vm");
    // rebuilt from its entries in order, it is the same bytes again
    LogMetadata.Builder b = LogMetadata.builder();
    metadata.entries().forEach(e -> b.put(e.id(), e.valueBytes()));
    assertThat(b.build().toBytes()).isEqualTo(metadataBytes);
    assertThat(b.build()).isEqualTo(metadata);
    // OPEN returns the same metadata bytes the CREATE carried
    assertThat(openedMetadata()).isNotEmpty().allSatisfy(m -> assertThat(m).isEqualTo(metadataBytes));
  }

  @Test
  void ownerKeyIsAnEcP256KeyWithSha256() throws Exception {
    assertThat(opk.digestAlgorithm()).isEqualTo(KeyEntry.MD_SHA256);
    assertThat(opk.keyType()).isEqualTo(KeyEntry.KEY_EC);
    assertThat(opk.keyBits()).isZero();
    assertThat(opk.der().remaining()).isEqualTo(91);
    assertThat(opk.toPublicKey().getAlgorithm()).isIn("EC", "ECDSA");
    assertThat(opk.toBytes()).isEqualTo(metadata.find(LogMetadata.OPK).orElseThrow().valueBytes());
    assertThat(metadata.writerKey()).contains(opk);
  }

  @Test
  void allFiveAppendedRecordsVerify() {
    assertThat(appended.keySet()).containsExactly(1L, 2L, 3L, 4L, 5L);
    RecordDigest digest = RecordDigest.sha256(logName, metadataBytes);
    for (GdpDatum d : appended.values()) {
      assertThat(d.getData().toStringUtf8()).endsWith("-" + d.getRecno());
      assertThat(d.hasPrevhash()).isFalse();
      byte[] sig = d.getSig().getSig().toByteArray();
      assertThat(digest.verify(d, opk)).as("record %d", d.getRecno()).isTrue();
      assertThat(RecordDigest.verifyReference(opk, digest.digestInput(d), sig)).isTrue();
      // the digest input layout of spec 6.1: N || M || recno || sec || nsec || accuracy || H(data)
      byte[] input = digest.digestInput(d);
      assertThat(input).hasSize(32 + metadataBytes.length + 8 + 8 + 4 + 4 + 32);
    }
  }

  @Test
  void recordsReturnedByReadsAndTheSubscriptionVerify() {
    RecordDigest digest = RecordDigest.sha256(logName, metadataBytes);
    assertThat(returned).hasSize(10); // reads of 1..3 and live 4, 5, each seen on both connections
    for (GdpDatum d : returned) {
      // gdplogd returns an empty prevhash, which is "none" for the digest
      assertThat(d.hasPrevhash()).isTrue();
      assertThat(d.getPrevhash().isEmpty()).isTrue();
      assertThat(digest.verify(d, opk)).as("returned record %d", d.getRecno()).isTrue();
      GdpDatum sent = appended.get(d.getRecno());
      assertThat(digest.recordHash(d)).isEqualTo(digest.recordHash(sent));
    }
  }

  @Test
  void flippingAnyBitOfRecnoTimestampOrDataBreaksTheSignature() {
    RecordDigest digest = RecordDigest.sha256(logName, metadataBytes);
    int checked = 0;
    for (GdpDatum d : appended.values()) {
      byte[] sig = d.getSig().getSig().toByteArray();
      long recno = d.getRecno();
      long sec = d.getTs().getSec();
      int nsec = d.getTs().getNsec();
      float acc = d.getTs().getAccuracy();
      byte[] data = d.getData().toByteArray();
      assertThat(verify(digest, sig, recno, sec, nsec, acc, data)).isTrue();
      for (int bit = 0; bit < 64; bit++) {
        assertThat(verify(digest, sig, recno ^ (1L << bit), sec, nsec, acc, data)).as("recno bit %d", bit).isFalse();
        assertThat(verify(digest, sig, recno, sec ^ (1L << bit), nsec, acc, data)).as("sec bit %d", bit).isFalse();
        checked += 2;
      }
      for (int bit = 0; bit < 32; bit++) {
        assertThat(verify(digest, sig, recno, sec, nsec ^ (1 << bit), acc, data)).as("nsec bit %d", bit).isFalse();
        float flipped = Float.intBitsToFloat(Float.floatToRawIntBits(acc) ^ (1 << bit));
        assertThat(verify(digest, sig, recno, sec, nsec, flipped, data)).as("accuracy bit %d", bit).isFalse();
        checked += 2;
      }
      for (int bit = 0; bit < data.length * 8; bit++) {
        byte[] flipped = data.clone();
        flipped[bit / 8] ^= (byte) (1 << (bit % 8));
        assertThat(verify(digest, sig, recno, sec, nsec, acc, flipped)).as("data bit %d", bit).isFalse();
        checked++;
      }
      // and through the datum API: a changed field in the protobuf datum fails too
      GdpDatum changed = d.toBuilder().setTs(GdpTimestamp.newBuilder(d.getTs()).setNsec(nsec + 1)).build();
      assertThat(digest.verify(changed, opk)).isFalse();
      GdpDatum unsigned = d.toBuilder().clearSig().build();
      assertThat(digest.verify(unsigned, opk)).isFalse();
    }
    assertThat(checked).isGreaterThan(5 * 192);
  }

  @Test
  void aSignatureDoesNotVerifyUnderAnotherLogsNameOrMetadata() {
    GdpDatum d = appended.get(1L);
    byte[] otherMeta = metadataBytes.clone();
    otherMeta[otherMeta.length - 1] ^= 1;
    assertThat(RecordDigest.sha256(GdpName.sha256(otherMeta), otherMeta).verify(d, opk)).isFalse();
    assertThat(RecordDigest.sha256(GdpName.sha256("another log"), metadataBytes).verify(d, opk)).isFalse();
  }

  private static boolean verify(RecordDigest digest, byte[] sig, long recno, long sec, int nsec, float acc, byte[] data) {
    return RecordDigest.verifyReference(opk, digest.digestInput(recno, sec, nsec, acc, null, data), sig);
  }

  private static List<byte[]> openedMetadata() {
    List<byte[]> out = new ArrayList<>();
    for (GoldenPdu g : GoldenVectors.all()) {
      if ("REGULAR".equals(g.typeName()) && "ACK_SUCCESS".equals(g.cmdName())) {
        try {
          GdpMessage m = GdpMessages.parse(g.payload());
          if (m.getAckSuccess().hasMetadata()) {
            out.add(m.getAckSuccess().getMetadata().toByteArray());
          }
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }
    }
    return out;
  }
}
