package org.gdpstore.nio.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provider's home writes: a key is never replaced, aliases are never lost, no temp file stays. */
class HomeResolverTest {
  @TempDir
  Path home;

  @Test
  void parallelKeyCreationsAgreeOnOneKeyAndNeverReplaceIt() throws Exception {
    Set<String> seen = ConcurrentHashMap.newKeySet();
    runTogether(8, i -> seen.add(HexFormat.of().formatHex(new HomeResolver(home).generateKey("default").publicKey())));
    assertThat(seen).hasSize(1);
    Ed25519Keys stored = new HomeResolver(home).loadKey("default");
    assertThat(seen).containsExactly(HexFormat.of().formatHex(stored.publicKey()));
    assertThat(new HomeResolver(home).generateKey("default").publicKey()).isEqualTo(stored.publicKey());
    assertNoTempFiles();
  }

  @Test
  void parallelAliasesAreAllKept() throws Exception {
    runTogether(8, i -> new HomeResolver(home).addFsAlias("fs" + i, GdpName.sha256("root" + i), "default"));
    for (int i = 0; i < 8; i++) {
      assertThat(new HomeResolver(home).fsAlias("fs" + i)).as("alias fs" + i).isPresent();
    }
    assertNoTempFiles();
  }

  private interface Step {
    void run(int i) throws Exception;
  }

  private static void runTogether(int n, Step step) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int k = i;
      Thread t = new Thread(() -> {
        try {
          start.await();
          step.run(k);
        } catch (Throwable e) {
          synchronized (errors) {
            errors.add(e);
          }
        }
      });
      t.start();
      threads.add(t);
    }
    start.countDown();
    for (Thread t : threads) {
      t.join();
    }
    assertThat(errors).isEmpty();
  }

  private void assertNoTempFiles() throws Exception {
    try (Stream<Path> s = Files.walk(home)) {
      assertThat(s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList()).isEmpty();
    }
  }
}
