package org.gdpstore.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X962Parameters;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ECPoint;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECNamedCurves;
import org.bouncycastle.jce.interfaces.ECPublicKey;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpSignature;
import org.gdpstore.wire.proto.GdpTimestamp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Records signed the way the reference signs them (RSA PKCS#1 v1.5, DSA, ECDSA over the digest
 * input of spec 6.1, key entries of spec 5.5) verify, including on curves the JDK lacks.
 */
class ReferenceSignaturesTest {
  private static final Provider BC = new BouncyCastleProvider();
  private static final SecureRandom RANDOM = new SecureRandom();

  private static LogMetadata metadata;
  private static RecordDigest digest;
  private static GdpDatum datum;

  @BeforeAll
  static void log() {
    metadata = SpecExamplesTest.exampleMetadata();
    digest = RecordDigest.sha256(metadata.logName(), metadata.toBytes());
    datum = GdpDatum.newBuilder().setRecno(3)
        .setTs(GdpTimestamp.newBuilder().setSec(1559390400L).setNsec(500_000_000).setAccuracy(0.25f))
        .setData(ByteString.copyFromUtf8("signed by the reference")).build();
  }

  private static byte[] sign(String alg, Provider p, PrivateKey key, byte[] input) throws Exception {
    Signature s = p == null ? Signature.getInstance(alg) : Signature.getInstance(alg, p);
    s.initSign(key, RANDOM);
    s.update(input);
    return s.sign();
  }

  private static GdpDatum withSig(GdpDatum d, byte[] sig) {
    return d.toBuilder().setSig(GdpSignature.newBuilder().setSig(ByteString.copyFrom(sig))).build();
  }

  /** Verifies, then checks that tampering with the input, the signature or the key fails. */
  private static void assertVerifies(KeyEntry key, byte[] sig, RecordDigest d) {
    byte[] input = d.digestInput(datum);
    assertThat(RecordDigest.verifyReference(key, input, sig)).isTrue();
    assertThat(d.verify(withSig(datum, sig), key)).isTrue();
    // stored in metadata and read back, the entry still verifies
    LogMetadata md = LogMetadata.builder().put(LogMetadata.PUB, key).build();
    assertThat(RecordDigest.verifyReference(md.writerKey().orElseThrow(), input, sig)).isTrue();

    byte[] tamperedInput = input.clone();
    tamperedInput[tamperedInput.length - 40] ^= 1; // inside the recno / timestamp part
    assertThat(RecordDigest.verifyReference(key, tamperedInput, sig)).isFalse();
    assertThat(d.verify(withSig(datum.toBuilder().setRecno(4).build(), sig), key)).isFalse();
    byte[] tamperedSig = sig.clone();
    tamperedSig[tamperedSig.length / 2] ^= 0x10;
    assertThat(RecordDigest.verifyReference(key, input, tamperedSig)).isFalse();
    assertThat(RecordDigest.verifyReference(key, input, new byte[0])).isFalse();
    int otherDigest = key.digestAlgorithm() == KeyEntry.MD_SHA1 ? KeyEntry.MD_SHA256 : KeyEntry.MD_SHA1;
    KeyEntry wrongDigest = new KeyEntry(otherDigest, key.keyType(), key.keyBits(), key.der());
    assertThat(RecordDigest.verifyReference(wrongDigest, input, sig)).isFalse();
  }

