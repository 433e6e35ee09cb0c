package org.gdpstore.fs;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.gdpstore.fs.internal.Entry;
import org.gdpstore.fs.internal.LogStore;
import org.gdpstore.fs.internal.Records;
import org.gdpstore.wire.GdpName;

/**
 * Writes one file (or a large key-value value) and publishes it on close. Not thread-safe.
 *
 * <p>A file starts in <em>inline</em> mode (when the filesystem allows inline files): its bytes
 * stay in memory and close publishes them inside the directory entry, so a small file costs one
 * signed directory record and no file log. The first append that takes it past
 * {@link FsCore#inlineFileLimit()} moves it to a file log taken from the log pool; from then on
 * chunks are appended asynchronously with at most {@code appendWindow} in flight.
 */
final class FileWriter implements WritableFile {
  private final FsCore core;
  private final String path;
  private final String key;
  private final Entry.Kind kind;
  private final TransactionToken token;
  /** The file log and its appender; both null while the content is inline. */
  private LogStore.Appender appender;
  private GdpName log;
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
  private boolean closed;
  private FsException failure;

  private FileWriter(FsCore core, String path, String key, Entry.Kind kind, TransactionToken token,
      LogStore.Appender appender, GdpName log, long startSize, long lastRecno) {
    this.core = core;
    this.path = path;
    this.key = key;
    this.kind = kind;
    this.token = token;
    this.appender = appender;
    this.log = log;
    this.inlineLimit = log == null ? core.inlineFileLimit() : 0;
    this.inline = log == null ? new byte[inlineLimit] : null;
    if (log != null) {
      this.buf = new byte[core.opts.chunkSize()];
      this.sha = FsCore.newSha256();
    }
    this.sent = startSize;
    this.lastRecno = lastRecno;
  }

  /**
   * Opens a writer for {@code key} (an fs path or {@code #key}); {@code existing} is the entry to
   * continue (appendable files) or null. Called with the write lock held and the target checked.
   */
  static FileWriter open(FsCore core, String key, Entry.Kind kind, TransactionToken token,
      Entry existing) throws FsException {
    String path = FsCore.display(key);
    byte[] oldContent = null;
    if (existing != null && !existing.isInline()) {
      if (core.logsBeingAppended.add(existing.log)) {
        boolean ok = false;
        try {
          LogStore.Appender app = FsCore.await(core.store.openAppender(existing.log, core.keys), path);
          long last = FsCore.await(app.lastRecno(), path);
          if (last == existing.lastRecno) {
            byte[] content = core.readAll(existing, path);
            FileWriter w = new FileWriter(core, path, key, kind, token, app, existing.log,
                existing.size, existing.lastRecno);
            w.sha.update(content);
            ok = true;
            return w.register();
          }
          app.close(); // the log went on after this entry (a copy was appended to): start a new log
        } finally {
          if (!ok) {
            core.logsBeingAppended.remove(existing.log);
          }
        }
      }
      oldContent = core.readAll(existing, path);
    } else if (existing != null) {
      oldContent = existing.inlineData();
    }
    if (kind == Entry.Kind.FILE && core.inlineFileLimit() > 0) {
      // inline until the content outgrows the limit (an inline file being appended to stays
      // inline while it fits, and moves to a new log when it does not)
      FileWriter w = new FileWriter(core, path, key, kind, token, null, null, 0, 0).register();
      if (oldContent != null && oldContent.length > 0) {
        w.append(ByteBuffer.wrap(oldContent));
      }
      return w;
    }
    LogPool.Prepared prepared = core.logPool.take(path);
    core.logsBeingAppended.add(prepared.log());
    FileWriter w = new FileWriter(core, path, key, kind, token, prepared.appender(), prepared.log(), 0, 1)
        .register();
    // the header may still be on its way (pipelined with the first chunks); close() waits for it
    w.inflight.addLast(prepared.header());
    if (oldContent != null && oldContent.length > 0) {
      w.append(ByteBuffer.wrap(oldContent));
    }
    return w;
  }

  private FileWriter register() throws FsException {
    core.openHandles.add(this);
    if (token != null) {
      core.txn(token).writers.add(this);
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
  public void append(ByteBuffer data) throws FsException {
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
    LogPool.Prepared prepared = core.logPool.take(path);
    log = prepared.log();
    appender = prepared.appender();
    lastRecno = 1;
    buf = new byte[core.opts.chunkSize()];
    sha = FsCore.newSha256();
    core.logsBeingAppended.add(log);
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
    sha.update(buf, 0, bufLen);
    ByteBuffer rec = Records.chunk(sent, buf, 0, bufLen);
    sent += bufLen;
    bufLen = 0;
    inflight.addLast(appender.append(rec));
    while (inflight.size() > core.opts.appendWindow()) {
      waitOldest();
    }
  }

  private void waitOldest() throws FsException {
    CompletableFuture<Long> f = inflight.removeFirst();
    try {
      lastRecno = Math.max(lastRecno, FsCore.await(f, path));
    } catch (FsException e) {
      failure = e;
      throw e;
    }
  }

  @Override
  public long tell() throws FsException {
    checkOpen();
    return sent + bufLen + inlineLen;
  }

  @Override
  public void flush() throws FsException {
    checkOpen();
  }

  @Override
  public void sync() throws FsException {
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
      publish(finishContent());
    } finally {
      release();
    }
  }

  /** Appends the tail, waits for every acknowledgement and returns the entry, unpublished. */
  Entry finish() throws FsException {
    try {
      return finishContent();
    } finally {
      release();
    }
  }

  private Entry finishContent() throws FsException {
    checkOpen();
    if (inline != null) {
      byte[] content = Arrays.copyOf(inline, inlineLen);
      return Entry.inline(kind, content, FsCore.sha256(content), FsCore.nowNanos(core.opts));
    }
    if (bufLen > 0) {
      sendChunk();
    }
    while (!inflight.isEmpty()) {
      waitOldest();
    }
    return Entry.file(kind, log, sent, sha.digest(), FsCore.nowNanos(core.opts), lastRecno);
  }

  private void publish(Entry e) throws FsException {
    core.mutate(token, path, t -> {
      if (kind == Entry.Kind.FILE) {
        core.checkWritableTarget(t, key);
      } else {
        t.claim(key);
      }
      t.put(key, e);
      return null;
    });
  }

  /** Drops the file without publishing it (transaction abort, filesystem close). */
  void abandon() {
    if (!closed) {
      release();
    }
  }

  private void release() {
    closed = true;
    core.openHandles.remove(this);
    if (log != null) {
      core.logsBeingAppended.remove(log);
    }
    if (token != null) {
      try {
        core.txn(token).writers.remove(this);
      } catch (FsException ignored) {
        // transaction already ended
      }
    }
    if (appender != null) {
      appender.close();
    }
    inline = null;
  }
}
