package org.gdpstore.nio.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * {@code Files.newInputStream} of a gdp file: reads the channel in blocks of up to 256 KiB, so
 * that callers reading a few KiB at a time ({@code InputStream.transferTo}, {@code Files.copy})
 * make few engine reads. Not thread-safe, as input streams in general.
 */
final class ChannelInputStream extends InputStream {
  private static final int BLOCK = 256 * 1024;
  private static final int TRANSFER_BLOCK = 256 * 1024;

  private final FileChannel ch;
  private final ByteBuffer buf;

  ChannelInputStream(FileChannel ch) throws IOException {
    this.ch = ch;
    this.buf = ByteBuffer.allocate((int) Math.max(1, Math.min(BLOCK, ch.size())));
    buf.flip(); // empty
  }

  private boolean fill() throws IOException {
    buf.clear();
    int n = ch.read(buf);
    buf.flip();
    return n > 0;
  }

  @Override
  public int read() throws IOException {
    if (!buf.hasRemaining() && !fill()) {
      return -1;
    }
    return buf.get() & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (!buf.hasRemaining()) {
      if (len >= buf.capacity()) {
        return ch.read(ByteBuffer.wrap(b, off, len)); // large reads bypass the buffer
      }
      if (!fill()) {
        return -1;
      }
    }
    int n = Math.min(len, buf.remaining());
    buf.get(b, off, n);
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    if (n <= 0) {
      return 0;
    }
    long inBuf = Math.min(n, buf.remaining());
    buf.position(buf.position() + (int) inBuf);
    long rest = n - inBuf;
    long pos = ch.position();
    long skipped = Math.min(rest, Math.max(0, ch.size() - pos));
    ch.position(pos + skipped);
    return inBuf + skipped;
  }

  @Override
  public int available() throws IOException {
    return (int) Math.min(Integer.MAX_VALUE, buf.remaining() + Math.max(0, ch.size() - ch.position()));
  }

  /**
   * Whole-file transfers ({@code Files.copy} out of gdp): the buffered bytes first, then blocks
   * read straight into one array handed to {@code out} as is (one copy out of the chunk cache).
   */
  @Override
  public long transferTo(OutputStream out) throws IOException {
    long total = 0;
    if (buf.hasRemaining()) {
      int n = buf.remaining();
      out.write(buf.array(), buf.position(), n);
      buf.position(buf.limit());
      total += n;
    }
    long left = Math.max(0, ch.size() - ch.position());
    if (left == 0) {
      return total;
    }
    byte[] block = new byte[(int) Math.min(TRANSFER_BLOCK, left)];
    ByteBuffer b = ByteBuffer.wrap(block);
    int n;
    while ((n = ch.read(b.clear())) > 0) {
      out.write(block, 0, n);
      total += n;
    }
    return total;
  }

  @Override
  public void close() throws IOException {
    ch.close();
  }
}
