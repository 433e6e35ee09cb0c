package org.gdpstore.fs;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.gdpstore.client.Backoff;
import org.gdpstore.client.GdpClient;
import org.gdpstore.wire.GdpName;

/**
 * The long writer of {@link IntentRenewalTest}: opens the filesystem over TCP with an orphan
 * grace of {@code graceMillis}, writes 100 KiB to {@code /held} and syncs it, prints {@code READY},
 * and keeps the file open until a line {@code CLOSE} arrives on stdin; then closes (publishes) it,
 * prints {@code CLOSED} and exits.
 */
public final class RenewalWorker {
  private RenewalWorker() {}

  public static void main(String[] args) throws Exception {
    InetSocketAddress router = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
    GdpName server = GdpName.parse(args[2]);
    GdpName root = GdpName.parse(args[3]);
    Duration grace = Duration.ofMillis(Long.parseLong(args[4]));
    GdpClient client = GdpClient.builder().router(router).creationService(server)
        .requestTimeout(Duration.ofSeconds(10)).resendInterval(Duration.ofMillis(300))
        .backoff(Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(200))).build();
    try (GdpFileSystem fs = GdpFileSystem.open(client, root, LogBackend.KEYS,
        FsOptions.builder().orphanGrace(grace).build())) {
      WritableFile held = fs.newWritableFile("/held");
      held.append(OrphanGcTest.content(100_000, 7));
      held.sync();
      System.out.println("READY");
      System.out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null && !line.equals("CLOSE"); ) {
        // wait
      }
      held.close();
      System.out.println("CLOSED");
      System.out.flush();
    }
    client.close();
  }
}
