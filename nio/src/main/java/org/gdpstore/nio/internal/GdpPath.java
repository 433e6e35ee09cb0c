package org.gdpstore.nio.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A path of a gdp filesystem with Unix semantics: '/' separates names, a leading '/' makes it
 * absolute, the empty path has one empty name, "." and ".." are only resolved by
 * {@link #normalize()}. The working directory of relative paths is the root. A path handed out by
 * a transaction carries it ({@link #txn()}): operations on it run inside that transaction.
 * Immutable.
 */
public final class GdpPath implements Path {
  private final GdpNioFileSystem fs;
  private final TxnContext txn;
  private final boolean absolute;
  private final String[] names; // never contains "" except the single name of the empty path

  GdpPath(GdpNioFileSystem fs, TxnContext txn, boolean absolute, String[] names) {
    this.fs = fs;
    this.txn = txn;
    this.absolute = absolute;
    this.names = names;
  }

  /** Parses {@code first/more...} as a Unix path (NUL is refused). */
  static GdpPath parse(GdpNioFileSystem fs, TxnContext txn, String first, String... more) {
    StringBuilder sb = new StringBuilder(first);
    for (String m : more) {
      if (!m.isEmpty()) {
        if (sb.length() > 0) {
          sb.append('/');
        }
        sb.append(m);
      }
    }
    String s = sb.toString();
    if (s.indexOf('\0') >= 0) {
      throw new InvalidPathException(s, "NUL character not allowed");
    }
    boolean abs = s.startsWith("/");
    List<String> parts = new ArrayList<>();
    for (String p : s.split("/")) {
      if (!p.isEmpty()) {
        parts.add(p);
      }
    }
    if (!abs && parts.isEmpty()) {
      return new GdpPath(fs, txn, false, new String[] {""});
    }
    return new GdpPath(fs, txn, abs, parts.toArray(new String[0]));
  }

  /** This directory's entry {@code name} (a single name, as listed): no parsing. */
  GdpPath child(String name) {
    if (isEmptyPath()) {
      return new GdpPath(fs, txn, false, new String[] {name});
    }
    String[] r = Arrays.copyOf(names, names.length + 1);
    r[names.length] = name;
    return new GdpPath(fs, txn, absolute, r);
  }

  TxnContext txn() {
    return txn;
  }

  /** The same path bound to {@code other} (another transaction, or none). */
  GdpPath withTxn(TxnContext other) {
    return new GdpPath(fs, other, absolute, names);
  }

  private boolean isEmptyPath() {
    return !absolute && names.length == 1 && names[0].isEmpty();
  }

  /** The absolute, normalized path as the engine takes it ("/" for the root). */
  String enginePath() {
    GdpPath n = (GdpPath) toAbsolutePath().normalize();
    return n.names.length == 0 ? "/" : "/" + String.join("/", n.names);
  }

  static GdpPath check(Path p) {
    Objects.requireNonNull(p, "path");
    if (!(p instanceof GdpPath g)) {
      throw new ProviderMismatchException("not a gdp path: " + p.getClass().getName());
    }
    return g;
  }

  private GdpPath checkSameFs(Path p) {
    GdpPath g = check(p);
    if (g.fs != fs) {
      throw new ProviderMismatchException("path of another gdp filesystem: " + g.fs + " vs " + fs);
    }
    return g;
  }

  @Override
  public GdpNioFileSystem getFileSystem() {
    return fs;
  }

  @Override
  public boolean isAbsolute() {
    return absolute;
  }

  @Override
  public Path getRoot() {
    return absolute ? new GdpPath(fs, txn, true, new String[0]) : null;
  }

  @Override
  public Path getFileName() {
    if (names.length == 0) {
      return null;
    }
    if (isEmptyPath()) {
      return this;
    }
    return new GdpPath(fs, txn, false, new String[] {names[names.length - 1]});
  }

  @Override
  public Path getParent() {
    if (names.length == 0 || isEmptyPath()) {
      return null;
    }
    if (names.length == 1) {
      return getRoot();
    }
    return new GdpPath(fs, txn, absolute, Arrays.copyOf(names, names.length - 1));
  }

  @Override
  public int getNameCount() {
    return names.length;
  }

  @Override
  public Path getName(int index) {
    if (index < 0 || index >= names.length) {
      throw new IllegalArgumentException("name index " + index + " out of 0.." + (names.length - 1));
    }
    return new GdpPath(fs, txn, false, new String[] {names[index]});
  }

  @Override
  public Path subpath(int beginIndex, int endIndex) {
    if (beginIndex < 0 || endIndex > names.length || beginIndex >= endIndex) {
      throw new IllegalArgumentException("subpath(" + beginIndex + ", " + endIndex + ") of " + names.length + " names");
    }
    return new GdpPath(fs, txn, false, Arrays.copyOfRange(names, beginIndex, endIndex));
  }

  @Override
  public boolean startsWith(Path other) {
    if (!(other instanceof GdpPath o) || o.fs != fs) {
      return false;
    }
    if (o.absolute != absolute || o.names.length > names.length) {
      return false;
    }
    if (o.isEmptyPath()) {
      return isEmptyPath();
    }
    for (int i = 0; i < o.names.length; i++) {
      if (!o.names[i].equals(names[i])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean endsWith(Path other) {
    if (!(other instanceof GdpPath o) || o.fs != fs) {
      return false;
    }
    if (o.absolute) {
      return equals(o.withTxn(txn));
    }
    if (o.names.length > names.length) {
      return false;
    }
    if (o.isEmptyPath()) {
      return isEmptyPath();
    }
    int off = names.length - o.names.length;
    for (int i = 0; i < o.names.length; i++) {
      if (!o.names[i].equals(names[off + i])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public Path normalize() {
    List<String> out = new ArrayList<>();
    for (String n : names) {
      if (n.equals(".") || n.isEmpty()) {
        continue;
      }
      if (n.equals("..")) {
        if (!out.isEmpty() && !out.get(out.size() - 1).equals("..")) {
          out.remove(out.size() - 1);
          continue;
        }
        if (absolute) {
          continue; // ".." of the root is the root
        }
      }
      out.add(n);
    }
    if (!absolute && out.isEmpty()) {
      return new GdpPath(fs, txn, false, new String[] {""});
    }
    return new GdpPath(fs, txn, absolute, out.toArray(new String[0]));
  }

  @Override
  public Path resolve(Path other) {
    GdpPath o = checkSameFs(other);
    if (o.absolute) {
      return o.withTxn(txn);
    }
    if (o.isEmptyPath()) {
      return this;
    }
    if (isEmptyPath()) {
      return o.withTxn(txn);
    }
    String[] r = Arrays.copyOf(names, names.length + o.names.length);
    System.arraycopy(o.names, 0, r, names.length, o.names.length);
    return new GdpPath(fs, txn, absolute, r);
  }

  @Override
  public Path resolve(String other) {
    return resolve(parse(fs, txn, other));
  }

  @Override
  public Path relativize(Path other) {
    GdpPath o = checkSameFs(other);
    if (o.absolute != absolute) {
      throw new IllegalArgumentException("'other' is " + (o.absolute ? "absolute" : "relative") + ", this is not");
    }
    String[] a = isEmptyPath() ? new String[0] : names;
    String[] b = o.isEmptyPath() ? new String[0] : o.names;
    int common = 0;
    while (common < a.length && common < b.length && a[common].equals(b[common])) {
      common++;
    }
    List<String> out = new ArrayList<>();
    for (int i = common; i < a.length; i++) {
      out.add("..");
    }
    out.addAll(Arrays.asList(b).subList(common, b.length));
    if (out.isEmpty()) {
      return new GdpPath(fs, txn, false, new String[] {""});
    }
    return new GdpPath(fs, txn, false, out.toArray(new String[0]));
  }

  @Override
  public URI toUri() {
    String p = ((GdpPath) toAbsolutePath()).toString();
    try {
      return new URI(GdpNioFileSystem.SCHEME, fs.authority(), p, null, null);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot make a URI of " + p + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Path toAbsolutePath() {
    if (absolute) {
      return this;
    }
    return isEmptyPath() ? new GdpPath(fs, txn, true, new String[0]) : new GdpPath(fs, txn, true, names);
  }

  /** No symbolic links: the absolute normalized path, if it exists. */
  @Override
  public Path toRealPath(LinkOption... options) throws IOException {
    GdpPath real = (GdpPath) toAbsolutePath().normalize();
    if (!fs.ops().exists(real)) {
      throw new NoSuchFileException(toString());
    }
    return real;
  }

  @Override
  public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers)
      throws IOException {
    Objects.requireNonNull(watcher, "watcher");
    if (!(watcher instanceof GdpWatchService w) || w.fs() != fs) {
      throw new ProviderMismatchException("not a watch service of this gdp filesystem");
    }
    return w.register(this, events);
  }

  @Override
  public int compareTo(Path other) {
    GdpPath o = check(other);
    return toString().compareTo(o.toString());
  }

  @Override
  public boolean equals(Object obj) {
    return obj instanceof GdpPath o && o.fs == fs && o.txn == txn && o.absolute == absolute
        && Arrays.equals(o.names, names);
  }

  @Override
  public int hashCode() {
    return Objects.hash(fs, txn, absolute, Arrays.hashCode(names));
  }

  @Override
  public String toString() {
    String joined = String.join("/", names);
    return absolute ? "/" + joined : joined;
  }
}
