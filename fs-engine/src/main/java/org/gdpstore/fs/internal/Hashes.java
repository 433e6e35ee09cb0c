package org.gdpstore.fs.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 of content. Stateless. */
public final class Hashes {
  private Hashes() {}

  public static byte[] sha256(byte[] data) {
    return newSha256().digest(data);
  }

  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
