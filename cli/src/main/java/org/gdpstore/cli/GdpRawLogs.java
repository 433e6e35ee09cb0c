package org.gdpstore.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
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
  public GdpName create(String humanName, Ed25519Keys writer) {
    try {
      LogSpec.Builder spec = LogSpec.builder().writerKey(writer);
      if (humanName != null) {
        spec.humanName(humanName);
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

  @Override
  public long append(GdpName log, Ed25519Keys writer, Iterable<byte[]> records) {
    try (LogWriter w = client.openWriter(log, writer)) {
      long last = 0;
      List<byte[]> batch = new ArrayList<>(BATCH);
      for (byte[] r : records) {
        batch.add(r);
        if (batch.size() == BATCH) {
          last = lastOf(w.appendBatch(batch));
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        last = lastOf(w.appendBatch(batch));
      }
      return last;
    } catch (GdpException e) {
      throw GdpErrors.toCli(e, about(log));
    }
  }

  private static long lastOf(List<Long> recnos) {
    return recnos.isEmpty() ? 0 : recnos.get(recnos.size() - 1);
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
      for (long next = start; next <= end; ) {
        int n = (int) Math.min(BATCH, end - next + 1);
        List<LogRecord> got = r.readRange(next, n);
        if (got.isEmpty()) {
          break;
        }
        for (LogRecord rec : got) {
          sink.accept(new Record(rec.recno(), rec.timestamp(), rec.dataBytes()));
          next = rec.recno() + 1;
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
