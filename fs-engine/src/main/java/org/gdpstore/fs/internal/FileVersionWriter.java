package org.gdpstore.fs.internal;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.gdpstore.fs.FsCode;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.FsOptions;
import org.gdpstore.fs.WritableFile;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;

/**
 * Writes one file (or a large key-value value) and publishes it on close. Not thread-safe.
 *
 * <p>A file starts in <em>inline</em> mode (when the filesystem allows inline files): its bytes
 * stay in memory and close publishes them inside the directory entry, so a small file costs one
 * signed directory record and no file log. The first append that takes it past
 * {@link Context#inlineFileLimit()} moves it to a file log taken from the log pool; from then on
 * chunks are appended asynchronously with at most {@code appendWindow} in flight.
 */
public final class FileVersionWriter implements WritableFile, Txn.StagedFile {
  /** What writers of one filesystem share. */
  public record Context(LogStore store, Ed25519Keys keys, FsOptions opts, LogPool logPool,
      ContentReader content, Resources resources, Transactions transactions, Mutations mutations,
      int inlineFileLimit) {}

  private final Context cx;
  /** Where the file is published; a rename of the file being written moves it. */
  private volatile String path;
  private volatile EntryKey key;
  private final DirEntry.Kind kind;
  /** The transaction this file is written in, or 0 (published by a commit of its own). */
  private final long txnId;
  /** The file log and its appender; both null while the content is inline. */
  private LogStore.Appender appender;
  private GdpName log;
  /** The pooled log this writer took (its intent is renewed until release), or null. */
  private LogPool.Prepared taken;
  /** Inline mode: the content so far (at most {@code inlineLimit} bytes); null once in a log. */
  private byte[] inline;
  private int inlineLen;
  private final int inlineLimit;
  /** Chunk buffer and running content hash; allocated only once the file has a log. */
  private byte[] buf;
  private int bufLen;
  private long sent;
  private MessageDigest sha;
  private final ArrayDeque<CompletableFuture<Long>> inflight = new ArrayDeque<>();
  private long lastRecno;
  private volatile boolean closed;
  private FsException failure;
  /** Deleted (or replaced by a rename) while being written: close publishes nothing. */
  private volatile boolean detached;
  /** The entry made by close, shown to this instance until it is published. */
  private DirEntry finished;

  private FileVersionWriter(Context cx, EntryKey key, DirEntry.Kind kind, long txnId,
      LogStore.Appender appender, GdpName log, long startSize, long lastRecno) {
    this.cx = cx;
    this.path = key.display();
    this.key = key;
    this.kind = kind;
    this.txnId = txnId;
    this.appender = appender;
    this.log = log;
    this.inlineLimit = log == null ? cx.inlineFileLimit() : 0;
    this.inline = log == null ? new byte[inlineLimit] : null;
    if (log != null) {
      this.buf = new byte[cx.opts().chunkSize()];
      this.sha = Hashes.newSha256();
    }
    this.sent = startSize;
    this.lastRecno = lastRecno;
  }

