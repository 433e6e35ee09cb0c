package org.gdpstore.nio.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import org.gdpstore.fs.CommitResult;
import org.gdpstore.fs.WritableFileSystem;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.GdpRandomAccessFile;
import org.gdpstore.fs.Transaction;
import org.gdpstore.fs.WritableFile;

/**
 * A {@link FileChannel} on a gdp file. Reads come from the version the channel opened (a later
 * commit does not change them). Writes are staged and published by {@link #close()} as one commit
 * (or into the path's transaction): sequential writes, as {@code Files.copy} and streams make
 * them, go straight to the engine's file writer; the first write before the end, shrinking
 * truncate or read-back of written bytes moves the content to a local scratch file (the default
 * temporary directory) that is published whole at close. A file created by a channel exists in
 * this filesystem instance from the open on, with the bytes written so far as its size.
 *
 * <p>Outside a transaction the channel works in a private engine transaction, so nothing becomes
 * visible before close and a path being written blocks conflicting changes. Thread-safe.
 */
final class GdpChannel extends FileChannel {
  /** Bytes per step of transferTo/transferFrom (was 64 KiB): a few engine chunks per read. */
  private static final int TRANSFER_BLOCK = 256 * 1024;
  private enum Mode { ORIGINAL, STREAM, SCRATCH }

  private final GdpNioFileSystem fs;
  private final GdpPath path;
  private final String ep;
  private final TxnContext context;
  private final boolean readable;
  private final boolean writable;
  private final boolean append;
  private final boolean sync;
  private final boolean deleteOnClose;
  private final boolean created;
  private final long createdNanos = System.currentTimeMillis() * 1_000_000L;
  /** The transaction writes go to: the path's, or a private one (null for a read-only channel). */
  private final Transaction tx;
  private final boolean ownTx;
  private GdpRandomAccessFile reader;
  private WritableFile writer;
  private FileChannel scratch;
  private Mode mode = Mode.ORIGINAL;
  private long size;
  private long position;
  private boolean dirty;
  private volatile boolean unlinked;

  private GdpChannel(GdpNioFileSystem fs, GdpPath path, Set<? extends OpenOption> o, boolean created,
      Transaction tx, boolean ownTx) {
    this.fs = fs;
    this.path = path;
    this.ep = path.enginePath();
    this.context = path.txn();
    this.append = o.contains(StandardOpenOption.APPEND);
    this.writable = append || o.contains(StandardOpenOption.WRITE);
    this.readable = o.contains(StandardOpenOption.READ) || !writable;
    this.sync = o.contains(StandardOpenOption.SYNC) || o.contains(StandardOpenOption.DSYNC);
    this.deleteOnClose = o.contains(StandardOpenOption.DELETE_ON_CLOSE);
    this.created = created;
    this.tx = tx;
    this.ownTx = ownTx;
  }

