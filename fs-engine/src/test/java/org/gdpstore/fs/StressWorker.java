package org.gdpstore.fs;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Random;
import org.gdpstore.client.Backoff;
import org.gdpstore.client.GdpClient;
import org.gdpstore.wire.GdpName;

/**
 * One writer process of {@link MultiWriterStressTest}: opens the filesystem over TCP with the
 * writer key and runs {@code m} seeded operations, printing one line per operation:
 * {@code OK i what recno snapshot}, {@code OKNR i what snapshot} (no recno to report), {@code TRUE i what},
 * {@code FALSE i what}, or {@code FAIL i what CODE message}; then {@code DONE}. {@code what} is
 * {@code tx:<paths>}, {@code file:<path>}, {@code kv:<key>} or {@code once:<key>}.
 *
 * <p>Operation i of worker w (kinds drawn from {@code new Random(seed * 1000 + w)}): a transaction
 * writing a file of its own directory, or a shared file; a single-call write of a shared file; a
 * blind KV put of a shared key; a put-if-absent; a transaction writing a shared and an own file.
 * Every content is unique: {@code w<w>-op<i>}.
 */
public final class StressWorker {
  private StressWorker() {}

  public static void main(String[] args) throws Exception {
    InetSocketAddress router = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
    GdpName server = GdpName.parse(args[2]);
    GdpName root = GdpName.parse(args[3]);
    long seed = Long.parseLong(args[4]);
    int w = Integer.parseInt(args[5]);
    int m = Integer.parseInt(args[6]);
    Random r = new Random(seed * 1000 + w);
    try (GdpClient client = GdpClient.builder().router(router).creationService(server)
        .requestTimeout(Duration.ofSeconds(5)).resendInterval(Duration.ofMillis(300))
        .backoff(Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(200)))
        .build();
        GdpFileSystem fs = GdpFileSystem.open(client, root, LogBackend.KEYS,
            FsOptions.builder().chainedLogs(true).checkpointEveryCommits(4).build())) {
      for (int i = 0; i < m; i++) {
        byte[] content = ("w" + w + "-op" + i).getBytes(UTF_8);
        int kind = r.nextInt(6);
        int pick = r.nextInt(6);
        if (i % 10 == 9) {
          fs.refresh(); // now and then catch up, as a long-running service would
        }
        String what = switch (kind) {
          case 0 -> "tx:/w" + w + "/f" + pick % 4;
          case 1 -> "tx:/shared/s" + pick % 3;
          case 2 -> "file:/shared/s" + pick % 3;
          case 3 -> "kv:k" + pick % 4;
          case 4 -> "once:once" + pick;
          default -> "tx:/shared/t" + pick % 2 + ",/w" + w + "/g";
        };
        String target = what.substring(what.indexOf(':') + 1);
        long snap = fs.head(); // the snapshot the operation is staged on (one thread: nothing moves it)
        try {
          switch (kind) {
            case 2 -> {
              fs.writeFile(target, content);
              out("OKNR " + i + " " + what + " " + snap);
            }
            case 3 -> out("OK " + i + " " + what + " " + fs.kv().put(target, content).recno() + " " + snap);
            case 4 -> out((fs.kv().putIfAbsent(target, content) ? "TRUE " : "FALSE ") + i + " " + what);
            default -> out("OK " + i + " " + what + " " + tx(fs, content, target.split(",")) + " " + snap);
          }
        } catch (FsException e) {
          out("FAIL " + i + " " + what + " " + e.code() + " " + e.getMessage().replace('\n', ' '));
        }
      }
    }
    out("DONE");
  }

  private static long tx(GdpFileSystem fs, byte[] content, String... paths) throws FsException {
    try (Transaction t = fs.newTransaction()) {
      for (String p : paths) {
        t.writeFile(p, content);
      }
      return t.commit().recno();
    }
  }

  private static void out(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
