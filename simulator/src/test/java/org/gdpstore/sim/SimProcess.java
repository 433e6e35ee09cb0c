package org.gdpstore.sim;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gdpstore.wire.GdpName;

/**
 * The standalone simulator in its own JVM for process-level tests: started (optionally under a
 * lower open-file limit, through {@code sh -c 'ulimit -n N; exec java ...'}), its output collected,
 * its memory and CPU read from /proc.
 */
final class SimProcess implements AutoCloseable {
  private static final Pattern LISTENING =
      Pattern.compile("gdp-simulator listening on ([0-9.]+):(\\d+) server-name (\\S+) \\((\\S+)\\)");

  final Process process;
  final InetSocketAddress address;
  final GdpName serverName;
  final List<String> output;

  private SimProcess(Process process, InetSocketAddress address, GdpName serverName, List<String> output) {
    this.process = process;
    this.address = address;
    this.serverName = serverName;
    this.output = output;
  }

  /**
   * Starts {@code java jvmArgs GdpSimulatorMain --listen 127.0.0.1:0 simArgs}.
   *
   * @param fdLimit open-file limit of the process, or 0 to inherit
   */
  static SimProcess start(List<String> jvmArgs, List<String> simArgs, int fdLimit) throws IOException {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBin);
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(GdpSimulatorMain.class.getName());
    cmd.add("--listen");
    cmd.add("127.0.0.1:0");
    cmd.addAll(simArgs);
    ProcessBuilder pb;
    if (fdLimit > 0) {
      StringBuilder sh = new StringBuilder("ulimit -n " + fdLimit + " && exec");
      for (String a : cmd) {
        sh.append(" '").append(a.replace("'", "'\\''")).append('\'');
      }
      pb = new ProcessBuilder("sh", "-c", sh.toString());
    } else {
      pb = new ProcessBuilder(cmd);
    }
    pb.redirectErrorStream(true);
    Process p = pb.start();
    List<String> output = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Matcher> ready = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          output.add(line);
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            ready.complete(m);
          }
        }
      } catch (IOException e) {
        // the process died
      }
      ready.completeExceptionally(new IllegalStateException("simulator exited: " + output));
    }, "sim-output");
    reader.setDaemon(true);
    reader.start();
    try {
      Matcher m = ready.get(60, TimeUnit.SECONDS);
      return new SimProcess(p, new InetSocketAddress(m.group(1), Integer.parseInt(m.group(2))),
          GdpName.parse(m.group(4)), output);
    } catch (Exception e) {
      p.destroyForcibly();
      throw new IllegalStateException("simulator did not start: " + output, e);
    }
  }

  /** A field of /proc/PID/status in kB (VmRSS, VmHWM), or -1 if unknown. */
  long statusKb(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux, or gone
    }
    return -1;
  }

  /** CPU time used so far (user + system), in clock ticks, or -1 if unknown. */
  long cpuTicks() {
    try {
      String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Open file descriptors of the process, or -1 if unknown. */
  int openFds() {
    try (var s = Files.list(Path.of("/proc/" + process.pid() + "/fd"))) {
      return (int) s.count();
    } catch (IOException e) {
      return -1;
    }
  }

  String outputText() {
    synchronized (output) {
      return String.join("\n", output);
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
