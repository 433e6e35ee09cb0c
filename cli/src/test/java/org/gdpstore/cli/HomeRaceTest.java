package org.gdpstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parallel gdpfs processes on one fresh home: keys and aliases are created race-free. After
 * N parallel {@code mkfs} / {@code logs create} / {@code keygen}, every filesystem that was
 * created is writable (its writer key is the one it was made with) and every alias resolves.
 */
class HomeRaceTest {
  private static final int N = 6;
  /** Rounds per test; {@code -Dgdpstore.race.rounds=N} for a longer run. */
  private static final int ROUNDS = Integer.getInteger("gdpstore.race.rounds", 2);

  @TempDir Path tmp;

  @Test
  void parallelMkfsOnTheEmbeddedStore() throws Exception {
    // the embedded store serializes the commands' work (sim.lock), so its rounds are slow: half as many
    for (int round = 0; round < Math.max(1, ROUNDS / 2); round++) {
      Path home = tmp.resolve("embedded-" + round);
      raceAndCheck(home, List.of(), false);
    }
  }

  @Test
  void parallelMkfsLogsCreateAndKeygenThroughARouter() throws Exception {
    Process server = CliProcess.builder(tmp.resolve("server-home"), "sim", "serve", "--listen", "127.0.0.1:0")
        .redirectError(tmp.resolve("server.err").toFile()).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      String banner = out.readLine();
      assertThat(banner).startsWith("listening on 127.0.0.1:");
      String router = banner.substring("listening on ".length()).trim();
      for (int round = 0; round < ROUNDS; round++) {
        raceAndCheck(tmp.resolve("router-" + round), List.of("--router", router), true);
      }
    } finally {
      server.destroy();
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor();
      }
    }
  }

  /** One round: N parallel mkfs (with a router, half of them 'logs create'), then (keygen) N parallel keygen of one name. */
  private void raceAndCheck(Path home, List<String> global, boolean keygen) throws Exception {
    List<List<String>> commands = new ArrayList<>();
    for (int i = 0; i < N; i++) { // N processes at once: with a router, half mkfs and half 'logs create'
      commands.add(global.isEmpty() || i % 2 == 0 ? args(global, "mkfs", "fs" + i) : args(global, "logs", "create", "log" + i));
    }
    List<CliRunner.Result> results = parallel(home, commands);
    List<String> created = new ArrayList<>();
    for (int i = 0; i < commands.size(); i++) {
      CliRunner.Result r = results.get(i);
      List<String> c = commands.get(i);
      if (r.code() == ExitCodes.OK) {
        created.add(c.get(c.size() - 1));
      } else {
        // the only acceptable failure: the embedded store stayed busy for too long (a clear error, nothing created)
        assertThat(global).as("%s%n%s", c, r).isEmpty();
        assertThat(r.code()).as("%s%n%s", c, r).isEqualTo(ExitCodes.EXISTS);
        assertThat(r.err()).as("%s", c).contains("another gdpfs process is using the embedded store");
      }
    }
    assertThat(created).as("at least one command of the round succeeded").isNotEmpty();

    CliRunner in = new CliRunner(home);
    Path file = Files.writeString(tmp.resolve("one.txt"), "one");
    for (String name : created) {
      List<String> probe = name.startsWith("fs")
          ? args(global, "put", file.toString(), "gdp://" + name + "/one.txt")
          : args(global, "logs", "append", name);
      CliRunner.Result w = in.runWithInput("x\n", probe.toArray(String[]::new));
      assertThat(w.code()).as("write to %s after the race: %s", name, w).isZero();
    }
    CliRunner.Result aliases = in.run("aliases");
    for (String name : created) {
      assertThat(aliases.out()).as("alias %s resolves", name).containsPattern("(?m)^" + name + " ");
    }
    try (var s = Files.list(home)) {
      assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp"))).as("no temp files left").isEmpty();
    }

    long createdKeyLines = results.stream().filter(r -> r.err().contains("created writer key")).count();
    assertThat(createdKeyLines).as("exactly one process created the default key").isEqualTo(1);

    if (!keygen) {
      return;
    }
    // keygen of one name: exactly one wins, the others say it exists; the key on disk is the winner's
    List<List<String>> keygens = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      keygens.add(List.of("keygen", "shared"));
    }
    List<CliRunner.Result> k = parallel(home, keygens);
    List<CliRunner.Result> won = k.stream().filter(r -> r.code() == ExitCodes.OK).toList();
    assertThat(won).as("exactly one keygen wins: %s", k).hasSize(1);
    for (CliRunner.Result r : k) {
      if (r.code() != ExitCodes.OK) {
        assertThat(r.code()).as("%s", r).isEqualTo(ExitCodes.EXISTS);
        assertThat(r.err()).contains("key 'shared' exists already").hasLineCount(1);
      }
    }
    String pub = Files.readString(home.resolve("keys/shared.pub")).strip();
    assertThat(won.get(0).out()).contains("public key (Ed25519, hex): " + pub);
    assertThat(in.run("mkfs", "--key", "shared", "withshared").code()).isZero();
  }

  private static List<String> args(List<String> global, String... rest) {
    List<String> a = new ArrayList<>(global);
    a.addAll(List.of(rest));
    return a;
  }

  private static List<CliRunner.Result> parallel(Path home, List<List<String>> commands) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(commands.size());
    try {
      List<Future<CliRunner.Result>> fs = new ArrayList<>();
      for (List<String> c : commands) {
        fs.add(pool.submit(() -> CliProcess.run(home, c.toArray(String[]::new))));
      }
      List<CliRunner.Result> out = new ArrayList<>();
      for (Future<CliRunner.Result> f : fs) {
        out.add(f.get(180, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

}
