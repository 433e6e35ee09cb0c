package org.gdpstore.wire.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Proves the leak check is armed: the test JVM runs the paranoid detector through
 * {@link RecordingLeakDetector}, and a buffer dropped without release is reported.
 */
class LeakDetectorSelfTest {
  @Test
  void paranoidRecordingDetectorIsInstalled() {
    assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
  }

  @Test
  void aLeakedBufferIsRecorded() throws InterruptedException {
    leakOne();
    List<String> leaks = new ArrayList<>();
    for (int round = 0; round < 50 && leaks.isEmpty(); round++) {
      System.gc();
      Thread.sleep(10);
      ByteBuf probe = ByteBufAllocator.DEFAULT.buffer(1);
      probe.release();
      leaks.addAll(RecordingLeakDetector.drain());
    }
    // drained here, so LeakCheck does not fail this class for the leak it made on purpose
    assertThat(leaks).isNotEmpty();
    assertThat(leaks.get(0)).startsWith("LEAK:");
  }

  private static void leakOne() {
    ByteBuf leaked = ByteBufAllocator.DEFAULT.buffer(16);
    leaked.writeInt(42);
  }
}
