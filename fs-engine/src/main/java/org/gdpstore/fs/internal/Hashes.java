package org.gdpstore.fs.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 of content. Thread-safe (one reusable digest per thread). */
public final class Hashes {
  private Hashes() {}

  /** One digest per thread for whole-array hashes: no provider lookup per call (a KV put hashes its value). */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Hashes::newSha256);

  public static byte[] sha256(byte[] data) {
    return SHA256.get().digest(data); // digest() completes and resets it: nothing is left for the next call
  }

  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