  /**
   * Opens a writer for {@code key} (a path or a key-value key) in transaction {@code txnId} (0:
   * none); {@code existing} is the entry to continue (appendable files) or null. Called with the
   * transactions' lock held and the target checked.
   */
  public static FileVersionWriter open(Context cx, EntryKey key, DirEntry.Kind kind, long txnId,
      DirEntry existing) throws FsException {
    String path = key.display();
    byte[] oldContent = null;
    if (existing != null && !existing.isInline()) {
      if (cx.resources().claimAppend(existing.log)) {
        boolean ok = false;
        try {
          LogStore.Appender app = Await.await(cx.store().openAppender(existing.log, cx.keys()), path);
          long last = Await.await(app.lastRecno(), path);
          if (last == existing.lastRecno) {
            byte[] content = cx.content().readAll(existing, path);
            FileVersionWriter w = new FileVersionWriter(cx, key, kind, txnId, app, existing.log,
                existing.size, existing.lastRecno);
            w.sha.update(content);
            ok = true;
            return w.register();
          }
          app.close(); // the log went on after this entry (a copy was appended to): start a new log
        } finally {
          if (!ok) {
            cx.resources().releaseAppend(existing.log);
          }
        }
      }
      oldContent = cx.content().readAll(existing, path);
    } else if (existing != null) {
      oldContent = existing.inlineData();
    }
    if (kind == DirEntry.Kind.FILE && cx.inlineFileLimit() > 0) {
      // inline until the content outgrows the limit (an inline file being appended to stays
      // inline while it fits, and moves to a new log when it does not)
      FileVersionWriter w = new FileVersionWriter(cx, key, kind, txnId, null, null, 0, 0).register();
      if (oldContent != null && oldContent.length > 0) {
        w.append(ByteBuffer.wrap(oldContent));
      }
      return w;
    }
    LogPool.Prepared prepared = cx.logPool().take(path);
    cx.resources().claimAppend(prepared.log());
    FileVersionWriter w = new FileVersionWriter(cx, key, kind, txnId, prepared.appender(), prepared.log(), 0, 1);
    w.taken = prepared;
    w.register();
    // the header may still be on its way (pipelined with the first chunks); close() waits for it
    w.inflight.addLast(prepared.header());
    if (oldContent != null && oldContent.length > 0) {
      w.append(ByteBuffer.wrap(oldContent));
    }
    return w;
  }

  private FileVersionWriter register() throws FsException {
    cx.resources().register(this);
    if (txnId != 0) {
      cx.transactions().addWriter(txnId, this);
    }
    return this;
  }

  @Override
  public String name() {
    return path;
  }

