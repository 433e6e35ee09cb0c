package org.gdpstore.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Random;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpMessage;
import org.gdpstore.wire.testing.GoldenVectors;
import org.gdpstore.wire.testing.GoldenVectors.GoldenPdu;
import org.gdpstore.wire.testing.Trials;
import org.junit.jupiter.api.Test;

/**
 * Properties of the non-Netty parsers over hostile input: metadata, key entries, keys, names and
 * signature verification fail only in their documented way (IllegalArgumentException,
 * GeneralSecurityException, {@code false}), never with another exception. Seeded {@link Trials}.
 */
class ParsingPropertiesTest {
  private static final byte[] METADATA;
  private static final GdpDatum RECORD_1;
  /** The base64url alphabet of printable names. */
  private static final String NAME_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  private static final String NEAR_BASE64 = "ABCxyz019-_+/=.";

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

  /** Half random bytes (up to 64), half the captured metadata mutated. */
  static byte[] metadataInput(Random r) {
    return r.nextBoolean() ? Trials.bytesUpTo(r, 64) : mutate(METADATA, r);
  }

  @Test
  void metadataParsesByteStablyOrFailsWithIllegalArgument() {
    Trials.run(31337, 1000, (r, trial) -> metadataParsesByteStablyOrFailsWithIllegalArgument(metadataInput(r)));
  }

  private static void metadataParsesByteStablyOrFailsWithIllegalArgument(byte[] input) {
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

  /** Half random bytes (up to 100), half the captured writer key entry (OPK) mutated. */
  static byte[] keyEntry(Random r) {
    byte[] opk = LogMetadata.parse(METADATA).find(LogMetadata.OPK).orElseThrow().valueBytes();
    return r.nextBoolean() ? Trials.bytesUpTo(r, 100) : mutate(opk, r);
  }

  @Test
  void keyEntriesAndKeysFailOnlyWithTheirCheckedErrors() {
    Trials.run(2718, 600, (r, trial) -> keyEntriesAndKeysFailOnlyWithTheirCheckedErrors(keyEntry(r)));
  }

  private static void keyEntriesAndKeysFailOnlyWithTheirCheckedErrors(byte[] value) {
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

  @Test
  void signaturesFailOnlyAsFalse() {
    Trials.run(161, 600, (r, trial) -> signaturesFailOnlyAsFalse(signature(r)));
  }

  private static void signaturesFailOnlyAsFalse(byte[] sig) {
    KeyEntry opk = LogMetadata.parse(METADATA).writerKey().orElseThrow();
    RecordDigest digest = RecordDigest.sha256(GdpName.sha256(METADATA), METADATA);
    boolean ok = RecordDigest.verifyReference(opk, digest.digestInput(RECORD_1), sig);
    assertThat(ok).isEqualTo(Arrays.equals(sig, RECORD_1.getSig().getSig().toByteArray()));
  }

  /** A third each: random bytes (up to 80), the captured signature mutated, the captured signature. */
  static byte[] signature(Random r) {
    byte[] sig = RECORD_1.getSig().getSig().toByteArray();
    return switch (r.nextInt(3)) {
      case 0 -> Trials.bytesUpTo(r, 80);
      case 1 -> mutate(sig, r);
      default -> sig;
    };
  }

  /**
   * A third each: any string up to 50 chars (ASCII, base64url alphabet, or any UTF-16 unit
   * including lone surrogates), 43 chars from a near-base64url alphabet, a real printable name.
   */
  static String nameString(Random r) {
    switch (r.nextInt(3)) {
      case 0 -> {
        StringBuilder sb = new StringBuilder();
        for (int n = Trials.between(r, 0, 50); n > 0; n--) {
          sb.append(switch (r.nextInt(3)) {
            case 0 -> (char) (' ' + r.nextInt(95));
            case 1 -> NAME_CHARS.charAt(r.nextInt(NAME_CHARS.length()));
            default -> (char) r.nextInt(Character.MAX_VALUE + 1);
          });
        }
        return sb.toString();
      }
      case 1 -> {
        StringBuilder sb = new StringBuilder();
        for (int n = 0; n < 43; n++) {
          sb.append(NEAR_BASE64.charAt(r.nextInt(NEAR_BASE64.length())));
        }
        return sb.toString();
      }
      default -> {
        return GdpName.of(Trials.bytes(r, 32)).printable();
      }
    }
  }

  @Test
  void namesParseStrictlyAndResolveLeniently() {
    Trials.run(43, 1000, (r, trial) -> namesParseStrictlyAndResolveLeniently(nameString(r)));
  }

  private static void namesParseStrictlyAndResolveLeniently(String s) {
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
