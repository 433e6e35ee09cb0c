package org.gdpstore.client.internal;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpSignature;

/**
 * Turns an op's records into numbered datums: each signed (unchained logs), or hash-linked with
 * only the last datum of an APPEND signed (chained logs, spec 6.7). One instance per thread (the
 * callers' presigning and the network thread each have their own, with their own codec).
 */
final class AppendDatums {
  private final Ed25519Keys keys;
  /** A log that names no writer key cannot have its signatures checked by anyone: do not sign. */
  private final boolean signs;
  /** Hash-chained with a usable key: datums carry prevhash and only each APPEND's last one is signed. */
  private final boolean chained;
  private final RecordCodec codec;

  AppendDatums(GdpName name, LogMetadata metadata, Ed25519Keys keys) {
    this.keys = keys;
    this.codec = new RecordCodec(name, metadata);
    this.signs = codec.canVerify();
    this.chained = signs && metadata.chained();
  }

  boolean chained() {
    return chained;
  }

  RecordCodec codec() {
    return codec;
  }

  /** Signed datums (unsigned if the log names no writer key) numbered from {@code first}. */
  List<GdpDatum> signed(long first, List<AppendOp.Item> items) {
    Ed25519Keys signer = signs ? keys : null;
    List<GdpDatum> ds = new ArrayList<>(items.size());
    long r = first;
    for (AppendOp.Item it : items) {
      ds.add(codec.build(r++, it.timestamp(), it.data(), signer));
    }
    return ds;
  }

  /** Unsigned chained datums from {@code prev} on. Sets {@code op.lastHash}. */
  List<GdpDatum> linked(long first, List<AppendOp.Item> items, byte[] prev, AppendOp op) {
    List<GdpDatum> ds = new ArrayList<>(items.size());
    byte[][] hash = new byte[1][];
    long r = first;
    for (AppendOp.Item it : items) {
      ds.add(codec.buildChained(r++, it.timestamp(), it.data(), prev, null, hash));
      prev = hash[0];
    }
    op.lastHash = prev;
    return ds;
  }

  /**
   * Numbers {@code op} (and a packed op's members) from {@code first}, chained ones linked to
   * {@code prev}, and signs a chained APPEND's last datum: one signature vouches for every datum the
   * chain links back to. Sets {@code firstRecno}, {@code datums} and (chained) {@code lastHash}.
   */
  void number(AppendOp op, long first, byte[] prev) {
    op.firstRecno = first;
    if (op.members == null) {
      op.datums = datumsFor(op, first, prev);
    } else {
      List<GdpDatum> ds = new ArrayList<>(op.items.size());
      for (AppendOp m : op.members) {
        m.firstRecno = first;
        ds.addAll(datumsFor(m, first, prev));
        first += m.items.size();
        prev = m.lastHash;
      }
      op.datums = ds;
      op.lastHash = prev;
    }
    if (chained) {
      int last = op.datums.size() - 1;
      op.datums.set(last, op.datums.get(last).toBuilder()
          .setSig(GdpSignature.newBuilder().setSig(ByteString.copyFrom(keys.sign(op.lastHash)))).build());
    }
  }

  /**
   * The datums of a submitted op numbered from {@code first} (chained: linked to {@code prev},
   * unsigned; sets {@code op.lastHash}): the caller's presigned ones if its guess was right.
   */
  private List<GdpDatum> datumsFor(AppendOp op, long first, byte[] prev) {
    List<GdpDatum> ds;
    if (chained) {
      boolean guessed = op.presigned != null && op.predictedFirst == first && Arrays.equals(op.presignedPrev, prev);
      ds = guessed ? op.presigned : linked(first, op.items, prev, op);
    } else if (op.presigned != null && op.predictedFirst == first) {
      ds = op.presigned;
    } else {
      ds = signed(first, op.items); // the guess was wrong (e.g. after a resync)
    }
    op.presigned = null;
    return ds;
  }
}