  private void checkOpen() throws FsException {
    if (closed) {
      throw new FsException(FsCode.FAILED_PRECONDITION, path, "file is closed");
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public synchronized void append(ByteBuffer data) throws FsException {
    checkOpen();
    if (inline != null) {
      if (data.remaining() <= inlineLimit - inlineLen) {
        int n = data.remaining();
        data.duplicate().get(inline, inlineLen, n);
        inlineLen += n;
        data.position(data.limit());
        return;
      }
      toLog();
    }
    ByteBuffer d = data.duplicate();
    while (d.hasRemaining()) {
      if (bufLen == 0 && d.remaining() >= buf.length && d.hasArray()) {
        // a whole chunk in the caller's array: encoded from there, without staging it in buf
        sendChunk(d.array(), d.arrayOffset() + d.position(), buf.length);
        d.position(d.position() + buf.length);
        continue;
      }
      int n = Math.min(d.remaining(), buf.length - bufLen);
      d.get(buf, bufLen, n);
      bufLen += n;
      if (bufLen == buf.length) {
        sendChunk();
      }
    }
    data.position(data.limit());
  }

  /** Leaves inline mode: takes a log from the pool and writes the content so far into it. */
  private void toLog() throws FsException {
    LogPool.Prepared prepared = cx.logPool().take(path);
    taken = prepared;
    log = prepared.log();
    appender = prepared.appender();
    lastRecno = 1;
    buf = new byte[cx.opts().chunkSize()];
    sha = Hashes.newSha256();
    cx.resources().claimAppend(log);
    // the header may still be on its way (pipelined with the first chunks); close() waits for it
    inflight.addLast(prepared.header());
    byte[] content = inline;
    int n = inlineLen;
    inline = null;
    inlineLen = 0;
    if (n > 0) {
      append(ByteBuffer.wrap(content, 0, n));
    }
  }

  private void sendChunk() throws FsException {
    int n = bufLen;
    bufLen = 0;
    sendChunk(buf, 0, n);
  }

  /** Hashes, encodes (a copy: {@code data} is not kept) and appends one chunk. */
  private void sendChunk(byte[] data, int off, int len) throws FsException {
    sha.update(data, off, len);
    ByteBuffer rec = Records.chunk(sent, data, off, len);
    sent += len;
    inflight.addLast(appender.append(rec));
    while (inflight.size() > cx.opts().appendWindow()) {
      waitOldest();
    }
  }

  private void waitOldest() throws FsException {
    CompletableFuture<Long> f = inflight.removeFirst();
    try {
      lastRecno = Math.max(lastRecno, Await.await(f, path));
    } catch (FsException e) {
      failure = e;
      throw e;
    }
  }

  @Override
  public synchronized long tell() throws FsException {
    checkOpen();
    return sent + bufLen + inlineLen;
  }

  @Override
  public void flush() throws FsException {
    checkOpen();
  }

  @Override
  public synchronized void sync() throws FsException {
    checkOpen();
    while (!inflight.isEmpty()) {
      waitOldest();
    }
  }

  /** Appends the tail, waits for every acknowledgement and publishes the file. Idempotent. */
  @Override
  public void close() throws FsException {
    if (closed) {
      return;
    }
    try {
      DirEntry e;
      synchronized (this) {
        e = finishContent();
        finished = e;
      }
      // not under this writer's monitor: publishing takes the transactions' lock, and readers
      // holding that lock ask this writer for its entry
      if (!detached) {
        publish(e);
      }
    } finally {
      release();
    }
  }

  /**
   * The file as this instance sees it while it is written: every byte so far while inline; past
   * the inline limit, the bytes of the chunks sent so far (waiting for their acknowledgements).
   */
  public synchronized DirEntry pendingEntry() throws FsException {
    if (finished != null) {
      return finished;
    }
    long now = WriterClock.nowNanos(cx.opts());
    if (inline != null) {
      byte[] content = Arrays.copyOf(inline, inlineLen);
      return DirEntry.inline(kind, content, Hashes.sha256(content), now);
    }
    if (closed) {
      throw new FsException(FsCode.FAILED_PRECONDITION, path, "file was closed without being published");
    }
    while (!inflight.isEmpty()) {
      waitOldest();
    }
    byte[] sha256;
    try {
      sha256 = ((MessageDigest) sha.clone()).digest();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("SHA-256 digest cannot be cloned", e);
    }
    return DirEntry.file(kind, log, sent, sha256, now, lastRecno);
  }

  /** The file was deleted or replaced while being written: its close publishes nothing. */
  void detach() {
    detached = true;
  }

  /** The file being written was renamed: its close publishes it at {@code newKey}. */
  void retarget(EntryKey newKey) {
    key = newKey;
    path = newKey.display();
  }

  EntryKey key() {
    return key;
  }

  /** Appends the tail, waits for every acknowledgement and returns the entry, unpublished. */
  public DirEntry finish() throws FsException {
    try {
      return finishContent();
    } finally {
      release();
    }
  }

  private synchronized DirEntry finishContent() throws FsException {
    checkOpen();
    if (inline != null) {
      byte[] content = Arrays.copyOf(inline, inlineLen);
      return DirEntry.inline(kind, content, Hashes.sha256(content), WriterClock.nowNanos(cx.opts()));
    }
    if (bufLen > 0) {
      sendChunk();
    }
    while (!inflight.isEmpty()) {
      waitOldest();
    }
    return DirEntry.file(kind, log, sent, sha.digest(), WriterClock.nowNanos(cx.opts()), lastRecno);
  }

  private void publish(DirEntry e) throws FsException {
    cx.transactions().mutate(txnId, path, t -> {
      if (kind == DirEntry.Kind.FILE) {
        cx.mutations().checkWritableTarget(t, key.name());
      } else {
        t.claim(key);
      }
      t.put(key, e);
      return null;
    });
  }

  /** Drops the file without publishing it (transaction abort, filesystem close). */
  @Override
  public void abandon() {
    if (!closed) {
      release();
    }
  }

  private void release() {
    closed = true;
    cx.transactions().pending().remove(txnId, key, this);
    cx.resources().unregister(this);
    if (log != null) {
      cx.resources().releaseAppend(log);
    }
    if (taken != null) {
      LogPool.Prepared t = taken;
      taken = null;
      if (txnId != 0) { // a staged file's log is held by its transaction until that ends
        cx.transactions().whenFinished(txnId, () -> cx.logPool().released(t));
      } else {
        cx.logPool().released(t);
      }
    }
    if (txnId != 0) {
      cx.transactions().removeWriter(txnId, this); // a no-op once the transaction ended
    }
    if (appender != null) {
      appender.close();
    }
    inline = null;
  }
}
