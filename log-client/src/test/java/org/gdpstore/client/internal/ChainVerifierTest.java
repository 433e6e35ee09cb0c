package org.gdpstore.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.gdpstore.client.GdpException;
import org.gdpstore.client.GdpStatus;
import org.gdpstore.client.LogRecord;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.proto.GdpDatum;
import org.junit.jupiter.api.Test;

/** What a reader of a chained log accepts: every tamper is INTEGRITY, never data. */
class ChainVerifierTest {
  static final Ed25519Keys KEYS = Ed25519Keys.fromSeed(new byte[32]);

  static LogMetadata md(String xid) {
    return LogMetadata.builder().put(LogMetadata.XID, xid).put(LogMetadata.WPK, KEYS.keyEntry())
        .put(LogMetadata.CHN, new byte[] {LogMetadata.CHAIN_V1}).build();
  }

  static final LogMetadata MD = md("reader-chain");
  static final LogMetadata OTHER = md("other-chain");

  /** Records 1..9 written as APPENDs of 3 (signed: 3, 6, 9). */
  static List<GdpDatum> log(LogMetadata md) {
    RecordCodec codec = new RecordCodec(md.logName(), md);
    List<GdpDatum> out = new ArrayList<>();
    byte[] prev = new byte[0];
    byte[][] h = new byte[1][];
    for (long r = 1; r <= 9; r++) {
      out.add(codec.buildChained(r, Instant.ofEpochSecond(1000 + r), ByteString.copyFromUtf8("r" + r), prev,
          r % 3 == 0 ? KEYS : null, h));
      prev = h[0];
    }
    return out;
  }

  /** Verifies in one pass and in parallel chunks of two records (what long reads do): same answer. */
  static LogRecord[] verify(List<GdpDatum> ds) {
    LogRecord[] one = ChainVerifier.verify(new RecordCodec(MD.logName(), MD), ds);
    LogRecord[] chunked = ChainVerifier.verifyParallel(() -> new RecordCodec(MD.logName(), MD), ds, 2);
    assertThat(chunked).usingRecursiveFieldByFieldElementComparator().containsExactly(one);
    return one;
  }

  static void refused(List<GdpDatum> ds) {
    assertThatThrownBy(() -> ChainVerifier.verify(new RecordCodec(MD.logName(), MD), ds))
        .isInstanceOfSatisfying(GdpException.class, e -> assertThat(e.code()).isEqualTo(GdpStatus.Code.INTEGRITY));
    assertThatThrownBy(() -> ChainVerifier.verifyParallel(() -> new RecordCodec(MD.logName(), MD), ds, 2))
        .isInstanceOfSatisfying(GdpException.class, e -> assertThat(e.code()).isEqualTo(GdpStatus.Code.INTEGRITY));
  }

  static List<GdpDatum> with(List<GdpDatum> ds, int i, UnaryOperator<GdpDatum> change) {
    List<GdpDatum> out = new ArrayList<>(ds);
    out.set(i, change.apply(ds.get(i)));
    return out;
  }

  @Test
  void wholeBatchesAndRangesStartingMidBatchVerify() {
    List<GdpDatum> all = log(MD);
    assertThat(verify(all)).allMatch(LogRecord::verified).hasSize(9);
    assertThat(verify(all.subList(1, 6))).extracting(LogRecord::recno).containsExactly(2L, 3L, 4L, 5L, 6L);
  }

  @Test
  void everyTamperIsIntegrity() {
    List<GdpDatum> all = log(MD);
    // a range ending mid-batch: nothing signed vouches for 7 and 8
    refused(all.subList(0, 8));
    // a flipped byte in a middle datum, and in the signed one
    refused(with(all, 4, d -> d.toBuilder().setData(ByteString.copyFromUtf8("R5")).build()));
    refused(with(all, 5, d -> d.toBuilder().setData(ByteString.copyFromUtf8("R6")).build()));
    // removed, duplicated, reordered records
    List<GdpDatum> removed = new ArrayList<>(all);
    removed.remove(4);
    refused(removed);
    List<GdpDatum> dup = new ArrayList<>(all);
    dup.add(4, all.get(4));
    refused(dup);
    List<GdpDatum> reordered = new ArrayList<>(all);
    reordered.set(3, all.get(4));
    reordered.set(4, all.get(3));
    refused(reordered);
    // forged or missing prevhash
    refused(with(all, 4, d -> d.toBuilder().setPrevhash(ByteString.copyFrom(new byte[32])).build()));
    refused(with(all, 4, d -> d.toBuilder().clearPrevhash().build()));
    // a batch spliced in from another log with the same key
    List<GdpDatum> spliced = new ArrayList<>(all);
    List<GdpDatum> foreign = log(OTHER);
    for (int i = 3; i < 6; i++) {
      spliced.set(i, foreign.get(i));
    }
    refused(spliced);
    // an unsigned tail, and a signature moved from another batch
    refused(with(all, 8, d -> d.toBuilder().clearSig().build()));
    refused(with(all, 8, d -> d.toBuilder().setSig(all.get(5).getSig()).build()));
  }
}
