package org.gdpstore.fs.internal;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.gdpstore.client.Blocking;
import org.gdpstore.client.GdpClient;
import org.gdpstore.client.GdpException;
import org.gdpstore.client.GdpStatus;
import org.gdpstore.client.LogReader;
import org.gdpstore.client.LogRecord;
import org.gdpstore.client.LogSpec;
import org.gdpstore.client.LogWriter;
import org.gdpstore.fs.internal.LogStoreException.Kind;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;

/**
 * {@link LogStore} over the log-client's public API. The client verifies every record's Ed25519
 * signature (unless a source is opened with {@code verify = false}) and signs appends with the
 * writer key. The client is the caller's: closing this store does not close it. Thread-safe.
 */
public final class ClientLogStore implements LogStore {
  private final GdpClient client;
  // Handles are shared and kept open until the store closes: opening, closing and re-opening a
  // log on one client is avoided (and it saves an OPEN round trip per file read).
  private final Map<GdpName, CompletableFuture<LogWriter>> writers = new ConcurrentHashMap<>();
  private final Map<GdpName, CompletableFuture<LogReader>> verifiedReaders = new ConcurrentHashMap<>();
  private final Map<GdpName, CompletableFuture<LogReader>> unverifiedReaders = new ConcurrentHashMap<>();

  private final boolean chained;
  /** For metadata whose nonce is fixed: never drawn from. */
  private static final SecureRandom NO_RANDOMNESS = new SecureRandom();

  /** A store that creates unchained logs. */
  public ClientLogStore(GdpClient client) {
    this(client, false);
  }

  /** With {@code chained}, new logs are hash-chained (a REFERENCE-mode client creates them unchained). */
  public ClientLogStore(GdpClient client, boolean chained) {
    this.client = Objects.requireNonNull(client, "client");
    this.chained = chained;
  }

  @Override
  public CompletableFuture<GdpName> createLog(Ed25519Keys writer, String label) {
    // hash-chained on request (one signature per APPEND; docs/log-client.md "Chained logs"); a
    // REFERENCE-mode client creates it unchained. Logs created before stay as their metadata says.
    LogSpec.Builder b = LogSpec.builder().writerKey(writer);
    LogSpec spec = (chained ? b.chained() : b).build();
    return map(client.createLogAsync(spec), info -> info.name());
  }

  @Override
  public CompletableFuture<GdpName> createLog(Ed25519Keys writer, String label, LogIntents.Identity id) {
    LogSpec.Builder b = LogSpec.builder().writerKey(writer).nonce(id.nonce()).created(id.created());
    return map(client.createLogAsync((chained ? b.chained() : b).build()), info -> info.name());
  }

  /** The name as a chained and as an unchained log (a REFERENCE-mode client creates the latter either way). */
  @Override
  public List<GdpName> possibleNames(byte[] writerKey, LogIntents.Identity id) {
    LogSpec.Builder b = LogSpec.builder().writerKey(Ed25519Keys.entryFor(writerKey)).nonce(id.nonce())
        .created(id.created());
    List<GdpName> out = new ArrayList<>();
    for (LogSpec spec : List.of(b.build(), b.chained().build())) {
      out.add(spec.toMetadata(Clock.systemUTC(), NO_RANDOMNESS).logName()); // nonce and time are fixed
    }
    return out;
  }

  @Override
  public CompletableFuture<Source> openSource(GdpName log, boolean verify) {
    CompletableFuture<LogWriter> w = writers.get(log);
    if (verify && w != null && !w.isCompletedExceptionally()) {
      return map(w, r -> (Source) new ReaderSource(r));
    }
    Map<GdpName, CompletableFuture<LogReader>> m = verify ? verifiedReaders : unverifiedReaders;
    CompletableFuture<LogReader> f = m.computeIfAbsent(log, n -> client.openReaderAsync(n, verify));
    return map(f, r -> (Source) new ReaderSource(r)).whenComplete((v, err) -> {
      if (err != null) {
        m.remove(log, f);
      }
    });
  }

  @Override
  public CompletableFuture<Appender> openAppender(GdpName log, Ed25519Keys writer) {
    CompletableFuture<LogWriter> f = writers.computeIfAbsent(log, n -> client.openWriterAsync(n, writer));
    return map(f, w -> (Appender) new WriterAppender(w)).whenComplete((v, err) -> {
      if (err != null) {
        writers.remove(log, f);
      }
    });
  }

  /**
   * DELETE through the client. No route or no such log: gone (a lost answer to an earlier DELETE
   * looks the same). Handles this store holds on the log are dropped first.
   */
  @Override
  public CompletableFuture<Boolean> deleteLog(GdpName log) {
    for (Map<GdpName, ? extends CompletableFuture<? extends LogReader>> m : List.of(writers, verifiedReaders,
        unverifiedReaders)) {
      CompletableFuture<? extends LogReader> f = m.remove(log);
      if (f != null) {
        f.thenAccept(r -> r.closeAsync());
      }
    }
    return client.deleteLogAsync(log).handle((v, err) -> {
      if (err == null) {
        return true;
      }
      Throwable t = Blocking.cause(err);
      if (t instanceof GdpException g) {
        switch (g.status().code()) {
          case NOT_FOUND, NO_ROUTE -> {
            return false;
          }
          case NOT_IMPLEMENTED -> throw new LogStoreException(Kind.UNSUPPORTED,
              "the log server does not implement DELETE: " + g.getMessage(), g);
          default -> {
            // translated below
          }
        }
      }
      throw translate(t);
    });
  }

