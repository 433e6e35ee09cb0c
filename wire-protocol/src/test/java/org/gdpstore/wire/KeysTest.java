package org.gdpstore.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.gdpstore.wire.TestChannels.hex;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpSignature;
import org.gdpstore.wire.proto.GdpTimestamp;
import org.gdpstore.wire.testing.Trials;
import org.junit.jupiter.api.Test;

/** Key entries (spec 5.5) and gdpstore's Ed25519 keys and record signatures (design section 2). */
class KeysTest {
  // RFC 8032 section 7.1, test 1 and test 2
  private static final byte[] RFC_SECRET_1 = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  private static final byte[] RFC_PUBLIC_1 = hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  private static final byte[] RFC_SIG_1 = hex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  private static final byte[] RFC_SECRET_2 = hex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
  private static final byte[] RFC_PUBLIC_2 = hex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
  private static final byte[] RFC_MSG_2 = hex("72");
  private static final byte[] RFC_SIG_2 = hex("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");

  @Test
  void keyEntryParsesAndSerializes() {
    byte[] der = {0x30, 0x03, 0x02, 0x01, 0x05};
    byte[] value = new byte[4 + der.length];
    value[0] = 3;
    value[1] = 1;
    value[2] = 0x08;
    value[3] = 0x00;
    System.arraycopy(der, 0, value, 4, der.length);
    KeyEntry k = KeyEntry.parse(value);
    assertThat(k.digestAlgorithm()).isEqualTo(KeyEntry.MD_SHA256);
    assertThat(k.keyType()).isEqualTo(KeyEntry.KEY_RSA);
    assertThat(k.keyBits()).isEqualTo(2048);
    assertThat(k.derBytes()).isEqualTo(der);
    assertThat(k.toBytes()).isEqualTo(value);
    assertThat(k.digestName()).isEqualTo("SHA-256");
    // a value: its buffer is copied in and handed out as views
    value[4] = 9;
    k.der().get();
    assertThat(k.der().get(0)).isEqualTo((byte) 0x30);
    assertThat(KeyEntry.parse(k.toBytes())).isEqualTo(k);

    assertThatThrownBy(() -> KeyEntry.parse(new byte[4])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new KeyEntry(256, 1, 0, ByteBuffer.allocate(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new KeyEntry(3, 1, 65536, ByteBuffer.allocate(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new KeyEntry(3, 1, 0, null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void digestIds() {
    String[] names = {"SHA-1", "SHA-224", "SHA-256", "SHA-384", "SHA-512", "RIPEMD160"};
    for (int id = 1; id <= 6; id++) {
      assertThat(KeyEntry.digestName(id)).isEqualTo(names[id - 1]);
      assertThat(new RecordDigest(GdpName.ZERO, new byte[2], names[id - 1]).algorithm()).isEqualTo(names[id - 1]);
    }
    assertThatThrownBy(() -> KeyEntry.digestName(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KeyEntry.digestName(7)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void unsupportedKeyTypesAndBadDerAreCheckedErrors() {
    KeyEntry dh = new KeyEntry(3, KeyEntry.KEY_DH, 0, ByteBuffer.wrap(new byte[] {0x30, 0}));
    assertThatThrownBy(dh::toPublicKey).isInstanceOf(GeneralSecurityException.class);
    KeyEntry junk = new KeyEntry(3, KeyEntry.KEY_EC, 0, ByteBuffer.wrap(new byte[] {1, 2, 3}));
    assertThatThrownBy(junk::toPublicKey).isInstanceOf(GeneralSecurityException.class);
    assertThat(RecordDigest.verifyReference(junk, new byte[10], new byte[10])).isFalse();
    assertThat(RecordDigest.verifyReference(dh, new byte[10], new byte[10])).isFalse();
    assertThatThrownBy(junk::ed25519RawKey).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ed25519MatchesRfc8032() {
    Ed25519Keys k1 = Ed25519Keys.fromSeed(RFC_SECRET_1);
    assertThat(k1.publicKey()).isEqualTo(RFC_PUBLIC_1);
    assertThat(k1.sign(new byte[0])).isEqualTo(RFC_SIG_1);
    assertThat(Ed25519Keys.verify(RFC_PUBLIC_1, new byte[0], RFC_SIG_1)).isTrue();
    Ed25519Keys k2 = Ed25519Keys.fromSeed(RFC_SECRET_2);
    assertThat(k2.publicKey()).isEqualTo(RFC_PUBLIC_2);
    assertThat(k2.sign(RFC_MSG_2)).isEqualTo(RFC_SIG_2);
    assertThat(k2.seed()).isEqualTo(RFC_SECRET_2);
    assertThat(k2.toString()).doesNotContain(java.util.HexFormat.of().formatHex(RFC_SECRET_2));
    assertThatThrownBy(() -> Ed25519Keys.fromSeed(new byte[31])).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ed25519VerifyNeverThrows() {
    byte[] sig = RFC_SIG_2;
    assertThat(Ed25519Keys.verify(RFC_PUBLIC_2, RFC_MSG_2, sig)).isTrue();
    assertThat(Ed25519Keys.verify(RFC_PUBLIC_2, new byte[] {0x73}, sig)).isFalse();
    assertThat(Ed25519Keys.verify(RFC_PUBLIC_1, RFC_MSG_2, sig)).isFalse();
    assertThat(Ed25519Keys.verify(RFC_PUBLIC_2, RFC_MSG_2, Arrays.copyOf(sig, 63))).isFalse();
    assertThat(Ed25519Keys.verify(Arrays.copyOf(RFC_PUBLIC_2, 31), RFC_MSG_2, sig)).isFalse();
    assertThat(Ed25519Keys.verify(null, RFC_MSG_2, sig)).isFalse();
    assertThat(Ed25519Keys.verify(RFC_PUBLIC_2, RFC_MSG_2, null)).isFalse();
    byte[] notAPoint = new byte[32];
    Arrays.fill(notAPoint, (byte) 0xff);
    assertThat(Ed25519Keys.verify(notAPoint, RFC_MSG_2, sig)).isFalse();
    for (int bit = 0; bit < 512; bit += 7) {
      byte[] flipped = sig.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      assertThat(Ed25519Keys.verify(RFC_PUBLIC_2, RFC_MSG_2, flipped)).as("bit %d", bit).isFalse();
    }
  }

  /**
   * verify() keeps decoded public keys; its answers must stay those of BouncyCastle's raw-key
   * verification, for a key seen before, a key whose caller array changed afterwards, tampered
   * keys (often not on the curve) and tampered signatures and messages.
   */
  @Test
  void cachedKeyVerificationAgreesWithRawKeyVerification() {
    Trials.run(0xED25519L, 300, (r, i) -> {
      Ed25519Keys keys = Ed25519Keys.fromSeed(Trials.bytes(r, 32));
      byte[] msg = Trials.bytes(r, 32);
      byte[] sig = keys.sign(msg);
      byte[] pk = keys.publicKey();
      assertThat(Ed25519Keys.verify(pk, msg, sig)).isTrue();
      switch (r.nextInt(4)) {
        case 0 -> pk[r.nextInt(32)] ^= (byte) (1 << r.nextInt(8)); // same array, changed after caching
        case 1 -> sig[r.nextInt(64)] ^= (byte) (1 << r.nextInt(8));
        case 2 -> msg[r.nextInt(32)] ^= (byte) (1 << r.nextInt(8));
        default -> { } // untouched: second call hits the cache
      }
      boolean raw = org.bouncycastle.math.ec.rfc8032.Ed25519.verify(sig, 0, pk, 0, msg, 0, msg.length);
      assertThat(Ed25519Keys.verify(pk, msg, sig)).isEqualTo(raw);
      assertThat(Ed25519Keys.verify(pk.clone(), msg, sig)).isEqualTo(raw);
    });
  }

  @Test
  void ed25519KeyEntryLayout() throws Exception {
    Ed25519Keys k = Ed25519Keys.fromSeed(RFC_SECRET_1);
    KeyEntry e = k.keyEntry();
    assertThat(e.digestAlgorithm()).isEqualTo(3);
    assertThat(e.keyType()).isEqualTo(5);
    assertThat(e.keyBits()).isEqualTo(256);
    assertThat(e.derBytes()).hasSize(44);
    byte[] bytes = e.toBytes();
    assertThat(bytes).hasSize(48);
    assertThat(Arrays.copyOf(bytes, 4)).isEqualTo(new byte[] {3, 5, 1, 0});
    assertThat(Arrays.copyOfRange(bytes, 4, 16)).isEqualTo(hex("302a300506032b6570032100"));
    assertThat(Arrays.copyOfRange(bytes, 16, 48)).isEqualTo(RFC_PUBLIC_1);
    assertThat(e.ed25519RawKey()).isEqualTo(RFC_PUBLIC_1);
    assertThat(KeyEntry.parse(bytes)).isEqualTo(e);
    assertThat(Ed25519Keys.entryFor(RFC_PUBLIC_1)).isEqualTo(e);

    // the JDK reads the same SPKI, and its Ed25519 verifies our signatures and vice versa
    PublicKey jdk = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(e.derBytes()));
    assertThat(jdk.getEncoded()).isEqualTo(e.derBytes());
    byte[] msg = "record hash".getBytes(StandardCharsets.UTF_8);
    Signature v = Signature.getInstance("Ed25519");
    v.initVerify(jdk);
    v.update(msg);
    assertThat(v.verify(k.sign(msg))).isTrue();
    // BouncyCastle's decoding of the entry gives the same key
    assertThat(e.toPublicKey().getEncoded()).isEqualTo(e.derBytes());

    // a key pair from the JDK: its SPKI is our layout, its signatures verify with our code
    var kp = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] spki = kp.getPublic().getEncoded();
    assertThat(spki).hasSize(44);
    KeyEntry jdkEntry = new KeyEntry(3, 5, 256, ByteBuffer.wrap(spki));
    Signature s = Signature.getInstance("Ed25519");
    s.initSign(kp.getPrivate());
    s.update(msg);
    byte[] jdkSig = s.sign();
    assertThat(Ed25519Keys.verify(jdkEntry.ed25519RawKey(), msg, jdkSig)).isTrue();
    assertThat(Ed25519Keys.entryFor(jdkEntry.ed25519RawKey())).isEqualTo(jdkEntry);
  }

  @Test
  void ed25519AgreesWithBouncyCastlesSigner() {
    SecureRandom seeded = new SecureRandom(new byte[] {1}); // content is irrelevant: determinism comes from the seed below
    Ed25519Keys k = Ed25519Keys.fromSeed(hex("0102030405060708091011121314151617181920212223242526272829303132"));
    byte[] msg = new byte[32];
    seeded.nextBytes(msg);

    Ed25519Signer bcVerify = new Ed25519Signer();
    bcVerify.init(false, new Ed25519PublicKeyParameters(k.publicKey(), 0));
    bcVerify.update(msg, 0, msg.length);
    assertThat(bcVerify.verifySignature(k.sign(msg))).isTrue();

    Ed25519Signer bcSign = new Ed25519Signer();
    bcSign.init(true, new Ed25519PrivateKeyParameters(k.seed(), 0));
    bcSign.update(msg, 0, msg.length);
    byte[] bcSig = bcSign.generateSignature();
    assertThat(bcSig).isEqualTo(k.sign(msg)); // Ed25519 is deterministic
    assertThat(Ed25519Keys.verify(k.publicKey(), msg, bcSig)).isTrue();
  }

  @Test
  void ed25519RecordSignaturesOverTheRecordHash() {
    LogMetadata md = LogMetadata.builder().put(LogMetadata.XID, "kv")
        .put(LogMetadata.WPK, Ed25519Keys.fromSeed(RFC_SECRET_2).keyEntry()).build();
    Ed25519Keys writer = Ed25519Keys.fromSeed(RFC_SECRET_2);
    assertThat(md.writerKey()).contains(writer.keyEntry());
    RecordDigest digest = RecordDigest.sha256(md.logName(), md.toBytes());
    GdpDatum unsigned = GdpDatum.newBuilder().setRecno(7)
        .setTs(GdpTimestamp.newBuilder().setSec(1_700_000_000L).setNsec(123_000))
        .setData(ByteString.copyFromUtf8("value")).build();
    byte[] sig = writer.sign(digest.recordHash(unsigned));
    assertThat(sig).hasSize(Ed25519Keys.SIGNATURE_LENGTH);
    GdpDatum signed = unsigned.toBuilder().setSig(GdpSignature.newBuilder().setSig(ByteString.copyFrom(sig))).build();
    assertThat(digest.verify(signed, writer.keyEntry())).isTrue();
    assertThat(digest.verify(unsigned, writer.keyEntry())).isFalse();
    assertThat(digest.verify(signed.toBuilder().setRecno(8).build(), writer.keyEntry())).isFalse();
    assertThat(digest.verify(signed.toBuilder().setData(ByteString.copyFromUtf8("valuE")).build(), writer.keyEntry()))
        .isFalse();
    assertThat(digest.verify(signed, Ed25519Keys.fromSeed(RFC_SECRET_1).keyEntry())).isFalse();
    // an entry that claims Ed25519 but carries something else is a failed verification, not a crash
    KeyEntry bogus = new KeyEntry(3, 5, 256, ByteBuffer.wrap(new byte[] {1, 2, 3}));
    assertThat(digest.verify(signed, bogus)).isFalse();
    // digest id 0 (the reference's generated keys): nothing verifies
    KeyEntry noDigest = new KeyEntry(0, 5, 256, writer.keyEntry().der());
    assertThat(digest.verify(signed, noDigest)).isFalse();
  }

  @Test
  void generatedKeysDiffer() {
    SecureRandom r = new SecureRandom();
    assertThat(Ed25519Keys.generate(r).publicKey()).isNotEqualTo(Ed25519Keys.generate(r).publicKey());
  }
}
