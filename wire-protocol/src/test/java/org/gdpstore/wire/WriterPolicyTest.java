package org.gdpstore.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The metadata rules client and simulator share: record hash algorithm and signing key. */
class WriterPolicyTest {
  private static final Ed25519Keys KEYS = Ed25519Keys.fromSeed(new byte[32]);

  private static KeyEntry rsa(int digest) {
    return new KeyEntry(digest, KeyEntry.KEY_RSA, 2048, ByteBuffer.wrap(new byte[] {1, 2, 3}));
  }

  @Test
  void hashAlgorithmIsSha256UnlessPubNamesADigest() {
    assertThat(WriterPolicy.hashAlgorithm(LogMetadata.builder().put(LogMetadata.WPK, KEYS.keyEntry()).build()))
        .isEqualTo("SHA-256");
    assertThat(WriterPolicy.hashAlgorithm(LogMetadata.builder().put(LogMetadata.PUB, rsa(KeyEntry.MD_SHA512)).build()))
        .isEqualTo("SHA-512");
    assertThat(WriterPolicy.hashAlgorithm(LogMetadata.builder().put(LogMetadata.PUB, rsa(KeyEntry.MD_NONE)).build()))
        .isEqualTo("SHA-256");
    assertThat(WriterPolicy.hashAlgorithm(LogMetadata.builder().put(LogMetadata.PUB, new byte[] {1}).build()))
        .isEqualTo("SHA-256");
  }

  @Test
  void signingKeyFollowsWpkOpkPubAndSkipsKeysThatCannotSign() {
    LogMetadata ed = LogMetadata.builder().put(LogMetadata.PUB, rsa(KeyEntry.MD_SHA256))
        .put(LogMetadata.WPK, KEYS.keyEntry()).build();
    assertThat(WriterPolicy.signingKey(ed)).contains(KEYS.keyEntry());
    assertThat(WriterPolicy.verifiable(KEYS.keyEntry())).isTrue();
    // a generated reference key with digest id 0 cannot sign: the log is unsigned
    assertThat(WriterPolicy.signingKey(LogMetadata.builder().put(LogMetadata.PUB, rsa(KeyEntry.MD_NONE)).build()))
        .isEmpty();
    assertThat(WriterPolicy.signingKey(LogMetadata.builder().put(LogMetadata.OPK, new byte[] {1}).build())).isEmpty();
    assertThat(WriterPolicy.signingKey(LogMetadata.builder().put(LogMetadata.CID, "x").build())).isEmpty();
    KeyEntry dh = new KeyEntry(KeyEntry.MD_SHA256, KeyEntry.KEY_DH, 2048, ByteBuffer.wrap(new byte[] {1}));
    assertThat(WriterPolicy.signingKey(LogMetadata.builder().put(LogMetadata.WPK, dh).build())).contains(dh);
    assertThat(WriterPolicy.verifiable(dh)).isFalse();
  }

  @Test
  void writerKeyBytesAndWhoMayWrite() {
    LogMetadata ed = LogMetadata.builder().put(LogMetadata.WPK, KEYS.keyEntry()).build();
    assertThat(WriterPolicy.writerKeyBytes(ed)).isEqualTo(KEYS.publicKey());
    assertThat(WriterPolicy.isWriter(ed, KEYS.publicKey())).isTrue();
    assertThat(WriterPolicy.isWriter(ed, Ed25519Keys.fromSeed(new byte[] {
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}).publicKey()))
        .isFalse();
    // an unsigned log: no key bytes, anyone may write
    LogMetadata none = LogMetadata.builder().put(LogMetadata.CID, "x").build();
    assertThat(WriterPolicy.writerKeyBytes(none)).isEmpty();
    assertThat(WriterPolicy.isWriter(none, KEYS.publicKey())).isTrue();
    // another key type: its DER identifies it, and no Ed25519 key writes it
    LogMetadata r = LogMetadata.builder().put(LogMetadata.PUB, rsa(KeyEntry.MD_SHA256)).build();
    assertThat(WriterPolicy.writerKeyBytes(r)).containsExactly(1, 2, 3);
    assertThat(WriterPolicy.isWriter(r, KEYS.publicKey())).isFalse();
    // WPK wins over OPK and PUB
    LogMetadata both = LogMetadata.builder().put(LogMetadata.PUB, rsa(KeyEntry.MD_SHA256)).put(LogMetadata.WPK, KEYS.keyEntry())
        .build();
    assertThat(WriterPolicy.writerKeyBytes(both)).isEqualTo(KEYS.publicKey());
  }
}
