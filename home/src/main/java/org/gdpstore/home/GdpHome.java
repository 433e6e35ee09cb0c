package org.gdpstore.home;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.gdpstore.home.HomeException.Reason;
import org.gdpstore.home.internal.HomeFiles;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;

/**
 * The gdpstore home directory ({@code $GDPSTORE_HOME}, default {@code ~/.gdpstore}), the one
 * implementation of its layout that the CLI and the nio provider share: {@code keys/NAME.key}
 * (hex Ed25519 seed, owner-only, in an owner-only directory) and {@code keys/NAME.pub},
 * {@code aliases.properties} ({@code NAME = fs|log LOG-NAME KEY}), {@code sim/} (the embedded
 * store, see {@link HomeConnection}) with its process lock {@code sim.lock}, and {@code home.lock}.
 *
 * <p>Writes are race-free between processes and threads: key and alias read-check-write run
 * holding {@code home.lock}; a key file is created new (hard link of a synced temporary file,
 * never replacing a key another process made first); aliases are written to a unique temporary
 * file, synced and renamed over the old file. Instances hold only the path.
 */
public final class GdpHome {
  /** The key used when none is named. */
  public static final String DEFAULT_KEY = "default";
  /** Held (a file lock) while keys or aliases are read, checked and written. */
  public static final String LOCK_FILE = "home.lock";
  /** Held by the one process that runs the embedded store on {@code sim/}. */
  public static final String STORE_LOCK_FILE = "sim.lock";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private final Path root;

