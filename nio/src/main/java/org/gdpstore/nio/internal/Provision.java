package org.gdpstore.nio.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.GdpFileSystem;
import org.gdpstore.home.GdpHome;
import org.gdpstore.home.HomeAlias;
import org.gdpstore.home.HomeException;
import org.gdpstore.nio.GdpFileAttributes;
import org.gdpstore.nio.GdpFileSystemProvider;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;

/**
 * The provider's state and dispatch: the open filesystems by URI authority, opening them from a
 * URI and environment (resolving the authority as the CLI does), and handing each call to the
 * filesystem of its path. Thread-safe.
 */
public final class Provision {
  private final GdpFileSystemProvider provider;
  private final Map<String, GdpNioFileSystem> open = new HashMap<>(); // guarded by itself

  public Provision(GdpFileSystemProvider provider) {
    this.provider = provider;
  }

  private static String authority(URI uri) {
    if (uri.getScheme() == null || !uri.getScheme().equalsIgnoreCase(GdpNioFileSystem.SCHEME)) {
      throw new IllegalArgumentException("not a gdp URI: " + uri);
    }
    String a = uri.getRawAuthority();
    if (a == null || a.isEmpty()) {
      throw new IllegalArgumentException("gdp URI without a filesystem (gdp://FS/path): " + uri);
    }
    return a;
  }

  public GdpNioFileSystem newFileSystem(URI uri, Map<String, ?> env) throws IOException {
    String authority = authority(uri);
    synchronized (open) {
      if (open.containsKey(authority)) {
        throw new FileSystemAlreadyExistsException("gdp://" + authority + " is open already (close it first)");
      }
      GdpNioFileSystem fs = openFs(authority, EnvOptions.parse(env));
      open.put(authority, fs);
      return fs;
    }
  }

  public GdpNioFileSystem getFileSystem(URI uri) {
    String authority = authority(uri);
    synchronized (open) {
      GdpNioFileSystem fs = open.get(authority);
      if (fs == null) {
        throw new FileSystemNotFoundException("gdp://" + authority + " is not open");
      }
      return fs;
    }
  }

  public Path getPath(URI uri) {
    String authority = authority(uri);
    GdpNioFileSystem fs;
    synchronized (open) {
      fs = open.get(authority);
      if (fs == null) {
        try {
          fs = openFs(authority, EnvOptions.DEFAULT);
        } catch (IOException | RuntimeException e) {
          FileSystemNotFoundException f = new FileSystemNotFoundException(
              "cannot open gdp://" + authority + " with the defaults: " + e.getMessage());
          f.initCause(e);
          throw f;
        }
        open.put(authority, fs);
      }
    }
    String p = uri.getPath();
    return fs.getPath(p == null || p.isEmpty() ? "/" : p);
  }

  /** Resolves {@code authority} (an alias of the home or a root name, as the CLI) and opens it. */
  private GdpNioFileSystem openFs(String authority, EnvOptions env) throws IOException {
    GdpHome home = env.home() != null ? GdpHome.at(env.home()) : GdpHome.fromEnvironment();
    try {
      return openFs(authority, env, home);
    } catch (HomeException e) {
      throw HomeErrors.map(e, "gdp://" + authority);
    }
  }

