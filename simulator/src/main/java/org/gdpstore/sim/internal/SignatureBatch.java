package org.gdpstore.sim.internal;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.KeyEntry;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.proto.GdpDatum;

/**
 * Signature checks done ahead for one read batch: the Ed25519 signatures of the batch's APPEND
 * datums to signed logs are checked on all cores (the calling event loop takes part) and each
 * result is remembered, with the record hash, by datum identity. Hashing stays on the calling thread
 * ({@link org.gdpstore.wire.RecordDigest} is not thread-safe); only the signature checks, ~60 us
 * each, run in parallel. Other key types, and datums of a log that does not exist yet (created later
 * in the batch), are left to the in-line check of {@link AppendRules}.
 */
final class SignatureBatch {
  /** A datum's record hash and signature verdict, for that log. */
  record Verified(SimLog log, byte[] hash, boolean ok) {}

  private final Map<GdpDatum, Verified> results = new IdentityHashMap<>();

  void checkAhead(List<?> batch, Function<GdpName, SimLog> logs) {
    List<GdpDatum> datums = new ArrayList<>();
    List<SimLog> owners = new ArrayList<>();
    List<byte[]> keys = new ArrayList<>();
    List<byte[]> hashes = new ArrayList<>();
    for (Object msg : batch) {
      if (msg instanceof GdpEnvelope env && env.cmd() == MsgCode.CMD_APPEND && env.message().hasCmdAppend()) {
        SimLog log = logs.apply(env.dst());
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
    IntStream.range(0, ok.length).parallel().forEach(i -> {
      GdpDatum d = datums.get(i);
      ok[i] = d.hasSig() && Ed25519Keys.verify(keys.get(i), hashes.get(i), d.getSig().getSig().toByteArray());
    });
    for (int i = 0; i < ok.length; i++) {
      results.put(datums.get(i), new Verified(owners.get(i), hashes.get(i), ok[i]));
    }
  }

  /** The check done ahead for this datum of this log, or null. */
  Verified get(GdpDatum d, SimLog log) {
    Verified v = results.get(d);
    return v != null && v.log() == log ? v : null;
  }

  void clear() {
    results.clear();
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
}
