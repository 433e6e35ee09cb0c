package org.gdpstore.fs.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.IntegrityException;
import org.gdpstore.fs.internal.proto.FileChunk;
import org.gdpstore.fs.internal.proto.FsRecord;
import org.gdpstore.wire.GdpName;

/**
 * The chunks of one file version in order, for reading a file front to back: range reads of
 * {@link #RANGE} records with up to {@link #DEPTH} of them in flight, so that the log server, the
 * network and the log-client's signature checks (on its callback threads) work ahead while the
 * caller copies and hashes. Chunks bypass the {@link ChunkCache} (a streamed file would only evict
 * everything else) and are decoded with one copy. Checks that the chunks tile the file without
 * gap or overlap. One thread at a time.
 */
final class ChunkStream {
  /** Records per range read: about 1 MB of 60 KiB chunks. */
  static final int RANGE = 16;
  /** Range reads in flight: about 8 MB ahead of the reader. */
  static final int DEPTH = 8;

  /** A decoded chunk: file bytes [offset, offset + data.size()). */
  record Piece(long recno, long offset, ByteString data) {
    long end() {
      return offset + data.size();
    }
  }

  private final LogStore.Source source;
  private final GdpName log;
  private final DirEntry entry;
  private final String path;
  private final ArrayDeque<long[]> asked = new ArrayDeque<>();
  private final ArrayDeque<CompletableFuture<List<LogStore.StoredRecord>>> inFlight = new ArrayDeque<>();
  private Iterator<LogStore.StoredRecord> current;
  /** The end of the range whose records {@link #current} hands out. */
  private long currentEnd;
  /** Where the next piece must start (unknown, -1, until the first one). */
  private long pos;
  private long next;
  private long issueAt;

  /**
   * Streams records {@code firstRecno..entry.lastRecno}; the first must start at {@code firstOffset}
   * (-1: anywhere, for a stream that starts at a chunk found by its offset).
   */
  ChunkStream(LogStore.Source source, GdpName log, DirEntry entry, String path, long firstRecno, long firstOffset) {
    this.source = source;
    this.log = log;
    this.entry = entry;
    this.path = path;
    this.next = firstRecno;
    this.issueAt = firstRecno;
    this.pos = firstOffset;
  }

  /** The next chunk, or null after the last record of the version. */
  Piece next() throws FsException {
    if (next > entry.lastRecno || (pos >= 0 && pos >= entry.size)) {
      return null;
    }
    while (current == null || !current.hasNext()) {
      if (current != null && next < currentEnd) {
        // a short answer: fetch the rest of that range before the ones already in flight
        List<LogStore.StoredRecord> rest = Await.await(source.readRange(next, (int) (currentEnd - next)), path);
        if (rest.isEmpty()) {
          throw new IntegrityException(path, "file log " + log + " has no record " + next);
        }
        current = rest.iterator();
        break;
      }
      fill();
      long[] a = asked.poll();
      current = Await.await(inFlight.poll(), path).iterator();
      currentEnd = a[0] + a[1];
      if (!current.hasNext()) {
        throw new IntegrityException(path, "file log " + log + " has no record " + a[0]);
      }
    }
    fill();
    LogStore.StoredRecord r = current.next();
    if (r.recno() != next) {
      throw new IntegrityException(path, "file log " + log + " returned record " + r.recno() + " for " + next);
    }
    Piece p = decode(r);
    if (pos >= 0 && p.offset() != pos) {
      throw new IntegrityException(path, "chunk " + next + " starts at " + p.offset() + ", expected " + pos);
    }
    next++;
    pos = p.end();
    return p;
  }

  /** Keeps {@link #DEPTH} range reads in flight. */
  private void fill() {
    while (inFlight.size() < DEPTH && issueAt <= entry.lastRecno) {
      int n = (int) Math.min(RANGE, entry.lastRecno - issueAt + 1);
      asked.add(new long[] {issueAt, n});
      inFlight.add(source.readRange(issueAt, n));
      issueAt += n;
    }
  }

  /** Parses a chunk record; its data aliases one copy of the payload. */
  private Piece decode(LogStore.StoredRecord r) throws IntegrityException {
    ByteBuffer payload = r.payload().duplicate();
    byte[] bytes = new byte[payload.remaining()];
    payload.get(bytes);
    FsRecord fr;
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      in.enableAliasing(true);
      fr = FsRecord.parseFrom(in);
    } catch (IOException e) {
      throw new IntegrityException(path, "record " + r.recno() + " of file log " + log + ": record is not a gdpfs record: "
          + e.getMessage());
    }
    if (!fr.hasChunk()) {
      throw new IntegrityException(path, "record " + r.recno() + " of file log " + log + " is not a chunk");
    }
    FileChunk c = fr.getChunk();
    return new Piece(r.recno(), c.getOffset(), c.getData());
  }
}