  static GdpChannel open(GdpNioFileSystem fs, GdpPath path, Set<? extends OpenOption> options) throws IOException {
    for (OpenOption o : options) {
      if (!(o instanceof StandardOpenOption) && o != LinkOption.NOFOLLOW_LINKS) {
        throw new UnsupportedOperationException("unsupported open option " + o);
      }
    }
    boolean append = options.contains(StandardOpenOption.APPEND);
    boolean write = append || options.contains(StandardOpenOption.WRITE);
    if (append && options.contains(StandardOpenOption.READ)) {
      throw new IllegalArgumentException("READ + APPEND not allowed");
    }
    if (append && options.contains(StandardOpenOption.TRUNCATE_EXISTING)) {
      throw new IllegalArgumentException("APPEND + TRUNCATE_EXISTING not allowed");
    }
    fs.checkOpen();
    if (write) {
      fs.checkWritable(path);
    }
    String ep = path.enginePath();
    if (fs.creating.containsKey(ep)) {
      if (write && options.contains(StandardOpenOption.CREATE_NEW)) {
        throw new FileAlreadyExistsException(path.toString());
      }
      throw new FileSystemException(path.toString(), null,
          "is being created by another open channel; its content is published when that channel is closed");
    }
    Ops.Kind kind = fs.ops().kind(path);
    if (kind != Ops.Kind.MISSING && write && options.contains(StandardOpenOption.CREATE_NEW)) {
      throw new FileAlreadyExistsException(path.toString());
    }
    if (kind == Ops.Kind.DIR) {
      throw new FileSystemException(path.toString(), null, "is a directory");
    }
    boolean create = false;
    if (kind == Ops.Kind.MISSING) {
      boolean mayCreate = write && (options.contains(StandardOpenOption.CREATE)
          || options.contains(StandardOpenOption.CREATE_NEW));
      if (!mayCreate) {
        throw new NoSuchFileException(path.toString());
      }
      GdpPath parent = (GdpPath) path.toAbsolutePath().normalize().getParent();
      if (parent == null || fs.ops().kind(parent) != Ops.Kind.DIR) {
        throw new NoSuchFileException(path.toString(), null, "parent directory does not exist");
      }
      create = true;
    } else if (write && options.contains(StandardOpenOption.CREATE_NEW)) {
      throw new FileAlreadyExistsException(path.toString());
    }
    Transaction tx = null;
    boolean own = false;
    GdpChannel ch = null;
    try {
      if (write) {
        if (path.txn() != null) {
          tx = path.txn().transaction();
        } else {
          tx = fs.engine().newTransaction();
          own = true;
        }
      }
      ch = new GdpChannel(fs, path, options, create, tx, own);
      WritableFileSystem view = tx != null ? tx : fs.view(path);
      if (!create) {
        ch.reader = view.newRandomAccessFile(ep);
        ch.size = ch.reader.length();
      }
      if (write) {
        if (create || options.contains(StandardOpenOption.TRUNCATE_EXISTING)) {
          ch.writer = tx.newWritableFile(ep);
          ch.mode = Mode.STREAM;
          ch.size = 0;
          ch.dirty = true;
        } else if (append) {
          ch.writer = tx.newAppendableFile(ep);
          ch.mode = Mode.STREAM;
          ch.position = ch.size;
        }
      }
      if (create && fs.creating.putIfAbsent(ep, ch) != null) {
        throw new FileSystemException(path.toString(), null, "is being created by another open channel");
      }
      fs.channelOpened(ch);
      return ch;
    } catch (FsException e) {
      abandon(ch, tx, own);
      throw Errors.map(e, path.toString());
    } catch (IOException | RuntimeException e) {
      abandon(ch, tx, own);
      throw e;
    }
  }

  private static void abandon(GdpChannel ch, Transaction tx, boolean own) {
    if (ch != null && ch.reader != null) {
      ch.reader.close();
    }
    if (own && tx != null) {
      try {
        tx.abort();
      } catch (FsException ignored) {
        // nothing was staged that could become visible
      }
    }
  }

  TxnContext context() {
    return context;
  }

  synchronized long currentSize() {
    return size;
  }

  long createdNanos() {
    return createdNanos;
  }

  /** The file was deleted while this channel creates it: close publishes nothing. */
  void unlink() {
    unlinked = true;
    fs.creating.remove(ep, this);
  }

  // ---------------------------------------------------------------- reading

  @Override
  public synchronized int read(ByteBuffer dst) throws IOException {
    int n = read(dst, position);
    if (n > 0) {
      position += n;
    }
    return n;
  }

  @Override
  public synchronized int read(ByteBuffer dst, long pos) throws IOException {
    ensureOpen();
    if (!readable) {
      throw new NonReadableChannelException();
    }
    if (pos < 0) {
      throw new IllegalArgumentException("negative position " + pos);
    }
    if (pos >= size) {
      return -1;
    }
    if (!dst.hasRemaining()) {
      return 0;
    }
    if (mode == Mode.STREAM) {
      toScratch(); // read-back of bytes written so far
    }
    if (mode == Mode.SCRATCH) {
      return scratch.read(dst, pos);
    }
    try {
      int n = reader.read(pos, dst);
      return n == 0 ? -1 : n;
    } catch (FsException e) {
      throw Errors.map(e, path.toString());
    }
  }