  /** Closes every log handle this store opened (not the client). Idempotent. */
  @Override
  public void close() {
    List<CompletableFuture<? extends LogReader>> all = new ArrayList<>();
    all.addAll(writers.values());
    all.addAll(verifiedReaders.values());
    all.addAll(unverifiedReaders.values());
    writers.clear();
    verifiedReaders.clear();
    unverifiedReaders.clear();
    for (CompletableFuture<? extends LogReader> f : all) {
      f.thenAccept(r -> r.closeAsync());
    }
  }

  private static <T, R> CompletableFuture<R> map(CompletableFuture<T> f, Function<T, R> fn) {
    return f.handle((v, err) -> {
      if (err != null) {
        throw translate(err);
      }
      return fn.apply(v);
    });
  }

  static LogStoreException translate(Throwable t) {
    t = Blocking.cause(t);
    if (t instanceof LogStoreException l) {
      return l;
    }
    if (t instanceof GdpException g) {
      GdpStatus.Code c = g.status().code();
      Kind k = switch (c) {
        case NOT_FOUND -> Kind.NOT_FOUND;
        case INTEGRITY -> Kind.INTEGRITY;
        case FORBIDDEN, UNAUTHORIZED -> Kind.PERMISSION;
        case CONFLICT -> Kind.CONFLICT;
        case UNAVAILABLE, DEADLINE_EXCEEDED, CLOSED, NO_ROUTE, CANCELLED, GONE -> Kind.UNAVAILABLE;
        default -> Kind.OTHER;
      };
      return new LogStoreException(k, g.getMessage(), g);
    }
    return new LogStoreException(Kind.OTHER, String.valueOf(t), t);
  }

  static StoredRecord toStored(LogRecord r) {
    Instant ts = r.timestamp();
    long nanos = ts == null ? 0 : ts.getEpochSecond() * 1_000_000_000L + ts.getNano();
    return new StoredRecord(r.recno(), nanos, r.data(), r.recordHash(), r.verified());
  }

  private static class ReaderSource implements Source {
    final LogReader reader;

    ReaderSource(LogReader reader) {
      this.reader = reader;
    }

    @Override
    public GdpName name() {
      return reader.name();
    }

    @Override
    public byte[] writerKey() {
      return org.gdpstore.wire.WriterPolicy.writerKeyBytes(reader.metadata());
    }

    @Override
    public CompletableFuture<Long> lastRecno() {
      return map(reader.lastRecnoAsync(), v -> v);
    }

    @Override
    public CompletableFuture<StoredRecord> read(long recno) {
      return reader.readAsync(recno).handle((r, err) -> {
        if (err != null) {
          LogStoreException e = translate(err);
          if (e.kind() == Kind.NOT_FOUND) {
            throw new LogStoreException(Kind.OUT_OF_RANGE, "record " + recno + " of " + reader.name()
                + " does not exist", e);
          }
          throw e;
        }
        return toStored(r);
      });
    }

    @Override
    public CompletableFuture<List<StoredRecord>> readRange(long first, int count) {
      return reader.readRangeAsync(first, count).handle((recs, err) -> {
        if (err != null) {
          LogStoreException e = translate(err);
          if (e.kind() == Kind.NOT_FOUND) {
            return List.of(); // nothing at or after `first`
          }
          throw e;
        }
        List<StoredRecord> out = new ArrayList<>(recs.size());
        for (LogRecord r : recs) {
          out.add(toStored(r));
        }
        return out;
      });
    }

    @Override
    public AutoCloseable subscribe(long from, java.util.function.Consumer<StoredRecord> onRecord,
        java.util.function.Consumer<LogStoreException> onError) {
      org.gdpstore.client.Subscription sub = reader.subscribe(from, new org.gdpstore.client.RecordListener() {
        @Override
        public void onRecord(LogRecord record) {
          onRecord.accept(toStored(record));
        }

        @Override
        public void onError(GdpException error) {
          onError.accept(translate(error));
        }
      });
      return sub::close;
    }

    @Override
    public void close() {
      // shared handle: closed with the store
    }
  }

  private static final class WriterAppender extends ReaderSource implements Appender {
    final LogWriter writer;

    WriterAppender(LogWriter writer) {
      super(writer);
      this.writer = writer;
    }

    @Override
    public CompletableFuture<Long> append(ByteBuffer payload) {
      return map(writer.appendAsync(bytes(payload)), v -> v);
    }

    @Override
    public CompletableFuture<List<Long>> appendBatch(List<ByteBuffer> payloads) {
      List<byte[]> data = new ArrayList<>(payloads.size());
      for (ByteBuffer p : payloads) {
        data.add(bytes(p));
      }
      return map(writer.appendBatchAsync(data), v -> v);
    }

    private static byte[] bytes(ByteBuffer b) {
      if (b.hasArray() && b.arrayOffset() == 0 && b.position() == 0 && b.remaining() == b.array().length) {
        return b.array();
      }
      byte[] a = new byte[b.remaining()];
      b.duplicate().get(a);
      return a;
    }
  }
}
