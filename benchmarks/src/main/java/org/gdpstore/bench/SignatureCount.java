package org.gdpstore.bench;

import org.gdpstore.wire.Ed25519Keys;

/**
 * Ed25519 signatures made and checked per record during one iteration (client and in-JVM
 * simulator together), printed with the iteration's results: the figure issue 15 reports next to
 * each throughput. Also the JVM's CPU time per record, which a loaded machine hardly changes.
 * Used from the benchmark thread only.
 */
final class SignatureCount {
  private final String what;
  private final String unit;
  private long made;
  private long checked;
  private long records;
  private long cpuNanos;

  SignatureCount(String what) {
    this(what, "record");
  }

  /** Counts per {@code unit} (a record, a put, ...). */
  SignatureCount(String what, String unit) {
    this.what = what;
    this.unit = unit;
  }

  void start() {
    made = Ed25519Keys.signaturesMade();
    checked = Ed25519Keys.signaturesChecked();
    records = 0;
    cpuNanos = cpu();
  }

  /** CPU time of this whole JVM (client and simulator): unlike throughput, hardly moved by other load. */
  private static long cpu() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  void records(long n) {
    records += n;
  }

  void report() {
    if (records == 0) {
      return;
    }
    System.out.printf("%n[signatures] %s: %d %ss, %.4f made and %.4f checked per %s, %.2f us CPU per %s%n",
        what, records, unit, (Ed25519Keys.signaturesMade() - made) / (double) records,
        (Ed25519Keys.signaturesChecked() - checked) / (double) records, unit, (cpu() - cpuNanos) / 1000.0 / records,
        unit);
  }
}
