package org.gdpstore.fs;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import org.gdpstore.client.Backoff;
import org.gdpstore.client.GdpClient;
import org.gdpstore.wire.GdpName;

/**
 * The writer that dies in {@link OrphanGcTest}: opens the filesystem over TCP with a clock
 * {@code offsetSeconds} off, commits {@code /kept-by-worker} (a file log), then writes 200 KiB to
 * {@code /dying} and syncs it (its chunks are in its file log), prints {@code READY} and waits to be
 * killed: that file log is created and filled but no commit will ever reference it.
 */
public final class OrphanWorker {
  private OrphanWorker() {}

  public static void main(String[] args) throws Exception {
    InetSocketAddress router = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
    GdpName server = GdpName.parse(args[2]);
    GdpName root = GdpName.parse(args[3]);
    Clock clock = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(Long.parseLong(args[4])));
    GdpClient client = GdpClient.builder().router(router).creationService(server)
        .requestTimeout(Duration.ofSeconds(10)).resendInterval(Duration.ofMillis(300))
        .backoff(Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(200))).build();
    GdpFileSystem fs = GdpFileSystem.open(client, root, LogBackend.KEYS, FsOptions.builder().clock(clock).build());
    fs.writeFile("/kept-by-worker", OrphanGcTest.content(20_000, 1));
    WritableFile dying = fs.newWritableFile("/dying");
    dying.append(OrphanGcTest.content(200_000, 2));
    dying.sync();
    System.out.println("READY");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE); // killed here, before any commit of /dying
  }
}
