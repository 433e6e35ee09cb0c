package org.gdpstore.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;

/**
 * The gdpstore home directory ({@code $GDPSTORE_HOME}): {@code sim/} holds the embedded
 * simulator's logs, {@code keys/NAME.key} the Ed25519 private keys (owner read/write only, in an
 * owner-only directory), {@code keys/NAME.pub} their public halves, and {@code aliases.properties}
 * the short names of filesystems and logs. Writes of keys and aliases are safe against other
 * processes (and threads) writing the same home: see {@link HomeFiles}.
 */
final class Home {
  static final String DEFAULT_KEY = "default";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Set<PosixFilePermission> DIR_PERMS = PosixFilePermissions.fromString("rwx------");

  /** Held (a file lock) while keys or aliases are read, checked and written. */
  static final String LOCK_FILE = "home.lock";

  private final Path root;

  Home(Path root) {
    this.root = root;
  }

  Path root() {
    return root;
  }

  Path simDir() {
    return root.resolve("sim");
  }

  Path keysDir() {
    return root.resolve("keys");
  }

  Path aliasesFile() {
    return root.resolve("aliases.properties");
  }

  /** Checks that {@code name} can be a key or alias name (letters, digits, {@code . _ -}). */
  static String checkName(String what, String name) {
    if (!NAME.matcher(name).matches()) {
      throw CliException.usage("bad " + what + " name '" + name
          + "': use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    return name;
  }

  /** Creates {@code dir} (and parents) owner-only if it does not exist. */
  static void createPrivateDir(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try {
      Files.createDirectory(dir, posix(DIR_PERMS));
    } catch (UnsupportedOperationException e) {
      Files.createDirectory(dir); // not a POSIX file system: best effort
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw e;
      }
    }
  }

  private static FileAttribute<Set<PosixFilePermission>> posix(Set<PosixFilePermission> perms) {
    return PosixFilePermissions.asFileAttribute(perms);
  }

  // ---- keys ----

  Path keyFile(String name) {
    return keysDir().resolve(checkName("key", name) + ".key");
  }

  Path publicKeyFile(String name) {
    return keysDir().resolve(checkName("key", name) + ".pub");
  }

  boolean hasKey(String name) {
    return Files.exists(keyFile(name));
  }

  /**
   * Generates a key pair and stores it: the private seed in {@code keys/NAME.key} created
   * rw------- (never readable by others, not even for an instant), the public key beside it.
   * Holds the home's lock; without {@code overwrite} the key file is created new (a key that
   * another process made first is never replaced).
   *
   * @throws CliException (exists) if the key exists and {@code overwrite} is false
   */
  Ed25519Keys generateKey(String name, boolean overwrite, SecureRandom random) throws IOException {
    return locked(() -> generateKeyLocked(name, overwrite, random));
  }

  private Ed25519Keys generateKeyLocked(String name, boolean overwrite, SecureRandom random) throws IOException {
    Path file = keyFile(name);
    if (Files.exists(file) && !overwrite) {
      throw keyExists(name, file);
    }
    createPrivateDir(keysDir());
    Ed25519Keys keys = Ed25519Keys.generate(random);
    String text = "# gdpstore Ed25519 private key (32-byte seed, hex). Keep it secret.\n"
        + HexFormat.of().formatHex(keys.seed()) + "\n";
    try {
      HomeFiles.write(file, text.getBytes(StandardCharsets.US_ASCII), true, overwrite);
    } catch (FileAlreadyExistsException e) {
      throw keyExists(name, file);
    }
    HomeFiles.write(publicKeyFile(name), (HexFormat.of().formatHex(keys.publicKey()) + "\n")
        .getBytes(StandardCharsets.US_ASCII), false, true);
    return keys;
  }

  private static CliException keyExists(String name, Path file) {
    return CliException.exists("key '" + name + "' exists already (" + file + "); use --force to replace it");
  }

  /** Loads key {@code name}; a missing or malformed key file is a key error. */
  Ed25519Keys loadKey(String name) throws IOException {
    Path file = keyFile(name);
    if (!Files.exists(file)) {
      throw CliException.key("no key '" + name + "' in " + keysDir() + " (create one with: gdpfs keygen "
          + (DEFAULT_KEY.equals(name) ? "" : name) + ")");
    }
    String text;
    try {
      text = StandardCharsets.US_ASCII.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    } catch (CharacterCodingException e) {
      throw CliException.key("key file " + file + " is malformed: it is not ASCII text (expected 64 hex digits)");
    }
    for (String line : text.split("\\R")) {
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
    throw CliException.key("key file " + file + " is malformed: not a gdpstore key (expected 64 hex digits)");
  }

  /**
   * The key {@code name}; the default key is created on first use (zero configuration). Checking
   * and creating happen under the home's lock: of several processes that race here, one creates
   * the key and the others use it.
   */
  Ed25519Keys keyOrCreateDefault(String name, CliEnv env) throws IOException {
    if (!DEFAULT_KEY.equals(name) || hasKey(name)) {
      return loadKey(name);
    }
    return locked(() -> {
      if (hasKey(name)) {
        return loadKey(name);
      }
      Ed25519Keys k = generateKeyLocked(name, false, new SecureRandom());
      env.err().println("gdpfs: created writer key '" + name + "' in " + keyFile(name));
      return k;
    });
  }

  // ---- aliases ----

  /** What an alias stands for: a filesystem (root directory log) or a raw log, and its writer key. */
  record Alias(String name, Kind kind, GdpName log, String key) {
    enum Kind { FS, LOG }

    String encode() {
      return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + log.printable() + " " + key;
    }

    static Alias decode(String name, String value) {
      String[] p = value.trim().split("\\s+");
      try {
        if (p.length == 3) {
          return new Alias(name, Kind.valueOf(p[0].toUpperCase(java.util.Locale.ROOT)), GdpName.parse(p[1]), p[2]);
        }
      } catch (IllegalArgumentException e) {
        // falls through to the one-line error
      }
      throw new CliException(ExitCodes.FAILURE, "malformed alias '" + name + "' in aliases.properties: "
          + value);
    }
  }

  TreeMap<String, Alias> aliases() throws IOException {
    TreeMap<String, Alias> result = new TreeMap<>();
    Path f = aliasesFile();
    if (!Files.exists(f)) {
      return result;
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    for (String n : p.stringPropertyNames()) {
      result.put(n, Alias.decode(n, p.getProperty(n)));
    }
    return result;
  }

  Optional<Alias> alias(String name) throws IOException {
    return Optional.ofNullable(aliases().get(name));
  }

  /** Checks that {@code name} is a well-formed alias that is not taken yet (before creating what it will name). */
  void checkNewAlias(String name) throws IOException {
    checkName("alias", name);
    if (alias(name).isPresent()) {
      throw CliException.exists("alias '" + name + "' exists already (see 'gdpfs aliases')");
    }
  }

  /** Adds an alias; refuses to replace an existing one (read, check and write hold the home's lock). */
  void addAlias(Alias alias) throws IOException {
    checkName("alias", alias.name());
    locked(() -> {
      TreeMap<String, Alias> all = aliases();
      if (all.containsKey(alias.name())) {
        throw CliException.exists("alias '" + alias.name() + "' exists already (" + all.get(alias.name()).encode() + ")");
      }
      all.put(alias.name(), alias);
      Properties p = new Properties();
      all.forEach((k, v) -> p.setProperty(k, v.encode()));
      StringWriter w = new StringWriter();
      p.store(w, "gdpstore aliases: NAME = fs|log ROOT-LOG-NAME WRITER-KEY");
      HomeFiles.write(aliasesFile(), w.toString().getBytes(StandardCharsets.UTF_8), false, true);
      return null;
    });
  }

  /** Runs {@code action} holding the home's write lock ({@code home.lock}); other processes wait. */
  private <T> T locked(HomeFiles.IoAction<T> action) throws IOException {
    createPrivateDir(root);
    return HomeFiles.locked(root.resolve(LOCK_FILE), action);
  }
}
