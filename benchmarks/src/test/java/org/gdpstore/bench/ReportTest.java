package org.gdpstore.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The report's verdicts decide whether an issue-7 target is met, so they are checked here on JMH
 * JSON written by hand: each target passes, misses (with the note saying why) or is "not measured"
 * from the figures alone.
 */
class ReportTest {
  private final List<String> results = new ArrayList<>();

  /** A throughput result in ops/s with a small error. */
  private ReportTest thrpt(String benchmark, double opsPerSecond, String... params) {
    return result(benchmark, "thrpt", opsPerSecond, opsPerSecond * 0.05, "ops/s", "", "", params);
  }

  /**
   * One JMH result object; {@code primaryExtra} is added inside "primaryMetric" and
   * {@code topExtra} after it (both start with a comma when not empty).
   */
  private ReportTest result(String benchmark, String mode, double score, double error, String unit,
                            String primaryExtra, String topExtra, String... params) {
    String p = "";
    for (int i = 0; i < params.length; i += 2) {
      p += (p.isEmpty() ? "" : ", ") + "\"" + params[i] + "\" : \"" + params[i + 1] + "\"";
    }
    results.add(String.format(Locale.ROOT, "{ \"benchmark\" : \"org.gdpstore.bench.%s\", \"mode\" : \"%s\","
        + " \"params\" : { %s }, \"primaryMetric\" : { \"score\" : %s, \"scoreError\" : %s,"
        + " \"scoreUnit\" : \"%s\"%s }%s }", benchmark, mode, p, score, error, unit, primaryExtra, topExtra));
    return this;
  }

  /** A sample-time result in us/op whose median is {@code p50Micros}. */
  private ReportTest lag(String transport, double p50Micros) {
    return result("SubscriptionLagBenchmark.appendToDelivery", "sample", p50Micros * 1.2, 1.0, "us/op",
        ", \"scorePercentiles\" : { \"50.0\" : " + p50Micros + ", \"99.0\" : " + p50Micros * 3 + " }", "",
        "transport", transport);
  }

  private ReportTest references() {
    return thrpt("ReferenceBenchmark.ed25519Sign", 30_000)
        .thrpt("ReferenceBenchmark.ed25519Verify", 10_000)
        .thrpt("ReferenceBenchmark.arraycopy1MiB", 40_000)
        .thrpt("ReferenceBenchmark.sha256Of64KiB", 20_000)
        .thrpt("NettyEchoBenchmark.roundTrip100B", 10_000);
  }

  private ReportTest signedAppend(double opsPerSecond) {
    return thrpt("ClientAppendBenchmark.append", opsPerSecond,
        "inFlight", "256", "recordSize", "100", "signed", "true", "transport", "inProcess");
  }

  /** Figures that meet every target. */
  private ReportTest allGood() {
    return references().signedAppend(7_500)
        .thrpt("ClientAppendBenchmark.append", 60_000,
            "inFlight", "256", "recordSize", "100", "signed", "false", "transport", "tcp")
        .thrpt("SimulatorRawBenchmark.append", 70_000,
            "inFlight", "256", "recordSize", "100", "transport", "tcp")
        .thrpt("SimulatorRawBenchmark.readRange", 400_000,
            "packed", "false", "recordSize", "100", "transport", "tcp")
        .thrpt("LatencyAppendBenchmark.append", 80, "delayMs", "10", "inFlight", "1")
        .thrpt("LatencyAppendBenchmark.append", 9_000, "delayMs", "10", "inFlight", "256")
        .lag("tcp", 120)
        // 1 MiB per op: 15,000 ops/s = 15.7 GB/s against 41.9 GB/s of arraycopy
        .thrpt("FsBenchmark.sequentialRead", 15_000)
        .thrpt("FsBenchmark.create1KiBFile", 2_500);
  }

  private Map<String, Report.Target> targets() {
    List<Report.Row> rows = Report.read("[" + String.join(",\n", results) + "]");
    return Report.targets(rows, new Report.Refs(rows)).stream()
        .collect(Collectors.toMap(t -> t.what().split(" ")[0] + " " + t.what().split(" ")[1], t -> t));
  }

