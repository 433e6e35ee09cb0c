package org.gdpstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gdpfs logs ...} in-process on the embedded durable simulator (the zero-configuration default). */
class LogsCommandsTest {
  @TempDir Path home;

  CliRunner.Result ok(CliRunner cli, String... args) {
    CliRunner.Result r = cli.run(args);
    assertThat(r.code()).as("gdpfs %s%n%s", String.join(" ", args), r).isZero();
    return r;
  }

  CliRunner.Result fails(CliRunner cli, int code, String... args) {
    CliRunner.Result r = cli.run(args);
    assertThat(r.code()).as("gdpfs %s%n%s", String.join(" ", args), r).isEqualTo(code);
    assertThat(r.err()).startsWith("gdpfs: ").doesNotContain("\tat ");
    assertThat(r.err().lines().filter(l -> l.startsWith("gdpfs: ")).count()).isEqualTo(1);
    return r;
  }

  @Test
  void createAppendReadTailOnTheEmbeddedDefault() {
    CliRunner cli = new CliRunner(home);
    assertThat(ok(cli, "logs", "create", "events").out()).startsWith("created log events = ");
    CliRunner.Result app = cli.runWithInput("first\nsecond line\n\nfourth\r\nfifth", "logs", "append", "events");
    assertThat(app.code()).as(app.toString()).isZero();
    assertThat(app.out()).contains("appended 5 records").contains("last record number 5");
    // a second run (a new embedded simulator on the same files) continues the numbering
    assertThat(cli.runWithInput("sixth\n", "logs", "append", "events").out()).contains("last record number 6");

    assertThat(ok(cli, "logs", "read", "events").out()).isEqualTo("first\nsecond line\n\nfourth\nfifth\nsixth\n");
    assertThat(ok(cli, "logs", "read", "events", "--from", "2", "--count", "2", "-n").out())
        .isEqualTo("2\tsecond line\n3\t\n");
    assertThat(ok(cli, "logs", "read", "events", "--from", "-2").out()).isEqualTo("fifth\nsixth\n");
    assertThat(ok(cli, "logs", "read", "events", "--from", "1", "--count", "1", "--hex").out()).isEqualTo("6669727374\n");
    assertThat(ok(cli, "logs", "read", "events", "--from", "10").out()).isEmpty();
    assertThat(ok(cli, "logs", "tail", "events", "--from", "5", "--count", "2").out()).isEqualTo("fifth\nsixth\n");

    // the log's 43-character name works as well as the alias
    String name = ok(cli, "aliases").out().lines().filter(l -> l.startsWith("events")).findFirst().orElseThrow()
        .split("\\s+")[2];
    // printable names may start with '-': "--" ends the options, as for any picocli command
    assertThat(ok(cli, "logs", "read", "--from", "-1", "--", name).out()).isEqualTo("sixth\n");
  }

  /** A hash-chained log: created with the chain flag in its metadata, appended and read back in order. */
  @Test
  void chainedLogAppendsAndReadsBack() throws Exception {
    CliRunner cli = new CliRunner(home);
    assertThat(ok(cli, "logs", "create", "--chained", "chain").out()).startsWith("created hash-chained log chain = ");
    StringBuilder in = new StringBuilder();
    for (int i = 1; i <= 1500; i++) {
      in.append("link ").append(i).append('\n');
    }
    CliRunner.Result app = cli.runWithInput(in.toString(), "logs", "append", "chain");
    assertThat(app.code()).as(app.toString()).isZero();
    assertThat(cli.runWithInput("one more\n", "logs", "append", "chain").out()).contains("last record number 1501");
    assertThat(ok(cli, "logs", "read", "chain").out()).isEqualTo(in + "one more\n");
    assertThat(ok(cli, "logs", "read", "chain", "--from", "700", "--count", "3", "-n").out())
        .isEqualTo("700\tlink 700\n701\tlink 701\n702\tlink 702\n");
    org.gdpstore.home.GdpHome h = org.gdpstore.home.GdpHome.at(home);
    try (org.gdpstore.home.HomeConnection c = org.gdpstore.home.HomeConnection.open(h,
            new org.gdpstore.home.HomeConnection.Options(null, null, false, java.time.Duration.ofSeconds(10), "test"));
         org.gdpstore.client.LogReader r = c.client().openReader(h.alias("chain").orElseThrow().log())) {
      assertThat(r.metadata().chained()).isTrue();
    }
    assertThat(fails(cli, ExitCodes.USAGE, "--router", "127.0.0.1:1", "--reference", "logs", "create", "--chained", "x")
        .err()).contains("--chained needs gdpstore log servers");
  }

