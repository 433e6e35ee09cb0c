package org.gdpstore.nio;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.Map;
import java.util.Set;
import org.gdpstore.nio.internal.Provision;

/**
 * The {@code java.nio.file} provider of the {@code gdp} scheme, registered through
 * {@code META-INF/services}: {@code gdp://FS/path}, where FS is an alias in the gdpstore home or
 * the 43-character name of a filesystem's directory log. {@code Path.of(URI)} opens the
 * filesystem with the defaults on first use (as the CLI resolves FS); {@code
 * FileSystems.newFileSystem(URI, env)} opens it with the keys of {@link GdpNio}. One open
 * filesystem per FS at a time, as zipfs: a second {@code newFileSystem} throws
 * {@link FileSystemAlreadyExistsException} until the first is closed. See docs/nio.md.
 */
public final class GdpFileSystemProvider extends FileSystemProvider {
  private final Provision provision = new Provision(this);

  @Override
  public String getScheme() {
    return GdpNio.SCHEME;
  }

  @Override
  public FileSystem newFileSystem(URI uri, Map<String, ?> env) throws IOException {
    return provision.newFileSystem(uri, env);
  }

  @Override
  public FileSystem getFileSystem(URI uri) {
    return provision.getFileSystem(uri);
  }

  /** Opens the filesystem with the defaults if it is not open yet (zero configuration). */
  @Override
  public Path getPath(URI uri) {
    return provision.getPath(uri);
  }

  @Override
  public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options,
      FileAttribute<?>... attrs) throws IOException {
    return newFileChannel(path, options, attrs);
  }

  @Override
  public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
      throws IOException {
    return provision.newChannel(path, options, attrs);
  }

  /** A stream over a read channel that reads in large blocks (few engine reads per copy). */
  @Override
  public InputStream newInputStream(Path path, OpenOption... options) throws IOException {
    return provision.newInputStream(path, options);
  }

  @Override
  public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
      throws IOException {
    return provision.newDirectoryStream(dir, filter);
  }

  @Override
  public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
    provision.createDirectory(dir, attrs);
  }

  @Override
  public void delete(Path path) throws IOException {
    provision.delete(path);
  }

  /** Same filesystem: shares the content log (O(1), one commit); {@code COPY_ATTRIBUTES} is implied. */
  @Override
  public void copy(Path source, Path target, CopyOption... options) throws IOException {
    provision.copy(source, target, options);
  }

  /** A rename: one commit, so always atomic ({@code ATOMIC_MOVE} is honoured by every move). */
  @Override
  public void move(Path source, Path target, CopyOption... options) throws IOException {
    provision.move(source, target, options);
  }

  @Override
  public boolean isSameFile(Path path, Path path2) throws IOException {
    return provision.isSameFile(path, path2);
  }

  /** Names starting with '.' are hidden, as on Unix. */
  @Override
  public boolean isHidden(Path path) {
    Path name = path.getFileName();
    return name != null && name.toString().startsWith(".");
  }

  @Override
  public FileStore getFileStore(Path path) throws IOException {
    return provision.getFileStore(path);
  }

  @Override
  public void checkAccess(Path path, AccessMode... modes) throws IOException {
    provision.checkAccess(path, modes);
  }

  @Override
  public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
    return provision.getFileAttributeView(path, type);
  }

  @Override
  public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
      throws IOException {
    return provision.readAttributes(path, type);
  }

  @Override
  public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
      throws IOException {
    return provision.readAttributes(path, attributes);
  }

  @Override
  public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
    provision.setAttribute(path, attribute);
  }
}
