package org.gdpstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.gdpstore.client.GdpClient;
import org.gdpstore.client.LogReader;
import org.gdpstore.client.LogRecord;
import org.gdpstore.sim.FaultPlan;
import org.gdpstore.sim.FaultPlan.Direction;
import org.gdpstore.sim.GdpSimulator;
import org.gdpstore.wire.MsgCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gdpfs logs append} from two processes into one log at the same time, through a simulator
 * (in this JVM) on loopback TCP: with {@code --renumber} every line lands once, each process's
 * lines in their order, with faults on; without it the loser exits 7 with one line, storing nothing.
 */
@Timeout(240)
class SharedLogProcessTest {
  @TempDir Path tmp;
  private GdpSimulator sim;
  private String router;
  private Path home;

  /** Fires (passing the PDU on at once) on each OPEN for appending: counts the writers that opened. */
  private final FaultPlan.Rule opens = FaultPlan.on(Direction.TO_SERVER).code(MsgCode.CMD_OPEN_AO).delay(0);

  @BeforeEach
  void start() throws Exception {
    sim = GdpSimulator.builder().loopbackTcp(0).serverName(Backend.DEFAULT_SERVER_NAME).start();
    router = HostPort.format(sim.tcpAddress());
    home = tmp.resolve("home");
    CliRunner.Result c = CliProcess.run(home, "--router", router, "logs", "create", "shared");
    assertThat(c.code()).as(c.toString()).isZero();
    sim.faults().add(opens);
  }

  /** Waits until {@code n} writers sent OPEN (and a moment for the answers), so both number from the same count. */
  private void awaitOpens(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (sim.faults().firedCount(opens) < n) {
      assertThat(System.nanoTime()).as("%d writers opened the log", n).isLessThan(deadline);
      Thread.sleep(20); // polling the simulator's counter: the processes give no other sign
    }
    Thread.sleep(300);
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  /** An append process whose standard input the test feeds; it opens the log, then waits for lines. */
  private record Appender(Process process, OutputStream stdin, Path out, Path err) {
    void feed(String lines) throws IOException {
      stdin.write(lines.getBytes(StandardCharsets.UTF_8));
      stdin.flush();
    }

    CliRunner.Result finish() throws Exception {
      stdin.close();
      assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("append process ends").isTrue();
      return new CliRunner.Result(process.exitValue(), Files.readString(out), Files.readString(err), new byte[0]);
    }
  }

  private Appender appender(String name, String... flags) throws IOException {
    String[] args = new String[5 + flags.length];
    System.arraycopy(new String[] {"--router", router, "logs", "append", "shared"}, 0, args, 0, 5);
    System.arraycopy(flags, 0, args, 5, flags.length);
    Path out = tmp.resolve(name + ".out");
    Path err = tmp.resolve(name + ".err");
    Process p = CliProcess.builder(home, args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    return new Appender(p, p.getOutputStream(), out, err);
  }

  @Test
  void twoProcessesWithRenumberLandEveryLineOnceInOrderUnderFaults() throws Exception {
    FaultPlan.Rule[] rules = {
        FaultPlan.on(Direction.TO_SERVER).code(MsgCode.CMD_APPEND).skip(3).once().drop(),
        FaultPlan.on(Direction.TO_CLIENT).code(MsgCode.ACK_SUCCESS).skip(6).once().drop(),
        FaultPlan.on(Direction.BOTH).code(MsgCode.CMD_APPEND).probability(0.2).duplicate(),
        FaultPlan.on(Direction.TO_CLIENT).code(MsgCode.ACK_SUCCESS).probability(0.2).duplicate()};
    for (FaultPlan.Rule r : rules) {
      sim.faults().add(r);
    }
    Appender a = appender("a", "--renumber");
    Appender b = appender("b", "--renumber");
    awaitOpens(2);
    int perProcess = 3000;
    // both processes have opened the log (at record count 0) before either has a line: their first
    // batches race for the same numbers; then lines trickle in to both, alternately
    for (int chunk = 0; chunk < perProcess / 100; chunk++) {
      StringBuilder la = new StringBuilder();
      StringBuilder lb = new StringBuilder();
      for (int i = chunk * 100; i < (chunk + 1) * 100; i++) {
        la.append("A-").append(i).append('\n');
        lb.append("B-").append(i).append('\n');
      }
      a.feed(la.toString());
      b.feed(lb.toString());
      Thread.sleep(5);
    }
    CliRunner.Result ra = a.finish();
    CliRunner.Result rb = b.finish();
    assertThat(ra.code()).as(ra.toString()).isZero();
    assertThat(rb.code()).as(rb.toString()).isZero();
    assertThat(ra.out()).startsWith("appended 3000 records to shared");
    assertThat(rb.out()).startsWith("appended 3000 records to shared");
    for (FaultPlan.Rule r : rules) {
      assertThat(sim.faults().firedCount(r)).as("fired: %s", r).isPositive();
    }

    List<LogRecord> all = readAll();
    assertThat(all).hasSize(2 * perProcess);
    Map<String, Integer> last = new HashMap<>(Map.of("A", -1, "B", -1));
    Set<String> seen = new HashSet<>();
    long recno = 1;
    int switches = 0;
    String previous = null;
    for (LogRecord rec : all) {
      assertThat(rec.recno()).isEqualTo(recno++);
      assertThat(rec.verified()).isTrue();
      String t = new String(rec.dataBytes(), StandardCharsets.UTF_8);
      assertThat(seen.add(t)).as("line %s stored twice", t).isTrue();
      String writer = t.substring(0, 1);
      int index = Integer.parseInt(t.substring(2));
      assertThat(index).as("order of %s", t).isEqualTo(last.get(writer) + 1);
      last.put(writer, index);
      switches += previous != null && !previous.equals(writer) ? 1 : 0;
      previous = writer;
    }
    // both opened at record count 0 and numbered their first batch from 1, so one of them was renumbered
    // (the once-only drop stalls one writer for a resend interval, so long runs of one writer are normal)
    assertThat(switches).as("the two processes' batches interleave").isPositive();
  }

  @Test
  void withoutRenumberTheSecondWriterExitsSevenWithOneLineAndStoresNothing() throws Exception {
    Appender a = appender("a");
    Appender b = appender("b");
    awaitOpens(2); // both open the log at record count 0
    a.feed("first\n");
    CliRunner.Result ra = a.finish();
    assertThat(ra.code()).as(ra.toString()).isZero();
    b.feed("second\n");
    CliRunner.Result rb = b.finish();
    assertThat(rb.code()).as(rb.toString()).isEqualTo(ExitCodes.EXISTS);
    assertThat(rb.err()).startsWith("gdpfs: conflict: log ").contains("--renumber").hasLineCount(1);
    assertThat(readAll()).extracting(r -> new String(r.dataBytes(), StandardCharsets.UTF_8)).containsExactly("first");
  }

  private List<LogRecord> readAll() throws Exception {
    org.gdpstore.home.GdpHome h = org.gdpstore.home.GdpHome.at(home);
    try (GdpClient c = GdpClient.builder().router(sim.tcpAddress()).creationService(sim.serverName())
            .requestTimeout(Duration.ofSeconds(30)).build();
         LogReader r = c.openReader(h.alias("shared").orElseThrow().log())) {
      return r.readRange(1, Integer.MAX_VALUE);
    }
  }
}
