package org.gdpstore.nio;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random sequences of {@code Files.*} and channel operations applied to a gdp filesystem
 * (on the in-process simulator) and to Jimfs (Unix configuration): every result and every
 * exception type must be the same. A failure names the seed and the operation; replay one seed
 * with {@code -Dnio.diff.seed=N} (and {@code -Dnio.diff.ops=N} for longer runs).
 */
class NioDifferentialTest {
  private static final String[] NAMES = {"a", "b", "c", "d.txt"};
  static SimFixture sim;

  @BeforeAll
  static void start() {
    sim = new SimFixture();
  }

  @AfterAll
  static void stop() throws Exception {
    sim.close();
  }

  static Stream<Long> seeds() {
    String one = System.getProperty("nio.diff.seed");
    return one != null ? Stream.of(Long.parseLong(one)) : Stream.of(1L, 2L, 3L, 4L, 5L);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void sameResultsAsJimfs(long seed) throws Exception {
    int ops = Integer.getInteger("nio.diff.ops", 500);
    try (FileSystem gdp = sim.newFs(); FileSystem jim = Jimfs.newFileSystem(Configuration.unix().toBuilder().setWorkingDirectory("/").build())) {
      Random rnd = new Random(seed);
      for (int i = 0; i < ops; i++) {
        long opSeed = rnd.nextLong();
        Op op = new Op(opSeed);
        String expected = op.run(jim);
        String actual = op.run(gdp);
        assertThat(actual).as("seed %d op %d: %s", seed, i, op.describe()).isEqualTo(expected);
      }
      // the whole trees match at the end
      assertThat(tree(gdp)).isEqualTo(tree(jim));
    }
  }

  static List<String> tree(FileSystem fs) throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(fs.getPath("/"))) {
      for (Path p : (Iterable<Path>) s::iterator) {
        out.add(p + (Files.isDirectory(p) ? "/" : " " + Arrays.hashCode(Files.readAllBytes(p))));
      }
    }
    out.sort(null);
    return out;
  }

  /** One random operation, drawn from its own seed so it runs identically on both filesystems. */
  static final class Op {
    private final long seed;
    private final List<String> trace = new ArrayList<>();

    Op(long seed) {
      this.seed = seed;
    }

    String describe() {
      return String.join("; ", trace);
    }

    private static String randomPath(Random r) {
      int depth = 1 + r.nextInt(3);
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < depth; i++) {
        sb.append('/').append(NAMES[r.nextInt(NAMES.length)]);
      }
      return sb.toString();
    }

    private static byte[] content(Random r) {
      int n = switch (r.nextInt(4)) {
        case 0 -> 0;
        case 1, 2 -> r.nextInt(64);
        default -> 1000 + r.nextInt(4000); // beyond the inline limit: a file log
      };
      byte[] b = new byte[n];
      r.nextBytes(b);
      return b;
    }

    String run(FileSystem fs) {
      trace.clear();
      Random r = new Random(seed);
      Path p = fs.getPath(randomPath(r));
      Path q = fs.getPath(randomPath(r));
      int kind = r.nextInt(15);
      try {
        return "ok " + apply(kind, fs, p, q, r);
      } catch (IOException | RuntimeException e) {
        return "ex " + name(e);
      }
    }

    /**
     * The exception's type; a generic failure is a plain IOException on Jimfs and a
     * FileSystemException (with the path and reason) on gdp, so both count as the same.
     */
    static String name(Exception e) {
      Class<?> c = e.getClass();
      return c == IOException.class || c == java.nio.file.FileSystemException.class ? "IOException" : c.getSimpleName();
    }

    private String apply(int kind, FileSystem fs, Path p, Path q, Random r) throws IOException {
      switch (kind) {
        case 0 -> {
          trace.add("createDirectory " + p);
          return String.valueOf(Files.createDirectory(p));
        }
        case 1 -> {
          trace.add("createDirectories " + p);
          return String.valueOf(Files.createDirectories(p));
        }
        case 2, 3 -> {
          byte[] c = content(r);
          OpenOption[] opts = switch (r.nextInt(4)) {
            case 0 -> new OpenOption[] {StandardOpenOption.APPEND, StandardOpenOption.CREATE};
            case 1 -> new OpenOption[] {StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE};
            default -> new OpenOption[0];
          };
          trace.add("write " + p + " " + c.length + " bytes " + Arrays.toString(opts));
          Files.write(p, c, opts);
          return "";
        }
        case 4 -> {
          trace.add("read " + p);
          return String.valueOf(Arrays.hashCode(Files.readAllBytes(p)));
        }
        case 5 -> {
          trace.add("delete " + p);
          Files.delete(p);
          return "";
        }
        case 6 -> {
          trace.add("deleteIfExists " + p);
          return String.valueOf(Files.deleteIfExists(p));
        }
        case 7 -> {
          trace.add("stat " + p);
          return Files.exists(p) + " " + Files.isDirectory(p) + " " + Files.isRegularFile(p)
              + (Files.isRegularFile(p) ? " " + Files.size(p) : "");
        }
        case 8 -> {
          trace.add("list " + p);
          try (Stream<Path> s = Files.list(p)) {
            return s.map(Path::toString).sorted().toList().toString();
          }
        }
        case 9 -> {
          CopyOption[] o = r.nextBoolean() ? new CopyOption[] {StandardCopyOption.REPLACE_EXISTING} : new CopyOption[0];
          trace.add("copy " + p + " " + q + " " + Arrays.toString(o));
          return String.valueOf(Files.copy(p, q, o));
        }
        case 10 -> {
          CopyOption[] o = r.nextBoolean() ? new CopyOption[] {StandardCopyOption.REPLACE_EXISTING} : new CopyOption[0];
          trace.add("move " + p + " " + q + " " + Arrays.toString(o));
          return String.valueOf(Files.move(p, q, o));
        }
        case 11, 12 -> {
          return channel(p, r);
        }
        case 13 -> {
          String glob = r.nextBoolean() ? "*.txt" : "[ab]*";
          trace.add("glob " + p + " " + glob);
          List<String> names = new ArrayList<>();
          try (DirectoryStream<Path> ds = Files.newDirectoryStream(p, glob)) {
            ds.forEach(x -> names.add(x.toString()));
          }
          names.sort(null);
          return names.toString();
        }
        default -> {
          trace.add("size " + p);
          return String.valueOf(Files.size(p));
        }
      }
    }

    /** Opens a channel with random options and runs a few random reads, writes and truncates. */
    private String channel(Path p, Random r) throws IOException {
      Set<OpenOption> opts = new HashSet<>();
      StandardOpenOption[] all = {StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
          StandardOpenOption.CREATE_NEW, StandardOpenOption.TRUNCATE_EXISTING};
      for (StandardOpenOption o : all) {
        if (r.nextInt(3) == 0) {
          opts.add(o);
        }
      }
      if (r.nextInt(4) == 0) {
        opts.add(StandardOpenOption.WRITE);
      }
      trace.add("channel " + p + " " + opts);
      StringBuilder out = new StringBuilder();
      try (SeekableByteChannel ch = Files.newByteChannel(p, opts)) {
        int n = 1 + r.nextInt(5);
        for (int i = 0; i < n; i++) {
          try {
            switch (r.nextInt(5)) {
              case 0 -> {
                long pos = r.nextInt(3000);
                trace.add("position " + pos);
                ch.position(pos);
                out.append(" pos");
              }
              case 1 -> {
                ByteBuffer buf = ByteBuffer.allocate(r.nextInt(2000));
                trace.add("read " + buf.capacity());
                int got = ch.read(buf);
                out.append(" read ").append(got).append(' ').append(Arrays.hashCode(
                    Arrays.copyOf(buf.array(), buf.position())));
              }
              case 2, 3 -> {
                byte[] c = content(r);
                trace.add("write " + c.length);
                out.append(" wrote ").append(ch.write(ByteBuffer.wrap(c)));
              }
              default -> {
                long size = r.nextInt(2000);
                trace.add("truncate " + size);
                ch.truncate(size);
                out.append(" trunc");
              }
            }
            out.append(" @").append(ch.position()).append('/').append(ch.size());
          } catch (IOException | RuntimeException e) {
            out.append(" ex ").append(name(e));
          }
        }
      }
      return out.toString();
    }
  }
}
