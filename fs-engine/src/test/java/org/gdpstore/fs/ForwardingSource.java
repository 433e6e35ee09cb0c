package org.gdpstore.fs;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.gdpstore.fs.internal.LogStore;
import org.gdpstore.fs.internal.LogStoreException;
import org.gdpstore.wire.GdpName;

/** A {@link LogStore.Source} that hands every call to another; test stores override what they watch or delay. */
class ForwardingSource implements LogStore.Source {
  final LogStore.Source s;

  ForwardingSource(LogStore.Source s) {
    this.s = s;
  }

  @Override
  public GdpName name() {
    return s.name();
  }

  @Override
  public byte[] writerKey() {
    return s.writerKey();
  }

  @Override
  public CompletableFuture<Long> lastRecno() {
    return s.lastRecno();
  }

  @Override
  public CompletableFuture<LogStore.StoredRecord> read(long recno) {
    return s.read(recno);
  }

  @Override
  public CompletableFuture<List<LogStore.StoredRecord>> readRange(long first, int count) {
    return s.readRange(first, count);
  }

  @Override
  public AutoCloseable subscribe(long from, Consumer<LogStore.StoredRecord> onRecord,
      Consumer<LogStoreException> onError) {
    return s.subscribe(from, onRecord, onError);
  }

  @Override
  public void close() {
    s.close();
  }
}