  private GdpHome(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** The home at {@code root} (created on first write). */
  public static GdpHome at(Path root) {
    return new GdpHome(root);
  }

  /** {@code $GDPSTORE_HOME} of this process if set and not blank, else {@code ~/.gdpstore}. */
  public static GdpHome fromEnvironment() {
    return at(locate(System.getenv()));
  }

  /** Where the home is for {@code environment}: {@code GDPSTORE_HOME} if set and not blank, else {@code ~/.gdpstore}. */
  public static Path locate(Map<String, String> environment) {
    String h = environment.get("GDPSTORE_HOME");
    if (h != null && !h.isBlank()) {
      return Path.of(h).toAbsolutePath();
    }
    return Path.of(System.getProperty("user.home"), ".gdpstore");
  }

  public Path root() {
    return root;
  }

  /** The embedded store's logs. */
  public Path simDir() {
    return root.resolve("sim");
  }

  public Path keysDir() {
    return root.resolve("keys");
  }

  public Path aliasesFile() {
    return root.resolve("aliases.properties");
  }

  /**
   * Checks that {@code name} can be a key or alias name (1-64 letters, digits, {@code . _ -},
   * starting with a letter or digit: no path can be smuggled into {@code keys/}).
   *
   * @param what "key" or "alias", for the message
   * @throws HomeException {@link Reason#BAD_NAME}
   */
  public static String checkName(String what, String name) throws HomeException {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new HomeException(Reason.BAD_NAME, "bad " + what + " name '" + name
          + "': use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    return name;
  }

  // ---- keys ----

  public Path keyFile(String name) throws HomeException {
    return keysDir().resolve(checkName("key", name) + ".key");
  }

  public Path publicKeyFile(String name) throws HomeException {
    return keysDir().resolve(checkName("key", name) + ".pub");
  }

  public boolean hasKey(String name) throws HomeException {
    return Files.exists(keyFile(name));
  }

  /**
   * Loads key {@code name} (the first line that is not a comment: 64 hex digits).
   *
   * @throws HomeException {@link Reason#NO_KEY} if it is missing, {@link Reason#BAD_KEY} if malformed
   */
  public Ed25519Keys loadKey(String name) throws IOException {
    Path file = keyFile(name);
    if (!Files.exists(file)) {
      throw new HomeException(Reason.NO_KEY, "no key '" + name + "' in " + keysDir()
          + " (create one with: gdpfs keygen" + (DEFAULT_KEY.equals(name) ? "" : " " + name) + ")");
    }
    String text;
    try {
      text = StandardCharsets.US_ASCII.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    } catch (CharacterCodingException e) {
      throw new HomeException(Reason.BAD_KEY,
          "key file " + file + " is malformed: it is not ASCII text (expected 64 hex digits)");
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
    throw new HomeException(Reason.BAD_KEY,
        "key file " + file + " is malformed: not a gdpstore key (expected 64 hex digits)");
  }

  /**
   * Generates a key pair and stores it: the private seed in {@code keys/NAME.key}, created
   * rw------- from its first byte, the public key beside it. Holds {@code home.lock}.
   *
   * @param replace replace an existing key (only when the user asks); otherwise the key file is
   *     created new and an existing one (even one another process made a moment ago) is kept
   * @throws HomeException {@link Reason#EXISTS} if the key exists and {@code replace} is false
   */
  public Ed25519Keys generateKey(String name, boolean replace, SecureRandom random) throws IOException {
    checkName("key", name);
    return locked(() -> generateKeyLocked(name, replace, random));
  }

  /** A key and whether this call created it. */
  public record LoadedKey(Ed25519Keys keys, boolean created) {}

  /**
   * Key {@code name}, created first if it does not exist. Check and creation hold
   * {@code home.lock}: of several processes that race here one creates the key and all use it.
   */
  public LoadedKey loadOrCreateKey(String name, SecureRandom random) throws IOException {
    if (hasKey(name)) {
      return new LoadedKey(loadKey(name), false);
    }
    return locked(() -> hasKey(name)
        ? new LoadedKey(loadKey(name), false)
        : new LoadedKey(generateKeyLocked(name, false, random), true));
  }

  private Ed25519Keys generateKeyLocked(String name, boolean replace, SecureRandom random) throws IOException {
    Path file = keyFile(name);
    if (Files.exists(file) && !replace) {
      throw keyExists(name, file);
    }
    HomeFiles.createPrivateDir(keysDir());
    Ed25519Keys keys = Ed25519Keys.generate(random);
    String text = "# gdpstore Ed25519 private key (32-byte seed, hex). Keep it secret.\n"
        + HexFormat.of().formatHex(keys.seed()) + "\n";
    try {
      HomeFiles.write(file, text.getBytes(StandardCharsets.US_ASCII), true, replace);
    } catch (FileAlreadyExistsException e) {
      throw keyExists(name, file);
    }
    HomeFiles.write(publicKeyFile(name), (HexFormat.of().formatHex(keys.publicKey()) + "\n")
        .getBytes(StandardCharsets.US_ASCII), false, true);
    return keys;
  }

  private static HomeException keyExists(String name, Path file) {
    return new HomeException(Reason.EXISTS, "key '" + name + "' exists already (" + file
        + "); use --force to replace it");
  }

  // ---- aliases ----

  /** Every alias, by name. */
  public SortedMap<String, HomeAlias> aliases() throws IOException {
    TreeMap<String, HomeAlias> result = new TreeMap<>();
    Path f = aliasesFile();
    if (!Files.exists(f)) {
      return result;
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    for (String n : p.stringPropertyNames()) {
      result.put(n, HomeAlias.decode(n, p.getProperty(n)));
    }
    return result;
  }

  public Optional<HomeAlias> alias(String name) throws IOException {
    return Optional.ofNullable(aliases().get(name));
  }

  /**
   * What the {@code FS} of {@code gdp://FS/...} names: its filesystem alias, else (a 43-character
   * printable log name) that root log with the {@link #DEFAULT_KEY}; empty if neither.
   *
   * @throws HomeException {@link Reason#WRONG_KIND} for a log alias
   */
  public Optional<HomeAlias> resolveFs(String fs) throws IOException {
    Optional<HomeAlias> alias = alias(fs);
    if (alias.isPresent()) {
      if (alias.get().kind() != HomeAlias.Kind.FS) {
        throw new HomeException(Reason.WRONG_KIND,
            "'" + fs + "' is a log alias, not a filesystem (use 'gdpfs logs ...' with it)");
      }
      return alias;
    }
    if (GdpName.isPrintableName(fs)) {
      return Optional.of(new HomeAlias(fs, HomeAlias.Kind.FS, GdpName.parse(fs), DEFAULT_KEY));
    }
    return Optional.empty();
  }

  /** Checks that {@code name} is a well-formed alias that is not taken yet (before creating what it will name). */
  public void checkNewAlias(String name) throws IOException {
    checkName("alias", name);
    if (alias(name).isPresent()) {
      throw new HomeException(Reason.EXISTS, "alias '" + name + "' exists already (see 'gdpfs aliases')");
    }
  }

  /** Adds an alias; refuses to replace an existing one (read, check and write hold {@code home.lock}). */
  public void addAlias(HomeAlias alias) throws IOException {
    checkName("alias", alias.name());
    checkName("key", alias.key());
    locked(() -> {
      SortedMap<String, HomeAlias> all = aliases();
      if (all.containsKey(alias.name())) {
        throw new HomeException(Reason.EXISTS,
            "alias '" + alias.name() + "' exists already (" + all.get(alias.name()).encode() + ")");
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
    HomeFiles.createPrivateDir(root);
    return HomeFiles.locked(root.resolve(LOCK_FILE), action);
  }

  @Override
  public String toString() {
    return root.toString();
  }
}
