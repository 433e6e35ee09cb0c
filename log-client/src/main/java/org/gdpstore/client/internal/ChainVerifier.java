package org.gdpstore.client.internal;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.gdpstore.client.GdpStatus;
import org.gdpstore.client.LogRecord;
import org.gdpstore.wire.proto.GdpDatum;

/**
 * Verifies consecutive records of a hash-chained log (docs/log-client.md, "Chained logs"): a record
 * is authentic if it carries a valid writer signature, or if the record after it is authentic and
 * that record's prevhash equals this record's hash (SHA-256 collision resistance makes the signed
 * record vouch for every record it links back to). Every neighbour pair must link, and record 1 has
 * no prevhash. A record no signed record at or after it vouches for fails the whole result.
 */
final class ChainVerifier {
  private ChainVerifier() {}

  /** Verifies {@code datums} (consecutive record numbers, ascending) and decodes them. */
  static LogRecord[] verify(RecordCodec codec, List<GdpDatum> datums) {
    return verify(codec, datums, null);
  }

  /**
   * As {@link #verify(RecordCodec, List)}; with {@code prev} (the hash of the record before the
   * first, already verified) the first record must also link to it.
   */
  static LogRecord[] verify(RecordCodec codec, List<GdpDatum> datums, byte[] prev) {
    byte[][] hashes = new byte[datums.size()][];
    for (int i = 0; i < hashes.length; i++) {
      hashes[i] = codec.recordHash(datums.get(i));
    }
    return link(codec, datums, hashes, null, prev);
  }

  /**
   * As {@link #verify(RecordCodec, List)} for long results: the per-record work (hash, record
   * object) runs in parallel chunks on the common fork-join pool, one codec per chunk (codecs are
   * not thread-safe); only the walk that links them and checks the signatures is sequential.
   */
  static LogRecord[] verifyParallel(Supplier<RecordCodec> codecs, List<GdpDatum> datums, int chunk) {
    int n = datums.size();
    byte[][] hashes = new byte[n][];
    LogRecord[] records = new LogRecord[n];
    IntStream.range(0, (n + chunk - 1) / chunk).parallel().forEach(c -> {
      RecordCodec codec = codecs.get();
      for (int i = c * chunk; i < Math.min(n, (c + 1) * chunk); i++) {
        hashes[i] = codec.recordHash(datums.get(i));
        records[i] = codec.toRecord(datums.get(i), hashes[i], true); // handed out only if the walk passes
      }
    });
    return link(codecs.get(), datums, hashes, records, null);
  }

  /** The walk back from the end: links, record numbers, signatures. {@code made}: records built already, or null. */
  private static LogRecord[] link(RecordCodec codec, List<GdpDatum> datums, byte[][] hashes, LogRecord[] made,
      byte[] prev) {
    if (prev != null && !datums.isEmpty() && !Arrays.equals(prev, datums.get(0).getPrevhash().toByteArray())) {
      throw integrity("record " + datums.get(0).getRecno() + " does not link to the record delivered before it");
    }
    int n = datums.size();
    LogRecord[] out = made != null ? made : new LogRecord[n];
    byte[] expected = null; // prevhash of the record after the current one, once that one is authentic
    long nextRecno = -1;
    for (int i = n - 1; i >= 0; i--) {
      GdpDatum d = datums.get(i);
      byte[] hash = hashes[i];
      if (expected != null && d.getRecno() != nextRecno - 1) {
        throw integrity("record " + d.getRecno() + " is followed by record " + nextRecno + " (records missing)");
      }
      boolean linked = expected != null && Arrays.equals(expected, hash);
      if (expected != null && !linked) {
        throw integrity("record " + nextRecno + "'s prevhash does not match record " + d.getRecno());
      }
      if (!linked && !codec.signatureVerifies(d)) {
        throw integrity("record " + d.getRecno() + " is not vouched for by a signed record after it"
            + (d.hasSig() && !d.getSig().getSig().isEmpty() ? " (bad signature)" : " (unsigned tail)"));
      }
      if (d.getRecno() == 1 && !d.getPrevhash().isEmpty()) {
        throw integrity("record 1 carries a prevhash");
      }
      if (d.getRecno() > 1 && d.getPrevhash().isEmpty()) {
        throw integrity("record " + d.getRecno() + " has no prevhash in a chained log");
      }
      if (made == null) {
        out[i] = codec.toRecord(d, hash, true);
      }
      expected = d.getPrevhash().toByteArray();
      nextRecno = d.getRecno();
    }
    return out;
  }

  private static RuntimeException integrity(String why) {
    return GdpStatus.of(GdpStatus.Code.INTEGRITY, why).asException();
  }
}