  private GdpNioFileSystem openFs(String authority, EnvOptions env, GdpHome home) throws IOException {
    GdpName root;
    String keyName = env.keyName();
    Ed25519Keys keys = env.keyObject();
    boolean create = false;
    Optional<HomeAlias> target = home.resolveFs(authority);
    if (target.isPresent()) {
      root = target.get().log();
      if (keyName == null) {
        keyName = target.get().key();
      }
    } else {
      GdpHome.checkName("alias", authority);
      if (!env.create()) {
        throw new FileSystemNotFoundException("no filesystem alias '" + authority + "' in " + home.root()
            + " (create it with env create=true or 'gdpfs mkfs " + authority + "')");
      }
      if (keys != null) {
        throw new IllegalArgumentException("creating alias '" + authority
            + "' needs the writer key by name (writerKey as a String), so the CLI can use it too");
      }
      root = null;
      create = true;
    }
    if (keys == null && !env.readOnly()) {
      String name = keyName != null ? keyName : GdpHome.DEFAULT_KEY;
      if (home.hasKey(name)) {
        keys = home.loadKey(name);
      } else if (create) {
        keys = home.loadOrCreateKey(name, new SecureRandom()).keys();
      } else if (env.keyName() != null) {
        throw new FileSystemException(authority, null, "no key '" + name + "' in " + home.keysDir());
      }
      keyName = name;
    }
    ClientLease c = ClientLease.open(env, home);
    try {
      GdpFileSystem engine;
      if (create) {
        engine = GdpFileSystem.mkfs(c.client(), keys, env.fsOptions());
        home.addAlias(new HomeAlias(authority, HomeAlias.Kind.FS, engine.rootName(), keyName));
      } else {
        engine = GdpFileSystem.open(c.client(), root, env.readOnly() ? null : keys, env.fsOptions());
      }
      return new GdpNioFileSystem(provider, authority, c, engine, env.readOnly(), () -> forget(authority));
    } catch (FsException e) {
      c.close();
      throw Errors.map(e, "gdp://" + authority);
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private void forget(String authority) {
    synchronized (open) {
      open.remove(authority);
    }
  }

  // ---------------------------------------------------------------- dispatch

  private static GdpPath path(Path p) {
    GdpPath g = GdpPath.check(p);
    g.getFileSystem().checkOpen();
    return g;
  }

  public FileChannel newChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
      throws IOException {
    Ops.rejectAttributes(attrs);
    GdpPath p = path(path);
    return GdpChannel.open(p.getFileSystem(), p, options);
  }

  public java.io.InputStream newInputStream(Path path, OpenOption... options) throws IOException {
    for (OpenOption o : options) {
      if (o == java.nio.file.StandardOpenOption.APPEND || o == java.nio.file.StandardOpenOption.WRITE) {
        throw new UnsupportedOperationException("'" + o + "' not allowed for an input stream");
      }
    }
    Set<OpenOption> opts = new java.util.HashSet<>(Arrays.asList(options));
    opts.add(java.nio.file.StandardOpenOption.READ);
    return new ChannelInputStream(newChannel(path, opts));
  }

  public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
      throws IOException {
    GdpPath p = path(dir);
    return p.getFileSystem().ops().newDirectoryStream(p, filter);
  }

  public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
    GdpPath p = path(dir);
    p.getFileSystem().ops().createDirectory(p, attrs);
  }

  public void delete(Path path) throws IOException {
    GdpPath p = path(path);
    p.getFileSystem().ops().delete(p);
  }

  public void copy(Path source, Path target, CopyOption... options) throws IOException {
    GdpPath s = path(source);
    GdpPath t = path(target);
    if (s.getFileSystem() != t.getFileSystem()) {
      copyAcross(s, t, options);
      return;
    }
    s.getFileSystem().ops().copy(s, t, options);
  }

  /** Between two gdp filesystems: the bytes are read and written (no log can be shared). */
  private static void copyAcross(GdpPath s, GdpPath t, CopyOption... options) throws IOException {
    for (CopyOption o : options) {
      if (o == java.nio.file.StandardCopyOption.REPLACE_EXISTING) {
        java.nio.file.Files.deleteIfExists(t);
      }
    }
    if (java.nio.file.Files.isDirectory(s)) {
      java.nio.file.Files.createDirectory(t);
      return;
    }
    try (var in = java.nio.file.Files.newInputStream(s)) {
      java.nio.file.Files.copy(in, t);
    }
  }

  public void move(Path source, Path target, CopyOption... options) throws IOException {
    GdpPath s = path(source);
    GdpPath t = path(target);
    if (s.getFileSystem() != t.getFileSystem()) {
      for (CopyOption o : options) {
        if (o == java.nio.file.StandardCopyOption.ATOMIC_MOVE) {
          throw new java.nio.file.AtomicMoveNotSupportedException(s.toString(), t.toString(),
              "between two gdp filesystems");
        }
      }
      copyAcross(s, t, options);
      delete(s);
      return;
    }
    s.getFileSystem().ops().move(s, t, options);
  }

  public boolean isSameFile(Path a, Path b) throws IOException {
    GdpPath p = path(a);
    if (!(b instanceof GdpPath q) || q.getFileSystem() != p.getFileSystem()) {
      return false;
    }
    if (p.equals(q)) {
      return true;
    }
    Ops ops = p.getFileSystem().ops();
    if (!ops.exists(p)) {
      throw new java.nio.file.NoSuchFileException(p.toString());
    }
    if (!ops.exists(q)) {
      throw new java.nio.file.NoSuchFileException(q.toString());
    }
    return p.enginePath().equals(q.enginePath());
  }

  public FileStore getFileStore(Path path) throws IOException {
    GdpPath p = path(path);
    if (!p.getFileSystem().ops().exists(p)) {
      throw new java.nio.file.NoSuchFileException(p.toString());
    }
    return p.getFileSystem().store();
  }

  public void checkAccess(Path path, AccessMode... modes) throws IOException {
    GdpPath p = path(path);
    p.getFileSystem().ops().checkAccess(p, modes);
  }

  @SuppressWarnings("unchecked")
  public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type) {
    GdpPath p = path(path);
    if (type != BasicFileAttributeView.class) {
      return null;
    }
    return (V) new BasicFileAttributeView() {
      @Override
      public String name() {
        return "basic";
      }

      @Override
      public BasicFileAttributes readAttributes() throws IOException {
        return p.getFileSystem().ops().attributes(p);
      }

      @Override
      public void setTimes(FileTime lastModifiedTime, FileTime lastAccessTime, FileTime createTime)
          throws IOException {
        if (lastModifiedTime == null && lastAccessTime == null && createTime == null) {
          return;
        }
        throw new FileSystemException(p.toString(), null,
            "gdp records the writer's clock at each commit as the modification time; times cannot be set");
      }
    };
  }

  @SuppressWarnings("unchecked")
  public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type) throws IOException {
    GdpPath p = path(path);
    if (type != BasicFileAttributes.class && type != GdpFileAttributes.class) {
      throw new UnsupportedOperationException("no attributes " + type.getName() + " on gdp paths (basic, gdp)");
    }
    return (A) p.getFileSystem().ops().attributes(p);
  }

  public Map<String, Object> readAttributes(Path path, String attributes) throws IOException {
    GdpPath p = path(path);
    int colon = attributes.indexOf(':');
    String view = colon < 0 ? "basic" : attributes.substring(0, colon);
    String names = colon < 0 ? attributes : attributes.substring(colon + 1);
    if (!view.equals("basic") && !view.equals("gdp")) {
      throw new UnsupportedOperationException("no attribute view '" + view + "' on gdp paths (basic, gdp)");
    }
    return new HashMap<>(p.getFileSystem().ops().attributes(p).asMap(view, names));
  }

  public void setAttribute(Path path, String attribute) throws IOException {
    GdpPath p = path(path);
    throw new FileSystemException(p.toString(), null, "attribute '" + attribute
        + "' cannot be set: gdp entries are signed records of the writer (the modification time is the commit's)");
  }
}
