package org.gdpstore.home;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Home writes from many threads at once (the CLI's HomeRaceTest does the same with processes):
 * a key is never replaced and all agree on it, no alias is lost, no temp file stays.
 */
class GdpHomeTest {
  private static final int THREADS = 8;

  @TempDir
  Path home;

  @Test
  void parallelKeyCreationsAgreeOnOneKeyAndNeverReplaceIt() throws Exception {
    Set<String> seen = ConcurrentHashMap.newKeySet();
    AtomicInteger created = new AtomicInteger();
    runTogether(THREADS, i -> {
      GdpHome.LoadedKey k = GdpHome.at(home).loadOrCreateKey("default", new SecureRandom());
      seen.add(HexFormat.of().formatHex(k.keys().publicKey()));
      if (k.created()) {
        created.incrementAndGet();
      }
    });
    assertThat(seen).hasSize(1);
    assertThat(created).hasValue(1);
    Ed25519Keys stored = GdpHome.at(home).loadKey("default");
    assertThat(seen).containsExactly(HexFormat.of().formatHex(stored.publicKey()));
    assertThat(Files.readString(home.resolve("keys/default.pub")).strip()).isEqualTo(HexFormat.of().formatHex(stored.publicKey()));
    assertNoTempFiles();
  }

  @Test
  void parallelKeygenOfOneNameHasOneWinnerAndTheOthersAreToldItExists() throws Exception {
    List<Throwable> lost = new ArrayList<>();
    Set<String> won = ConcurrentHashMap.newKeySet();
    runTogether(THREADS, i -> {
      try {
        won.add(HexFormat.of().formatHex(GdpHome.at(home).generateKey("shared", false, new SecureRandom()).publicKey()));
      } catch (HomeException e) {
        synchronized (lost) {
          lost.add(e);
        }
      }
    });
    assertThat(won).hasSize(1);
    assertThat(lost).hasSize(THREADS - 1).allSatisfy(e -> {
      assertThat(((HomeException) e).reason()).isEqualTo(HomeException.Reason.EXISTS);
      assertThat(e).hasMessageContaining("key 'shared' exists already");
    });
    assertThat(won).containsExactly(HexFormat.of().formatHex(GdpHome.at(home).loadKey("shared").publicKey()));
    byte[] replaced = GdpHome.at(home).generateKey("shared", true, new SecureRandom()).publicKey();
    assertThat(GdpHome.at(home).loadKey("shared").publicKey()).isEqualTo(replaced);
    assertNoTempFiles();
  }

  @Test
  void parallelAliasesAreAllKept() throws Exception {
    runTogether(THREADS, i -> GdpHome.at(home).addAlias(
        new HomeAlias("fs" + i, HomeAlias.Kind.FS, GdpName.sha256("root" + i), "default")));
    for (int i = 0; i < THREADS; i++) {
      assertThat(GdpHome.at(home).resolveFs("fs" + i)).as("alias fs" + i).isPresent();
    }
    assertNoTempFiles();
  }

  @Test
  void resolvesAliasesAndRootNamesAndSaysWhatIsWrong() throws Exception {
    GdpHome h = GdpHome.at(home);
    GdpName log = GdpName.sha256("a log");
    h.addAlias(new HomeAlias("l", HomeAlias.Kind.LOG, log, "k"));
    assertThatThrownBy(() -> h.addAlias(new HomeAlias("l", HomeAlias.Kind.FS, log, "k")))
        .isInstanceOfSatisfying(HomeException.class, e -> assertThat(e.reason()).isEqualTo(HomeException.Reason.EXISTS));
    assertThatThrownBy(() -> h.resolveFs("l"))
        .isInstanceOfSatisfying(HomeException.class, e -> assertThat(e.reason()).isEqualTo(HomeException.Reason.WRONG_KIND));
    assertThat(h.resolveFs(log.printable())).get().extracting(HomeAlias::log, HomeAlias::key)
        .containsExactly(log, GdpHome.DEFAULT_KEY);
    assertThat(h.resolveFs("nosuch")).isEmpty();
    assertThatThrownBy(() -> h.loadKey("../evil"))
        .isInstanceOfSatisfying(HomeException.class, e -> assertThat(e.reason()).isEqualTo(HomeException.Reason.BAD_NAME));
    assertThatThrownBy(() -> h.loadKey("missing"))
        .isInstanceOfSatisfying(HomeException.class, e -> assertThat(e.reason()).isEqualTo(HomeException.Reason.NO_KEY));
    Files.createDirectories(home.resolve("keys"));
    Files.writeString(home.resolve("keys/bad.key"), "not hex\n");
    assertThatThrownBy(() -> h.loadKey("bad"))
        .isInstanceOfSatisfying(HomeException.class, e -> assertThat(e.reason()).isEqualTo(HomeException.Reason.BAD_KEY));
    Files.writeString(h.aliasesFile(), "x = fs nonsense\n", java.nio.file.StandardOpenOption.APPEND);
    assertThatThrownBy(h::aliases)
        .isInstanceOfSatisfying(HomeException.class, e -> assertThat(e.reason()).isEqualTo(HomeException.Reason.MALFORMED));
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