  @Test
  void rsa() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048, RANDOM);
    KeyPair kp = g.generateKeyPair();
    KeyEntry key = new KeyEntry(KeyEntry.MD_SHA256, KeyEntry.KEY_RSA, 2048, ByteBuffer.wrap(kp.getPublic().getEncoded()));
    byte[] sig = sign("SHA256withRSA", null, kp.getPrivate(), digest.digestInput(datum));
    assertVerifies(key, sig, digest);
    assertThat(key.toPublicKey().getAlgorithm()).isEqualTo("RSA");
  }

  @Test
  void dsa() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("DSA");
    g.initialize(2048, RANDOM);
    KeyPair kp = g.generateKeyPair();
    KeyEntry key = new KeyEntry(KeyEntry.MD_SHA256, KeyEntry.KEY_DSA, 2048, ByteBuffer.wrap(kp.getPublic().getEncoded()));
    byte[] sig = sign("SHA256withDSA", null, kp.getPrivate(), digest.digestInput(datum));
    assertVerifies(key, sig, digest);
  }

  @Test
  void ecdsaP256FromTheJdk() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    KeyPair kp = g.generateKeyPair();
    KeyEntry key = new KeyEntry(KeyEntry.MD_SHA256, KeyEntry.KEY_EC, 0, ByteBuffer.wrap(kp.getPublic().getEncoded()));
    byte[] sig = sign("SHA256withECDSA", null, kp.getPrivate(), digest.digestInput(datum));
    assertVerifies(key, sig, digest);
  }

  @Test
  void ecdsaOnSect283r1TheReferenceDefaultCurveWhichTheJdkLacks() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BC);
    g.initialize(new ECGenParameterSpec("sect283r1"), RANDOM);
    KeyPair kp = g.generateKeyPair();
    byte[] spki = kp.getPublic().getEncoded();
    KeyEntry key = new KeyEntry(KeyEntry.MD_SHA256, KeyEntry.KEY_EC, 0, ByteBuffer.wrap(spki));
    byte[] sig = sign("SHA256withECDSA", BC, kp.getPrivate(), digest.digestInput(datum));
    assertVerifies(key, sig, digest);

    // older OpenSSL writes the curve as explicit parameters instead of its OID: still verifies
    ECPublicKey pub = (ECPublicKey) kp.getPublic();
    X9ECParameters curve = SECNamedCurves.getByName("sect283r1");
    SubjectPublicKeyInfo explicit = new SubjectPublicKeyInfo(
        new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, new X962Parameters(curve)),
        new X9ECPoint(pub.getQ(), false).getPointEncoding());
    byte[] explicitDer = explicit.getEncoded("DER");
    assertThat(explicitDer).isNotEqualTo(spki);
    KeyEntry explicitKey = new KeyEntry(KeyEntry.MD_SHA256, KeyEntry.KEY_EC, 0, ByteBuffer.wrap(explicitDer));
    assertVerifies(explicitKey, sig, digest);
  }

  /** Curves OpenSSL offers the reference's key tools; the JDK 17 provider lacks most of them. */
  @ParameterizedTest(name = "{0} with {1}")
  @CsvSource({
      "secp256k1, SHA256withECDSA, 3",
      "secp384r1, SHA384withECDSA, 4",
      "secp521r1, SHA512withECDSA, 5",
      "sect233r1, SHA256withECDSA, 3",
      "sect409r1, SHA256withECDSA, 3",
      "sect571r1, SHA1withECDSA, 1",
      "brainpoolP256r1, SHA224withECDSA, 2",
  })
  void ecdsaOnOtherCurvesAndDigests(String curve, String alg, int digestId) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BC);
    g.initialize(new ECGenParameterSpec(curve), RANDOM);
    KeyPair kp = g.generateKeyPair();
    KeyEntry key = new KeyEntry(digestId, KeyEntry.KEY_EC, 0, ByteBuffer.wrap(kp.getPublic().getEncoded()));
    RecordDigest d = new RecordDigest(metadata.logName(), metadata.toBytes(), key.digestName());
    byte[] sig = sign(alg, BC, kp.getPrivate(), d.digestInput(datum));
    assertVerifies(key, sig, d);
    // whatever digest the RecordDigest instance was made with, the key's digest decides
    assertThat(digest.verify(withSig(datum, sig), key)).isTrue();
  }

  @Test
  void keysWithAnotherDigestSignADigestInputOfThatDigest() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp384r1"), RANDOM);
    KeyPair kp = g.generateKeyPair();
    KeyEntry key = new KeyEntry(KeyEntry.MD_SHA384, KeyEntry.KEY_EC, 0, ByteBuffer.wrap(kp.getPublic().getEncoded()));
    RecordDigest sha384 = new RecordDigest(metadata.logName(), metadata.toBytes(), "SHA-384");
    byte[] input = sha384.digestInput(datum);
    assertThat(input).hasSize(32 + metadata.serializedSize() + 24 + 48); // H(data) is 48 bytes
    byte[] sig = sign("SHA384withECDSA", null, kp.getPrivate(), input);
    assertVerifies(key, sig, sha384);
    // a SHA-256 RecordDigest verifies it too: the key's digest decides
    assertThat(digest.verify(withSig(datum, sig), key)).isTrue();
  }

  @Test
  void digestIdZeroMeansUnsigned() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    KeyPair kp = g.generateKeyPair();
    byte[] sig = sign("SHA256withECDSA", null, kp.getPrivate(), digest.digestInput(datum));
    KeyEntry none = new KeyEntry(KeyEntry.MD_NONE, KeyEntry.KEY_EC, 0, ByteBuffer.wrap(kp.getPublic().getEncoded()));
    assertThat(RecordDigest.verifyReference(none, digest.digestInput(datum), sig)).isFalse();
    assertThat(digest.verify(withSig(datum, sig), none)).isFalse();
  }
}
