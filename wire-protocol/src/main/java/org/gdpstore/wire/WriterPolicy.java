package org.gdpstore.wire;

import java.util.Arrays;
import java.util.Optional;

/**
 * What a log's metadata says about who writes it and how its records are hashed: the one place
 * the client, the simulator and the file engine read these rules from (spec 6.1, 6.3, 6.4).
 */
public final class WriterPolicy {
  private WriterPolicy() {}

  /** The record hash algorithm: the PUB entry's digest if it names one (spec 6.1), else SHA-256. */
  public static String hashAlgorithm(LogMetadata metadata) {
    try {
      Optional<MetadataEntry> pub = metadata.find(LogMetadata.PUB);
      if (pub.isPresent()) {
        int id = KeyEntry.parse(pub.get().valueBytes()).digestAlgorithm();
        if (id != KeyEntry.MD_NONE) {
          return KeyEntry.digestName(id);
        }
      }
    } catch (IllegalArgumentException e) {
      // an unusable PUB entry: fall back to the default
    }
    return "SHA-256";
  }

  /**
   * The key every append must be signed with, or empty when appends need no signature: no writer
   * key (WPK, OPK, PUB, see {@link LogMetadata#writerKey()}), a malformed key entry, or a non-Ed25519
   * key whose digest id is 0 (what the reference tools write for generated keys, which they then
   * cannot sign with, spec 6.3).
   */
  public static Optional<KeyEntry> signingKey(LogMetadata metadata) {
    Optional<KeyEntry> k;
    try {
      k = metadata.writerKey();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    return k.filter(key -> key.keyType() == KeyEntry.KEY_ED25519 || key.digestAlgorithm() != KeyEntry.MD_NONE);
  }

  /**
   * The writer key (WPK, OPK, PUB, see {@link LogMetadata#writerKey()}) as bytes that identify it:
   * the 32-byte raw public key of an Ed25519 key (its DER ends with it), else the key's DER; empty
   * when the log names no writer key.
   *
   * @throws IllegalArgumentException if the writer key entry is malformed
   */
  public static byte[] writerKeyBytes(LogMetadata metadata) {
    return metadata.writerKey().map(k -> {
      byte[] der = k.derBytes();
      return k.keyType() == KeyEntry.KEY_ED25519 && der.length >= 32
          ? Arrays.copyOfRange(der, der.length - 32, der.length) : der;
    }).orElse(new byte[0]);
  }

  /**
   * Whether the holder of this Ed25519 public key may append to the log: the log names no writer
   * key (it is written unsigned), or its writer key is exactly this Ed25519 key.
   *
   * @throws IllegalArgumentException if the writer key entry is malformed
   */
  public static boolean isWriter(LogMetadata metadata, byte[] ed25519PublicKey) {
    Optional<KeyEntry> key = metadata.writerKey();
    if (key.isEmpty()) {
      return true;
    }
    try {
      return key.get().keyType() == KeyEntry.KEY_ED25519 && Arrays.equals(key.get().ed25519RawKey(), ed25519PublicKey);
    } catch (IllegalArgumentException e) {
      return false; // an Ed25519 entry whose DER is not a plain Ed25519 key: nobody's key matches it
    }
  }

  /** True if signatures made with this signing key can be checked here (Ed25519, RSA, DSA, EC). */
  public static boolean verifiable(KeyEntry signingKey) {
    int t = signingKey.keyType();
    return t == KeyEntry.KEY_ED25519 || (t >= KeyEntry.KEY_RSA && t <= KeyEntry.KEY_EC);
  }
}
