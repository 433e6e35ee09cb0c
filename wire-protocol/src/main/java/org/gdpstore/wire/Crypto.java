package org.gdpstore.wire;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/** One BouncyCastle provider instance, used explicitly; it is never installed JVM-wide. */
final class Crypto {
  static final Provider BC = new BouncyCastleProvider();

  private Crypto() {}
}
