package org.gdpstore.wire.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class if Netty reported a buffer leak while it ran. Registered for every test
 * class through JUnit's extension auto-detection (see {@code junit-platform.properties}).
 * Netty reports a leak only when a later allocation polls its reference queue, so this collects
 * garbage and allocates a few tracked buffers before asking.
 */
public final class LeakCheck implements AfterAllCallback {
  @Override
  public void afterAll(ExtensionContext context) throws InterruptedException {
    assertNoLeaks(context.getDisplayName());
  }

  /**
   * Makes Netty report pending leaks (garbage collection plus a few tracked allocations) and throws
   * if any were recorded since the last call. Every Jupiter test class (including the seeded
   * property tests that use {@link Trials}) gets this through the extension; call it directly only
   * to check at a finer grain, e.g. after one test method.
   *
   * @param where names the tests in the failure message
   */
  public static void assertNoLeaks(String where) throws InterruptedException {
    if (ResourceLeakDetector.getLevel() == ResourceLeakDetector.Level.DISABLED) {
      return;
    }
    for (int round = 0; round < 3; round++) {
      System.gc();
      Thread.sleep(20);
      for (int i = 0; i < 8; i++) {
        ByteBuf a = UnpooledByteBufAllocator.DEFAULT.buffer(1);
        a.release();
        ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(1);
        b.release();
        ByteBuf c = io.netty.buffer.ByteBufAllocator.DEFAULT.buffer(1);
        c.release();
      }
    }
    List<String> leaks = RecordingLeakDetector.drain();
    if (!leaks.isEmpty()) {
      throw new AssertionError(leaks.size() + " Netty buffer leak(s) in " + where + ":\n"
          + String.join("\n", leaks));
    }
  }
}
