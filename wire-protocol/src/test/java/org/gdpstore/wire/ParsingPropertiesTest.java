package org.gdpstore.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpMessage;
import org.gdpstore.wire.testing.GoldenVectors;
import org.gdpstore.wire.testing.GoldenVectors.GoldenPdu;

/**
 * Properties of the non-Netty parsers over hostile input: metadata, key entries, keys, names and
 * signature verification fail only in their documented way (IllegalArgumentException,
 * GeneralSecurityException, {@code false}), never with another exception.
 */
class ParsingPropertiesTest {
  private static final byte[] METADATA;
  private static final GdpDatum RECORD_1;

  static {
    byte[] md = null;
    GdpDatum d = null;
    try {
      for (GoldenPdu g : GoldenVectors.all()) {
        if ("CMD_CREATE".equals(g.cmdName()) && md == null) {
          md = GdpMessages.parse(g.payload()).getCmdCreate().getMetadata().getData().toByteArray();
        }
        if ("CMD_APPEND".equals(g.cmdName()) && d == null) {
          GdpMessage m = GdpMessages.parse(g.payload());
          d = m.getCmdAppend().getDl().getD(0);
        }
      }
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
    METADATA = md;
    RECORD_1 = d;
  }

  static byte[] mutate(byte[] b, Random r) {
    b = b.clone();
    for (int m = 1 + r.nextInt(3); m > 0; m--) {
      if (b.length == 0) {
        return b;
      }
      int pos = r.nextInt(b.length);
      switch (r.nextInt(4)) {
        case 0 -> b[pos] ^= (byte) (1 << r.nextInt(8));
        case 1 -> b[pos] = (byte) r.nextInt(256);
        case 2 -> b = Arrays.copyOf(b, pos);
        default -> {
          byte[] tail = new byte[1 + r.nextInt(4)];
          r.nextBytes(tail);
          byte[] n = Arrays.copyOf(b, b.length + tail.length);
          System.arraycopy(tail, 0, n, b.length, tail.length);
          b = n;
        }
      }
    }
    return b;
  }

  @Provide
  Arbitrary<byte[]> metadataInputs() {
    return Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofMaxSize(64),
        Arbitraries.randomValue(r -> mutate(METADATA, r)));
  }

  @Property(tries = 1000, seed = "31337")
  void metadataParsesByteStablyOrFailsWithIllegalArgument(@ForAll("metadataInputs") byte[] input) {
    LogMetadata md;
    try {
      md = LogMetadata.parse(input);
    } catch (IllegalArgumentException e) {
      return;
    }
    assertThat(md.toBytes()).isEqualTo(input);
    assertThat(md.entries()).isNotEmpty();
    // the writer key of a mutated OPK entry: an entry, or IllegalArgumentException
    try {
      md.writerKey();
    } catch (IllegalArgumentException e) {
      // a key entry shorter than 5 bytes
    }
  }

  @Provide
  Arbitrary<byte[]> keyEntries() {
    byte[] opk = LogMetadata.parse(METADATA).find(LogMetadata.OPK).orElseThrow().valueBytes();
    return Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofMaxSize(100),
        Arbitraries.randomValue(r -> mutate(opk, r)));
  }

  @Property(tries = 600, seed = "2718")
  void keyEntriesAndKeysFailOnlyWithTheirCheckedErrors(@ForAll("keyEntries") byte[] value) {
    KeyEntry key;
    try {
      key = KeyEntry.parse(value);
    } catch (IllegalArgumentException e) {
      assertThat(value.length).isLessThan(5);
      return;
    }
    assertThat(key.toBytes()).isEqualTo(value);
    try {
      PublicKey pk = key.toPublicKey();
      assertThat(pk).isNotNull();
    } catch (GeneralSecurityException e) {
      // undecodable key: a checked, typed failure
    }
    // verification of the captured record with a damaged key: a boolean, never an exception
    RecordDigest digest = RecordDigest.sha256(GdpName.sha256(METADATA), METADATA);
    boolean ok = digest.verify(RECORD_1, key);
    byte[] opk = LogMetadata.parse(METADATA).find(LogMetadata.OPK).orElseThrow().valueBytes();
    // bytes 2-3 (key bits) mean nothing for an EC key; any other change must break verification
    byte[] a = value.clone();
    if (a.length >= 4) {
      a[2] = opk[2];
      a[3] = opk[3];
    }
    if (!Arrays.equals(a, opk)) {
      assertThat(ok).as("mutated %s", java.util.HexFormat.of().formatHex(value)).isFalse();
    }
  }

  @Property(tries = 600, seed = "161")
  void signaturesFailOnlyAsFalse(@ForAll("signatures") byte[] sig) {
    KeyEntry opk = LogMetadata.parse(METADATA).writerKey().orElseThrow();
    RecordDigest digest = RecordDigest.sha256(GdpName.sha256(METADATA), METADATA);
    boolean ok = RecordDigest.verifyReference(opk, digest.digestInput(RECORD_1), sig);
    assertThat(ok).isEqualTo(Arrays.equals(sig, RECORD_1.getSig().getSig().toByteArray()));
  }

  @Provide
  Arbitrary<byte[]> signatures() {
    byte[] sig = RECORD_1.getSig().getSig().toByteArray();
    return Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofMaxSize(80),
        Arbitraries.randomValue(r -> mutate(sig, r)),
        Arbitraries.just(sig));
  }

  @Provide
  Arbitrary<String> nameStrings() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(50),
        Arbitraries.strings().withChars("ABCxyz019-_+/=.").ofLength(43),
        Arbitraries.bytes().array(byte[].class).ofSize(32).map(b -> GdpName.of(b).printable()));
  }

  @Property(tries = 1000, seed = "43")
  void namesParseStrictlyAndResolveLeniently(@ForAll("nameStrings") String s) {
    GdpName resolved = GdpName.parseOrHash(s);
    if (GdpName.isPrintableName(s)) {
      assertThat(GdpName.parse(s).printable()).isEqualTo(s);
      assertThat(resolved).isEqualTo(GdpName.parse(s));
    } else {
      assertThatThrownBy(() -> GdpName.parse(s)).isInstanceOf(IllegalArgumentException.class);
      assertThat(resolved).isEqualTo(GdpName.sha256(s));
    }
  }
}