  @Override
  public synchronized long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    long total = 0;
    for (int i = offset; i < offset + length; i++) {
      int n = read(dsts[i]);
      if (n < 0) {
        return total == 0 ? -1 : total;
      }
      total += n;
      if (dsts[i].hasRemaining()) {
        break;
      }
    }
    return total;
  }

  // ---------------------------------------------------------------- writing

  @Override
  public synchronized int write(ByteBuffer src) throws IOException {
    if (append) {
      position = size;
    }
    int n = write(src, position);
    position += n;
    return n;
  }

  @Override
  public synchronized int write(ByteBuffer src, long pos) throws IOException {
    ensureOpen();
    if (!writable) {
      throw new NonWritableChannelException();
    }
    if (pos < 0) {
      throw new IllegalArgumentException("negative position " + pos);
    }
    int n = src.remaining();
    try {
      if (mode == Mode.STREAM && pos >= size) {
        if (pos > size) {
          zeros(pos - size);
        }
        writer.append(src);
        if (sync) {
          writer.sync();
        }
      } else {
        toScratch();
        scratch.write(src, pos);
      }
    } catch (FsException e) {
      throw Errors.map(e, path.toString());
    }
    size = Math.max(size, pos + n);
    dirty = true;
    return n;
  }

  private void zeros(long n) throws FsException {
    ByteBuffer z = ByteBuffer.allocate((int) Math.min(n, 65536));
    while (n > 0) {
      z.clear().limit((int) Math.min(n, z.capacity()));
      n -= z.remaining();
      writer.append(z);
    }
  }

  @Override
  public synchronized long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    long total = 0;
    for (int i = offset; i < offset + length; i++) {
      total += write(srcs[i]);
    }
    return total;
  }

  /** Moves the content to a local scratch file (random writes, shrinking, read-back). */
  private void toScratch() throws IOException {
    if (mode == Mode.SCRATCH) {
      return;
    }
    java.nio.file.Path tmp = Files.createTempFile("gdp-nio-", ".scratch");
    scratch = FileChannel.open(tmp, StandardOpenOption.READ, StandardOpenOption.WRITE,
        StandardOpenOption.DELETE_ON_CLOSE);
    try {
      GdpRandomAccessFile source = reader;
      if (mode == Mode.STREAM) {
        writer.close(); // published into the (uncommitted) transaction only
        writer = null;
        source = size == 0 ? null : tx.newRandomAccessFile(ep);
      }
      if (source != null) {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        long off = 0;
        while (off < size) {
          buf.clear();
          int n = source.read(off, buf);
          if (n <= 0) {
            throw new FileSystemException(path.toString(), null, "file ended at " + off + " of " + size + " bytes");
          }
          buf.flip();
          while (buf.hasRemaining()) {
            scratch.write(buf, off + buf.position());
          }
          off += n;
        }
      }
    } catch (FsException e) {
      throw Errors.map(e, path.toString());
    }
    mode = Mode.SCRATCH;
  }

  @Override
  public synchronized FileChannel truncate(long newSize) throws IOException {
    ensureOpen();
    if (newSize < 0) {
      throw new IllegalArgumentException("negative size " + newSize);
    }
    if (!writable) {
      throw new NonWritableChannelException();
    }
    if (newSize < size) {
      toScratch();
      scratch.truncate(newSize);
      size = newSize;
      dirty = true;
    }
    position = Math.min(position, newSize);
    return this;
  }

  @Override
  public synchronized long position() throws IOException {
    ensureOpen();
    return position;
  }

  @Override
  public synchronized FileChannel position(long newPosition) throws IOException {
    ensureOpen();
    if (newPosition < 0) {
      throw new IllegalArgumentException("negative position " + newPosition);
    }
    position = newPosition;
    return this;
  }

  @Override
  public synchronized long size() throws IOException {
    ensureOpen();
    return size;
  }

  /**
   * Returns once the log server acknowledged every chunk streamed so far. Content is published
   * (visible, and then durable as a whole) only at close.
   */
  @Override
  public synchronized void force(boolean metaData) throws IOException {
    ensureOpen();
    if (mode == Mode.STREAM) {
      try {
        writer.sync();
      } catch (FsException e) {
        throw Errors.map(e, path.toString());
      }
    }
  }

  @Override
  public long transferTo(long pos, long count, WritableByteChannel target) throws IOException {
    ensureOpen();
    if (!readable) {
      throw new NonReadableChannelException();
    }
    if (pos < 0 || count < 0) {
      throw new IllegalArgumentException("negative position or count");
    }
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(Math.max(count, 1), TRANSFER_BLOCK));
    long done = 0;
    while (done < count) {
      buf.clear().limit((int) Math.min(buf.capacity(), count - done));
      int n = read(buf, pos + done);
      if (n <= 0) {
        break;
      }
      buf.flip();
      while (buf.hasRemaining()) {
        target.write(buf);
      }
      done += n;
    }
    return done;
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long pos, long count) throws IOException {
    ensureOpen();
    if (!writable) {
      throw new NonWritableChannelException();
    }
    if (pos < 0 || count < 0) {
      throw new IllegalArgumentException("negative position or count");
    }
    synchronized (this) {
      if (pos > size) {
        return 0; // as FileChannel: nothing is transferred past the end
      }
    }
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(Math.max(count, 1), TRANSFER_BLOCK));
    long done = 0;
    while (done < count) {
      buf.clear().limit((int) Math.min(buf.capacity(), count - done));
      int n = src.read(buf);
      if (n <= 0) {
        break;
      }
      buf.flip();
      while (buf.hasRemaining()) {
        done += write(buf, pos + done);
      }
    }
    return done;
  }

  @Override
  public MappedByteBuffer map(MapMode mapMode, long pos, long len) throws IOException {
    throw new UnsupportedOperationException("gdp files cannot be memory-mapped: read them through the channel");
  }

  @Override
  public FileLock lock(long pos, long len, boolean shared) throws IOException {
    throw new UnsupportedOperationException(
        "gdp files have no byte-range locks: a filesystem has one writer, and a path being written is held");
  }

  @Override
  public FileLock tryLock(long pos, long len, boolean shared) throws IOException {
    return lock(pos, len, shared);
  }

  private void ensureOpen() throws IOException {
    if (!isOpen()) {
      throw new java.nio.channels.ClosedChannelException();
    }
  }

  // ---------------------------------------------------------------- closing

  /** Publishes what was written (one commit, or into the path's transaction) and releases everything. */
  @Override
  protected synchronized void implCloseChannel() throws IOException {
    boolean ok = false;
    try {
      CommitResult c = null;
      if (tx != null) {
        if (unlinked || (deleteOnClose && created)) {
          discard(); // never visible anywhere
        } else {
          if (dirty) {
            publish();
          }
          if (deleteOnClose) {
            tx.deleteFile(ep);
          }
          if (ownTx && (dirty || deleteOnClose)) {
            c = tx.commit();
          }
        }
        if (ownTx && c == null) {
          tx.abort();
        }
      }
      ok = true;
      if (c != null) {
        fs.committed(c);
      }
    } catch (FsException e) {
      throw Errors.map(e, path.toString());
    } finally {
      if (!ok && ownTx) {
        try {
          tx.abort();
        } catch (FsException | RuntimeException ignored) {
          // ended already (the commit failed): nothing of it is visible
        }
      }
      fs.creating.remove(ep, this);
      fs.channelClosed(this);
      if (reader != null) {
        reader.close();
      }
      if (scratch != null) {
        scratch.close();
      }
    }
  }

  private void publish() throws IOException, FsException {
    if (mode == Mode.STREAM) {
      writer.close();
      writer = null;
    } else if (mode == Mode.SCRATCH) {
      WritableFile w = tx.newWritableFile(ep);
      ByteBuffer buf = ByteBuffer.allocate(1 << 16);
      long off = 0;
      while (off < size) {
        buf.clear();
        int n = scratch.read(buf, off);
        if (n <= 0) {
          break;
        }
        buf.flip();
        w.append(buf);
        off += n;
      }
      w.close();
    }
  }

  /** Drops what this channel wrote: a private transaction is aborted; in a shared one the file goes. */
  private void discard() throws FsException {
    if (ownTx) {
      return; // the abort drops the open writer and every staged change
    }
    if (writer != null) {
      writer.close();
      writer = null;
    }
    if (created) {
      tx.deleteFile(ep);
    }
  }

  @Override
  public String toString() {
    return "GdpChannel[" + path + (writable ? ", write" : "") + (readable ? ", read" : "") + "]";
  }
}
