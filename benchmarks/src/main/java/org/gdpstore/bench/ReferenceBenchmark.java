package org.gdpstore.bench;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Reference points measured in the same run as the gdpstore benchmarks, so that their figures can
 * be read as ratios rather than absolute times on a noisy shared machine (issue 7, item 2):
 * raw BouncyCastle Ed25519 sign and verify of a 32-byte message (what gdpstore signs: the record
 * hash), SHA-256 of 64 KiB with the JDK's {@code MessageDigest}, a 1 MiB {@code System.arraycopy}
 * (cache-resident) and a 64 MiB one (main memory).
 * The Netty loopback echo is in {@link NettyEchoBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ReferenceBenchmark {
  private final byte[] seed = new byte[Ed25519.SECRET_KEY_SIZE];
  private final byte[] publicKey = new byte[Ed25519.PUBLIC_KEY_SIZE];
  private final byte[] message32 = new byte[32];
  private final byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
  private final byte[] sigOut = new byte[Ed25519.SIGNATURE_SIZE];
  private final byte[] block64k = new byte[64 * 1024];
  private final byte[] src1m = new byte[1024 * 1024];
  private final byte[] dst1m = new byte[1024 * 1024];
  private byte[] src64m;
  private byte[] dst64m;
  private MessageDigest sha256;

  @Setup
  public void setUp() throws NoSuchAlgorithmException {
    SplittableRandom random = new SplittableRandom(7);
    random.nextBytes(seed);
    random.nextBytes(message32);
    random.nextBytes(block64k);
    random.nextBytes(src1m);
    src64m = new byte[64 << 20];
    dst64m = new byte[64 << 20];
    random.nextBytes(src64m);
    Ed25519.generatePublicKey(seed, 0, publicKey, 0);
    Ed25519.sign(seed, 0, publicKey, 0, message32, 0, 32, signature, 0);
    if (!Ed25519.verify(signature, 0, publicKey, 0, message32, 0, 32)) {
      throw new IllegalStateException("Ed25519 self-check failed");
    }
    sha256 = MessageDigest.getInstance("SHA-256");
  }

  /** BouncyCastle RFC 8032 Ed25519 signature of 32 bytes (the public key passed in, as gdpstore does). */
  @Benchmark
  public byte[] ed25519Sign() {
    Ed25519.sign(seed, 0, publicKey, 0, message32, 0, 32, sigOut, 0);
    return sigOut;
  }

  /** BouncyCastle Ed25519 verification of a 32-byte message. */
  @Benchmark
  public boolean ed25519Verify() {
    return Ed25519.verify(signature, 0, publicKey, 0, message32, 0, 32);
  }

  /** JDK SHA-256 of a 64 KiB block (reused digest). */
  @Benchmark
  public byte[] sha256Of64KiB() {
    sha256.update(block64k);
    return sha256.digest();
  }

  /** {@code System.arraycopy} of 1 MiB between two reused arrays. */
  @Benchmark
  public byte[] arraycopy1MiB() {
    System.arraycopy(src1m, 0, dst1m, 0, src1m.length);
    return dst1m;
  }

  /**
   * {@code System.arraycopy} of 64 MiB: larger than the CPU caches, so this is the main-memory copy
   * bandwidth (context for reads that stream a 64 MiB file; not used for a target).
   */
  @Benchmark
  public byte[] arraycopy64MiB() {
    System.arraycopy(src64m, 0, dst64m, 0, src64m.length);
    return dst64m;
  }
}