  @Test
  void everyTargetPassesOnGoodFigures() {
    Map<String, Report.Target> t = allGood().targets();
    assertThat(t).hasSize(8);
    assertThat(t.values()).allSatisfy(target -> {
      assertThat(target.status()).as(target.what()).isEqualTo("**PASS**");
    });
    assertThat(t.get("signed append").measured()).contains("7,500 rec/s").contains("0.75x");
    assertThat(t.get("subscription delivery").measured()).isEqualTo("p50 120 us");
    assertThat(t.get("subscription delivery").note()).contains("upper bound");
  }

  @Test
  void missesSayWhyAndWhatWouldReachThem() {
    Map<String, Report.Target> t = references().signedAppend(6_000).lag("tcp", 1_500).targets();
    Report.Target signed = t.get("signed append");
    assertThat(signed.status()).isEqualTo("**MISS**");
    assertThat(signed.measured()).contains("0.60x");
    assertThat(signed.note()).contains("Would reach it");
    Report.Target lag = t.get("subscription delivery");
    assertThat(lag.status()).isEqualTo("**MISS**");
    assertThat(lag.note()).contains("upper bound").contains("Would reach it");
  }

  @Test
  void aTargetWithoutItsBenchmarkIsNotMeasured() {
    Map<String, Report.Target> t = references().targets();
    assertThat(t.values()).allSatisfy(target -> {
      assertThat(target.status()).as(target.what()).isEqualTo("n/a");
      assertThat(target.measured()).isEqualTo("not measured");
    });
  }

  @Test
  void aVerdictOnAWideErrorIsMarkedNoisy() {
    references().result("ClientAppendBenchmark.append", "thrpt", 8_000, 5_000, "ops/s", "", "",
        "inFlight", "256", "recordSize", "100", "signed", "true", "transport", "tcp");
    assertThat(targets().get("signed append").status()).isEqualTo("**PASS** (noisy)");
  }

  @Test
  void theFastestQualifyingRowDecides() {
    Map<String, Report.Target> t = references()
        .thrpt("SimulatorRawBenchmark.append", 30_000, "inFlight", "1", "recordSize", "100", "transport", "tcp")
        .thrpt("SimulatorRawBenchmark.append", 70_000, "inFlight", "256", "recordSize", "100", "transport", "tcp")
        // in-process and 4 KiB rows do not count for the loopback 100 B target
        .thrpt("SimulatorRawBenchmark.append", 900_000, "inFlight", "256", "recordSize", "100", "transport", "inProcess")
        .thrpt("SimulatorRawBenchmark.append", 800_000, "inFlight", "256", "recordSize", "4096", "transport", "tcp")
        .targets();
    assertThat(t.get("simulator append").measured()).startsWith("70,000 rec/s").contains("inFlight=256");
    assertThat(t.get("simulator append").status()).isEqualTo("**PASS**");
  }

  @Test
  void renderShowsEveryFigureWithItsRatioAndAllocation() {
    // JMH 1.37 names the -prof gc metric with a leading middle dot
    references().result("PduCodecBenchmark.decode", "thrpt", 1_000_000, 10_000, "ops/s", "",
        ", \"secondaryMetrics\" : { \"\u00b7gc.alloc.rate.norm\" : { \"score\" : 2016.0, \"scoreUnit\" : \"B/op\" } }",
        "message", "APPEND_100B");
    List<Report.Row> rows = Report.read("[" + String.join(",\n", results) + "]");
    assertThat(rows.get(rows.size() - 1).allocPerOp()).isEqualTo(2016.0);
    String md = Report.render(rows, List.of("nproc: 2"), "now");
    assertThat(md).contains("| PduCodecBenchmark.decode | message=APPEND_100B | 1,000,000 |")
        .contains("| 2,016 |")
        .contains("| 100 | Netty echo round trips/s (codec ops per RTT) |")
        .contains("- nproc: 2")
        .contains("## Issue-7 targets");
  }
}
