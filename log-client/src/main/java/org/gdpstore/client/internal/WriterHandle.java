package org.gdpstore.client.internal;

import com.google.protobuf.ByteString;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.gdpstore.client.AppendMode;
import org.gdpstore.client.GdpException;
import org.gdpstore.client.GdpStatus;
import org.gdpstore.client.LogWriter;
import org.gdpstore.client.ServerMode;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.MsgCode;

/**
 * An open log held with its writer key: a reader that also appends. Calls are split into APPEND
 * ops (datum lists in GDPSTORE mode) and handed to the log's {@link AppendPipeline}.
 */
final class WriterHandle extends ReaderHandle implements LogWriter {
  /** Largest record data accepted: a PDU payload is at most 65,535 bytes, minus framing and signature. */
  static final int MAX_RECORD_SIZE = NettyGdpClient.MAX_PAYLOAD - 256;
  /** Datum-list APPENDs (GDPSTORE mode) stay below this many data bytes. */
  private static final int BATCH_BYTES = 60_000;
  private static final int BATCH_RECORDS = 256;

  private final AppendPipeline pipeline;

  WriterHandle(Outbound client, GdpName name, LogMetadata metadata, long nrecs, Ed25519Keys keys, AppendMode mode) {
    super(client, name, metadata, nrecs, true);
    this.pipeline = new AppendPipeline(client, name, metadata, keys, nrecs, mode == AppendMode.RENUMBER_ON_CONFLICT,
        this::observe, this::isClosed);
  }

  @Override
  int openCommand() {
    return MsgCode.CMD_OPEN_AO;
  }

  @Override
  public CompletableFuture<Long> appendAsync(byte[] data) {
    return appendAsync(data, client.config().clock().instant());
  }

  @Override
  public CompletableFuture<Long> appendAsync(byte[] data, Instant timestamp) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(timestamp, "timestamp");
    CompletableFuture<List<Long>> f = appendItems(List.of(new AppendOp.Item(ByteString.copyFrom(data), timestamp)));
    return f.thenApply(l -> l.get(0));
  }

  @Override
  public CompletableFuture<List<Long>> appendBatchAsync(List<byte[]> data) {
    Objects.requireNonNull(data, "data");
    Instant now = client.config().clock().instant();
    List<AppendOp.Item> items = new ArrayList<>(data.size());
    for (byte[] d : data) {
      items.add(new AppendOp.Item(ByteString.copyFrom(Objects.requireNonNull(d, "data element")), now));
    }
    return appendItems(items);
  }

  private CompletableFuture<List<Long>> appendItems(List<AppendOp.Item> items) {
    if (isClosed()) {
      return closedFuture();
    }
    for (AppendOp.Item it : items) {
      if (it.data().size() > MAX_RECORD_SIZE) {
        return Futures.failed(GdpStatus.of(GdpStatus.Code.INVALID_ARGUMENT, "record of " + it.data().size()
            + " bytes exceeds the " + MAX_RECORD_SIZE + "-byte maximum (one PDU)"));
      }
    }
    if (items.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    List<CompletableFuture<List<Long>>> parts = new ArrayList<>();
    boolean reference = client.config().serverMode() == ServerMode.REFERENCE;
    int i = 0;
    while (i < items.size()) {
      int j = i + 1;
      if (!reference) {
        // spec 8.7: datum lists only for servers that handle them
        long bytes = items.get(i).data().size();
        while (j < items.size() && j - i < BATCH_RECORDS && bytes + items.get(j).data().size() <= BATCH_BYTES) {
          bytes += items.get(j).data().size();
          j++;
        }
      }
      AppendOp op = new AppendOp(client, pipeline, List.copyOf(items.subList(i, j)));
      try {
        op.permit = client.acquirePermit();
      } catch (GdpException e) {
        parts.add(CompletableFuture.failedFuture(e));
        break;
      }
      pipeline.submit(op);
      parts.add(op.result);
      i = j;
    }
    CompletableFuture<List<Long>> all = CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
        .thenApply(v -> {
          List<Long> out = new ArrayList<>(items.size());
          for (CompletableFuture<List<Long>> p : parts) {
            out.addAll(p.join());
          }
          return out;
        });
    return track(Futures.relay(all, client.config().callbackExecutor(), v -> v));
  }

  @Override
  void onClosing(GdpStatus status) {
    pipeline.failWaiting(status);
  }

  @Override
  public String toString() {
    return "LogWriter[" + name() + ", nrecs=" + nrecs() + "]";
  }
}