  /** More records than the append and read windows hold (8 batches of 128): all land, in order, and range reads stay exact. */
  @Test
  void pipelinedAppendAndReadKeepOrderAndCount() {
    CliRunner cli = new CliRunner(home);
    ok(cli, "logs", "create", "many");
    int n = 3000;
    StringBuilder in = new StringBuilder();
    for (int i = 1; i <= n; i++) {
      in.append("record ").append(i).append('\n');
    }
    CliRunner.Result app = cli.runWithInput(in.toString(), "logs", "append", "many");
    assertThat(app.code()).as(app.toString()).isZero();
    assertThat(app.out()).contains("appended " + n + " records").contains("last record number " + n);
    assertThat(ok(cli, "logs", "read", "many").out()).isEqualTo(in.toString());
    String mid = ok(cli, "logs", "read", "many", "--from", "1000", "--count", "1100", "-n").out();
    assertThat(mid.lines().count()).isEqualTo(1100);
    assertThat(mid).startsWith("1000\trecord 1000\n").endsWith("2099\trecord 2099\n");
    assertThat(ok(cli, "logs", "read", "many", "--from", "-1030").out().lines().count()).isEqualTo(1030);
  }

  @Test
  void logUserErrors() throws Exception {
    CliRunner cli = new CliRunner(home);
    ok(cli, "logs", "create", "l");
    assertThat(fails(cli, ExitCodes.NOT_FOUND, "logs", "read", "nosuch").err()).contains("unknown log 'nosuch'");
    assertThat(fails(cli, ExitCodes.EXISTS, "logs", "create", "l").err()).contains("exists already");
    fails(cli, ExitCodes.USAGE, "logs", "read", "l", "--from", "0");
    fails(cli, ExitCodes.USAGE, "logs", "read", "l", "--count", "x");
    // a key that is not the log's writer
    ok(cli, "keygen", "mallory");
    assertThat(fails(cli, ExitCodes.KEY, "logs", "append", "l", "--key", "mallory").err()).contains("not the writer");
    assertThat(fails(cli, ExitCodes.KEY, "logs", "append", "l", "--key", "nokey").err()).contains("no key 'nokey'");
    // a log name nobody serves
    String unknown = org.gdpstore.wire.GdpName.sha256("no such log").printable();
    CliRunner.Result r = fails(cli, ExitCodes.NOT_FOUND, "logs", "read", unknown);
    assertThat(r.err()).contains(unknown).contains("not found");
    // a log server nobody runs
    CliRunner.Result c = fails(cli, ExitCodes.NOT_FOUND, "logs", "create", "l2", "--server-name", "nobody");
    assertThat(c.err()).contains("no log server");
  }

  @Test
  void unreachableOrMalformedRouter() throws Exception {
    CliRunner cli = new CliRunner(home);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String log = org.gdpstore.wire.GdpName.sha256("x").printable();
    CliRunner.Result r = fails(cli, ExitCodes.UNREACHABLE, "logs", "read", log, "--router", "127.0.0.1:" + port);
    assertThat(r.err()).contains("cannot reach the GDP router at 127.0.0.1:" + port);
    fails(cli, ExitCodes.USAGE, "--reference", "logs", "read", "x");
    CliRunner.Result bad = fails(cli, ExitCodes.USAGE, "--router", "nonsense", "logs", "read", "x");
    assertThat(bad.err()).contains("bad --router 'nonsense'");
  }
}
