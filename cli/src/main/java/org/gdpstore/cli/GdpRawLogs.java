package org.gdpstore.cli;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.gdpstore.client.AppendMode;
import org.gdpstore.client.GdpClient;
import org.gdpstore.client.GdpException;
import org.gdpstore.client.GdpStatus;
import org.gdpstore.client.LogReader;
import org.gdpstore.client.LogRecord;
import org.gdpstore.client.LogSpec;
import org.gdpstore.client.LogWriter;
import org.gdpstore.client.RecordListener;
import org.gdpstore.client.Subscription;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;

/** {@link RawLogs} on the log client. */
final class GdpRawLogs implements RawLogs {
  /** Records per APPEND batch / READ range: enough to pipeline, small enough to stay under limits. */
  private static final int BATCH = 128;

  /** Batches (APPEND) or ranges (READ) in flight at once. */
  private static final int WINDOW = 8;

  /** A range read asked for and not yet printed. */
  private record Pending(long from, int count, CompletableFuture<List<LogRecord>> records) {}

  private final GdpClient client;
  private final Function<GdpName, LogReader> readers;

  /** @param readers shared readers (opened once per process, closed by the backend) */
  GdpRawLogs(GdpClient client, Function<GdpName, LogReader> readers) {
    this.client = client;
    this.readers = readers;
  }

  private static String about(GdpName log) {
    return "log " + log.printable();
  }

  @Override
  public GdpName create(String humanName, Ed25519Keys writer, boolean chained) {
    try {
      LogSpec.Builder spec = LogSpec.builder().writerKey(writer);
      if (humanName != null) {
        spec.humanName(humanName);
      }
      if (chained) {
        spec.chained();
      }
      return client.createLog(spec.build()).name();
    } catch (GdpException e) {
      if (e.code() == GdpStatus.Code.NO_ROUTE) {
        throw new CliException(ExitCodes.NOT_FOUND, "creating a log: no log server with that name on this GDP network"
            + " (check --server-name)", e);
      }
      throw GdpErrors.toCli(e, "creating a log");
    }
  }

  /**
   * Appends in batches of {@link #BATCH} with up to {@link #WINDOW} batches in flight, so signing,
   * the round trip and the server's work overlap (one batch at a time waited a round trip each).
   * The client numbers records as they are sent, so they land in order; the first failure is
   * thrown (what was acknowledged before it stays appended, as before). In renumbering mode the
   * client sends one batch at a time itself; the window only keeps the next batches queued.
   */
  @Override
  public long append(GdpName log, Ed25519Keys writer, Iterable<byte[]> records, AppendMode mode) {
    try (LogWriter w = client.openWriter(log, writer, mode)) {
      ArrayDeque<CompletableFuture<List<Long>>> inflight = new ArrayDeque<>();
      long[] last = {0};
      List<byte[]> batch = new ArrayList<>(BATCH);
      for (byte[] r : records) {
        batch.add(r);
        if (batch.size() == BATCH) {
          send(w, batch, inflight, last);
          batch = new ArrayList<>(BATCH);
        }
      }
      if (!batch.isEmpty()) {
        send(w, batch, inflight, last);
      }
      while (!inflight.isEmpty()) {
        last[0] = lastOf(await(inflight.poll()), last[0]);
      }
      return last[0];
    } catch (GdpException e) {
      if (e.code() == GdpStatus.Code.CONFLICT && mode == AppendMode.FIXED_RECNOS) {
        throw GdpErrors.conflict(about(log), e, "records before it stay appended; 'logs append --renumber'"
            + " appends after other writers' records instead");
      }
      throw GdpErrors.toCli(e, about(log));
    }
  }

  private static void send(LogWriter w, List<byte[]> batch, ArrayDeque<CompletableFuture<List<Long>>> inflight,
      long[] last) {
    while (inflight.size() >= WINDOW) {
      last[0] = lastOf(await(inflight.poll()), last[0]);
    }
    inflight.add(w.appendBatchAsync(batch));
  }

  /** The result of a client future; its GdpException (or an unexpected error) unwrapped. */
  private static <T> T await(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof GdpException g) {
        throw g;
      }
      throw e;
    }
  }

  private static long lastOf(List<Long> recnos, long before) {
    return recnos.isEmpty() ? before : recnos.get(recnos.size() - 1);
  }

  @Override
  public void read(GdpName log, long from, Long count, Consumer<Record> sink) {
    try {
      LogReader r = readers.apply(log);
      long last = r.lastRecno();
      long start = from > 0 ? from : last + from + 1;
      if (start < 1) {
        start = 1;
      }
      long end = count == null ? last : Math.min(last, start + count - 1);
      // up to WINDOW ranges requested ahead of the one printed; after a short answer the ranges
      // asked beyond it are dropped and the rest is asked again from the gap
      ArrayDeque<Pending> ahead = new ArrayDeque<>();
      long next = start;
      long asked = start;
      while (next <= end) {
        while (ahead.size() < WINDOW && asked <= end) {
          int n = (int) Math.min(BATCH, end - asked + 1);
          ahead.add(new Pending(asked, n, r.readRangeAsync(asked, n)));
          asked += n;
        }
        Pending p = ahead.poll();
        List<LogRecord> got = await(p.records());
        for (LogRecord rec : got) {
          if (rec.recno() >= next) {
            sink.accept(new Record(rec.recno(), rec.timestamp(), rec.dataBytes()));
            next = rec.recno() + 1;
          }
        }
        if (got.isEmpty()) {
          break;
        }
        if (next < p.from() + p.count()) {
          ahead.forEach(q -> q.records().cancel(false));
          ahead.clear();
          asked = next;
        }
      }
    } catch (GdpException e) {
      throw GdpErrors.toCli(e, about(log));
    }
  }

  @Override
  public void tail(GdpName log, Long from, Predicate<Record> sink) throws InterruptedException {
    BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    Object end = new Object();
    try {
      LogReader r = readers.apply(log);
      long start = from == null ? 0 : from;
      try (Subscription s = r.subscribe(start, new RecordListener() {
        @Override
        public void onRecord(LogRecord record) {
          queue.add(record);
        }

        @Override
        public void onError(GdpException error) {
          queue.add(error);
        }

        @Override
        public void onEnd() {
          queue.add(end);
        }
      })) {
        while (true) {
          Object o = queue.take();
          if (o == end) {
            return;
          }
          if (o instanceof GdpException e) {
            throw e;
          }
          LogRecord rec = (LogRecord) o;
          if (!sink.test(new Record(rec.recno(), rec.timestamp(), rec.dataBytes()))) {
            return;
          }
        }
      }
    } catch (GdpException e) {
      if (e.code() == GdpStatus.Code.CLOSED) {
        return;
      }
      throw GdpErrors.toCli(e, about(log));
    }
  }
}
