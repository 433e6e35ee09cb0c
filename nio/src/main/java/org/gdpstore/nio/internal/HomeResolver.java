package org.gdpstore.nio.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;

/**
 * The gdpstore home directory as the CLI lays it out ({@code $GDPSTORE_HOME}, default
 * {@code ~/.gdpstore}): {@code aliases.properties} ({@code NAME = fs|log ROOT-LOG-NAME KEY}),
 * {@code keys/NAME.key} (hex Ed25519 seed, owner-only) and {@code keys/NAME.pub}, {@code sim/}
 * (the embedded store's logs) and {@code sim.lock} (one process at a time uses {@code sim/}).
 *
 * <p>This is the only place of the nio module that knows the layout, so that it can be unified
 * with the CLI's {@code Home} later. Not thread-safe per instance; files are replaced atomically.
 */
public final class HomeResolver {
  static final String DEFAULT_KEY = "default";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  /** File locks belong to the JVM, not the thread: threads of one JVM queue here first. */
  private static final Object JVM_LOCK = new Object();

  private final Path root;

  HomeResolver(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** {@code explicit} if given, else {@code $GDPSTORE_HOME}, else {@code ~/.gdpstore}. */
  static HomeResolver of(Path explicit) {
    if (explicit != null) {
      return new HomeResolver(explicit);
    }
    String env = System.getenv("GDPSTORE_HOME");
    if (env != null && !env.isBlank()) {
      return new HomeResolver(Path.of(env));
    }
    return new HomeResolver(Path.of(System.getProperty("user.home"), ".gdpstore"));
  }

  Path root() {
    return root;
  }

  Path simDir() {
    return root.resolve("sim");
  }

  Path lockFile() {
    return root.resolve("sim.lock");
  }

  private Path keyFile(String name) {
    return root.resolve("keys").resolve(checkName("key", name) + ".key");
  }

  static String checkName(String what, String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("bad " + what + " name '" + name
          + "': use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    return name;
  }

  /** A filesystem alias: its directory log and the name of its writer key in this home. */
  record FsAlias(String name, GdpName root, String key) {}

  /** The filesystem alias {@code name}, if there is one (a {@code log} alias is not a filesystem). */
  Optional<FsAlias> fsAlias(String name) throws IOException {
    String v = aliases().getProperty(name);
    if (v == null) {
      return Optional.empty();
    }
    String[] p = v.trim().split("\\s+");
    if (p.length != 3) {
      throw new IOException("malformed alias '" + name + "' in " + root.resolve("aliases.properties") + ": " + v);
    }
    if (!p[0].toLowerCase(Locale.ROOT).equals("fs")) {
      throw new IOException("alias '" + name + "' names a raw log, not a filesystem");
    }
    return Optional.of(new FsAlias(name, GdpName.parse(p[1]), p[2]));
  }

  private Properties aliases() throws IOException {
    Properties p = new Properties();
    Path f = root.resolve("aliases.properties");
    if (Files.exists(f)) {
      try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
        p.load(r);
      }
    }
    return p;
  }

  /** Adds a filesystem alias; refuses to replace an existing one. */
  void addFsAlias(String name, GdpName fsRoot, String key) throws IOException {
    checkName("alias", name);
    checkName("key", key);
    createPrivateDir(root);
    locked(() -> {
      Properties p = aliases();
      if (p.containsKey(name)) {
        throw new FileAlreadyExistsException(name, null, "alias exists already: " + p.getProperty(name));
      }
      p.setProperty(name, "fs " + fsRoot.printable() + " " + key);
      Path tmp = Files.createTempFile(root, ".aliases-", ".tmp");
      try {
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
          p.store(w, "gdpstore aliases: NAME = fs|log ROOT-LOG-NAME WRITER-KEY");
        }
        force(tmp);
        moveAtomically(tmp, root.resolve("aliases.properties"));
      } finally {
        Files.deleteIfExists(tmp);
      }
      return null;
    });
  }

  boolean hasKey(String name) {
    return Files.exists(keyFile(name));
  }

  /** Loads key {@code name} (the first non-comment line: 64 hex digits). */
  Ed25519Keys loadKey(String name) throws IOException {
    Path f = keyFile(name);
    for (String line : Files.readAllLines(f, StandardCharsets.US_ASCII)) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      try {
        return Ed25519Keys.fromSeed(HexFormat.of().parseHex(l));
      } catch (IllegalArgumentException e) {
        break;
      }
    }
    throw new IOException("key file " + f + " is not a gdpstore key (expected 64 hex digits)");
  }

  /**
   * Generates and stores key {@code name} (owner-only file, as the CLI's keygen), or returns the
   * key another process created first: a key file is created new, never replaced.
   */
  Ed25519Keys generateKey(String name) throws IOException {
    Path f = keyFile(name);
    createPrivateDir(root);
    createPrivateDir(f.getParent());
    return locked(() -> {
      if (Files.exists(f)) {
        return loadKey(name);
      }
      Ed25519Keys keys = Ed25519Keys.generate(new SecureRandom());
      Path tmp;
      try {
        tmp = Files.createTempFile(f.getParent(), "." + name + "-", ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        tmp = Files.createTempFile(f.getParent(), "." + name + "-", ".tmp");
      }
      try {
        Files.writeString(tmp, "# gdpstore Ed25519 private key (32-byte seed, hex). Keep it secret.\n"
            + HexFormat.of().formatHex(keys.seed()) + "\n", StandardCharsets.US_ASCII);
        force(tmp);
        Files.createLink(f, tmp); // fails if the key exists: never replaces one
      } finally {
        Files.deleteIfExists(tmp);
      }
      Files.writeString(f.resolveSibling(name + ".pub"), HexFormat.of().formatHex(keys.publicKey()) + "\n",
          StandardCharsets.US_ASCII);
      return keys;
    });
  }

  private interface IoAction<T> {
    T run() throws IOException;
  }

  /** Runs {@code action} holding the home's write lock, the same {@code home.lock} the CLI takes. */
  private <T> T locked(IoAction<T> action) throws IOException {
    synchronized (JVM_LOCK) {
      try (FileChannel ch = FileChannel.open(root.resolve("home.lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE); FileLock ignored = ch.lock()) {
        return action.run();
      }
    }
  }

  private static void force(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  static void createPrivateDir(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Files.createDirectories(dir.getParent());
    try {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (UnsupportedOperationException e) {
      Files.createDirectory(dir);
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw e;
      }
    }
  }

  private static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
