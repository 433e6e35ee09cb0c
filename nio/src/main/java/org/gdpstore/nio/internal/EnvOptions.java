package org.gdpstore.nio.internal;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.gdpstore.client.GdpClient;
import org.gdpstore.fs.FsOptions;
import org.gdpstore.home.GdpHome;
import org.gdpstore.home.HomeException;
import org.gdpstore.home.RouterAddress;
import org.gdpstore.nio.GdpNio;
import org.gdpstore.wire.Ed25519Keys;

/** The environment map of {@code newFileSystem(URI, env)}, checked and typed. */
record EnvOptions(String router, String serverName, boolean reference, Path home, String keyName,
    Ed25519Keys keyObject, boolean readOnly, boolean create, FsOptions fsOptions, GdpClient client) {

  private static final Set<String> KEYS = Set.of(GdpNio.ROUTER, GdpNio.SERVER_NAME, GdpNio.REFERENCE,
      GdpNio.HOME, GdpNio.WRITER_KEY, GdpNio.READ_ONLY, GdpNio.CREATE, GdpNio.FS_OPTIONS, GdpNio.CLIENT,
      GdpNio.CHUNK_SIZE, GdpNio.CACHE_BYTES, GdpNio.READ_AHEAD_CHUNKS, GdpNio.VERIFY, GdpNio.INLINE_LIMIT,
      GdpNio.INLINE_FILE_BYTES, GdpNio.APPEND_WINDOW, GdpNio.LOG_POOL);

  static final EnvOptions DEFAULT = parse(Map.of());

  /** @throws IllegalArgumentException naming the key for an unknown key or a value of the wrong type */
  static EnvOptions parse(Map<String, ?> env) {
    for (String k : env.keySet()) {
      if (!KEYS.contains(k)) {
        throw new IllegalArgumentException("unknown gdp filesystem environment key '" + k + "' (known: "
            + new java.util.TreeSet<>(KEYS) + ")");
      }
    }
    Object key = env.get(GdpNio.WRITER_KEY);
    if (key != null && !(key instanceof String) && !(key instanceof Ed25519Keys)) {
      throw new IllegalArgumentException(GdpNio.WRITER_KEY + " must be a key name or an Ed25519Keys, got "
          + key.getClass().getName());
    }
    Object home = env.get(GdpNio.HOME);
    Path homePath = home == null ? null : home instanceof Path p ? p : Path.of(home.toString());
    Object client = env.get(GdpNio.CLIENT);
    if (client != null && !(client instanceof GdpClient)) {
      throw new IllegalArgumentException(GdpNio.CLIENT + " must be a GdpClient");
    }
    Object o = env.get(GdpNio.FS_OPTIONS);
    if (o != null && !(o instanceof FsOptions)) {
      throw new IllegalArgumentException(GdpNio.FS_OPTIONS + " must be an FsOptions");
    }
    FsOptions.Builder b = (o == null ? FsOptions.DEFAULT : (FsOptions) o).toBuilder();
    if (env.containsKey(GdpNio.CHUNK_SIZE)) {
      b.chunkSize((int) number(env, GdpNio.CHUNK_SIZE));
    }
    if (env.containsKey(GdpNio.CACHE_BYTES)) {
      b.cacheBytes(number(env, GdpNio.CACHE_BYTES));
    }
    if (env.containsKey(GdpNio.READ_AHEAD_CHUNKS)) {
      b.readAheadChunks((int) number(env, GdpNio.READ_AHEAD_CHUNKS));
    }
    if (env.containsKey(GdpNio.VERIFY)) {
      b.verify(bool(env, GdpNio.VERIFY));
    }
    if (env.containsKey(GdpNio.INLINE_LIMIT)) {
      b.inlineLimit((int) number(env, GdpNio.INLINE_LIMIT));
    }
    if (env.containsKey(GdpNio.INLINE_FILE_BYTES)) {
      b.inlineFileBytes((int) number(env, GdpNio.INLINE_FILE_BYTES));
    }
    if (env.containsKey(GdpNio.APPEND_WINDOW)) {
      b.appendWindow((int) number(env, GdpNio.APPEND_WINDOW));
    }
    if (env.containsKey(GdpNio.LOG_POOL)) {
      b.logPool((int) number(env, GdpNio.LOG_POOL));
    }
    boolean reference = bool(env, GdpNio.REFERENCE);
    String router = string(env, GdpNio.ROUTER);
    if (reference && router == null && client == null) {
      throw new IllegalArgumentException(GdpNio.REFERENCE
          + " needs " + GdpNio.ROUTER + ": the embedded simulator is not the reference gdplogd");
    }
    if (router != null) {
      try {
        RouterAddress.parse(router);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(GdpNio.ROUTER + " " + e.getMessage(), e);
      }
    }
    return new EnvOptions(router, string(env, GdpNio.SERVER_NAME), reference, homePath,
        key instanceof String s ? keyName(s) : null,
        key instanceof Ed25519Keys k ? k : null, bool(env, GdpNio.READ_ONLY), bool(env, GdpNio.CREATE),
        b.build(), (GdpClient) client);
  }

  private static String string(Map<String, ?> env, String k) {
    Object v = env.get(k);
    return v == null ? null : v.toString();
  }

  private static boolean bool(Map<String, ?> env, String k) {
    Object v = env.get(k);
    if (v == null) {
      return false;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    String s = v.toString();
    if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(s);
    }
    throw new IllegalArgumentException(k + " must be true or false, got '" + s + "'");
  }

  private static long number(Map<String, ?> env, String k) {
    Object v = env.get(k);
    if (v instanceof Number n) {
      return n.longValue();
    }
    try {
      return Long.parseLong(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(k + " must be a number, got '" + v + "'", e);
    }
  }

  private static String keyName(String s) {
    try {
      return GdpHome.checkName("key", s);
    } catch (HomeException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
