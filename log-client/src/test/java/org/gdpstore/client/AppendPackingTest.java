package org.gdpstore.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.gdpstore.client.internal.RecordCodec;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpEnvelope;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.proto.AckSuccess;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Packing of separate pending appends (issue 15) as a scripted server sees it: while 4 APPENDs are
 * unanswered, further {@code appendAsync} calls wait and leave together as one APPEND; every
 * caller gets its own record number; chained logs sign only each APPEND's last datum, unchained
 * ones every datum; REFERENCE mode still sends one datum per APPEND.
 */
@Timeout(60)
class AppendPackingTest {
  static final int CALLS = 20;
  /** AppendPacker.PACK_AFTER: APPENDs in flight before further appends wait to be packed. */
  static final int SENT = 4;
  final Ed25519Keys keys = Ed25519Keys.fromSeed(new byte[32]);
  ScriptedRouter router;
  ExecutorService callbacks;
  final List<GdpClient> clients = new ArrayList<>();

  /** APPENDs seen, and whether the scripted server answers them yet. */
  final List<GdpEnvelope> appends = new CopyOnWriteArrayList<>();
  final List<Runnable> held = new CopyOnWriteArrayList<>();
  volatile boolean hold = true;

  @BeforeEach
  void start() {
    router = new ScriptedRouter();
    callbacks = Executors.newFixedThreadPool(2);
  }

  @AfterEach
  void stop() throws InterruptedException {
    clients.forEach(GdpClient::close);
    router.close();
    callbacks.shutdown();
    assertThat(callbacks.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
  }

  LogMetadata metadata(boolean chained) {
    LogMetadata.Builder b = LogMetadata.builder().put(LogMetadata.XID, "packing-" + chained)
        .put(LogMetadata.WPK, keys.keyEntry());
    if (chained) {
      b.put(LogMetadata.CHN, new byte[] {LogMetadata.CHAIN_V1});
    }
    return b.build();
  }

  void serve(LogMetadata md) {
    router.responder = (cmd, ch) -> {
      switch (cmd.cmd()) {
        case MsgCode.CMD_OPEN_AO -> ScriptedRouter.reply(ch, cmd, GdpMessage.newBuilder().setCmd(MsgCode.ACK_SUCCESS)
            .setAckSuccess(AckSuccess.newBuilder().setRecno(0).setMetadata(ByteString.copyFrom(md.toBytes()))).build());
        case MsgCode.CMD_APPEND -> {
          appends.add(cmd);
          Runnable ack = () -> ScriptedRouter.reply(ch, cmd, GdpMessage.newBuilder().setCmd(MsgCode.ACK_SUCCESS).build());
          if (hold) {
            held.add(ack);
          } else {
            ack.run();
          }
        }
        default -> { }
      }
    };
  }

  GdpClient client(ServerMode mode) {
    GdpClient c = GdpClient.builder().router(router.address).callbackExecutor(callbacks).serverMode(mode)
        .requestTimeout(Duration.ofSeconds(20)).resendInterval(Duration.ofSeconds(10))
        .backoff(Backoff.constant(Duration.ofMillis(20))).build();
    clients.add(c);
    return c;
  }

  /** Starts {@link #CALLS} single appends while the server holds its answers; returns their futures. */
  List<CompletableFuture<Long>> appendWhileHeld(LogWriter w, int expectSent) throws Exception {
    List<CompletableFuture<Long>> fs = new ArrayList<>();
    for (int i = 0; i < CALLS; i++) {
      fs.add(w.appendAsync(("r" + i).getBytes(UTF_8)));
    }
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (appends.size() < expectSent && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    Thread.sleep(300); // nothing more goes out while the answers are held
    assertThat(appends).hasSize(expectSent);
    return fs;
  }

  void release() {
    hold = false;
    held.forEach(Runnable::run);
    held.clear();
  }

  static List<GdpDatum> datums(GdpEnvelope e) {
    return e.message().getCmdAppend().getDl().getDList();
  }

  @Test
  void pendingAppendsArePackedAndEachCallerGetsItsOwnRecordNumber() throws Exception {
    for (boolean chained : new boolean[] {false, true}) {
      for (ServerMode mode : ServerMode.values()) {
        appends.clear();
        hold = true;
        LogMetadata md = metadata(chained);
        serve(md);
        GdpClient c = client(mode);
        LogWriter w = c.openWriter(md.logName(), keys);
        boolean reference = mode == ServerMode.REFERENCE;
        List<CompletableFuture<Long>> fs = appendWhileHeld(w, reference ? CALLS : SENT);
        release();
        for (int i = 0; i < CALLS; i++) {
          assertThat(fs.get(i).get(20, TimeUnit.SECONDS)).as("call %d, chained=%s, %s", i, chained, mode)
              .isEqualTo(i + 1L);
        }
        List<Integer> sizes = appends.stream().map(e -> datums(e).size()).toList();
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < (reference ? CALLS : SENT); i++) {
          expected.add(1);
        }
        if (!reference) {
          expected.add(CALLS - SENT); // the 16 that waited leave with the first answer, as one APPEND
        }
        assertThat(sizes).as("datums per APPEND, chained=%s, %s", chained, mode).isEqualTo(expected);

        RecordCodec codec = new RecordCodec(md.logName(), md);
        byte[] prev = new byte[0];
        long recno = 1;
        for (GdpEnvelope e : appends) {
          List<GdpDatum> ds = datums(e);
          for (int i = 0; i < ds.size(); i++, recno++) {
            GdpDatum d = ds.get(i);
            assertThat(d.getRecno()).isEqualTo(recno);
            assertThat(d.getData().toStringUtf8()).isEqualTo("r" + (recno - 1));
            boolean last = i == ds.size() - 1;
            boolean signed = d.hasSig() && !d.getSig().getSig().isEmpty();
            if (chained && !reference) {
              assertThat(d.getPrevhash().toByteArray()).isEqualTo(prev);
              assertThat(signed).as("record %d signed", recno).isEqualTo(last);
            } else {
              assertThat(signed).isTrue();
            }
            if (signed) {
              assertThat(codec.signatureVerifies(d)).isTrue();
            }
            prev = codec.recordHash(d);
          }
        }
        c.close();
      }
    }
  }

  @Test
  void aPackedAppendIsResentByteForByteAfterAReconnectAndCompletesEachCallerOnce() throws Exception {
    LogMetadata md = metadata(true);
    serve(md);
    GdpClient c = client(ServerMode.GDPSTORE);
    LogWriter w = c.openWriter(md.logName(), keys);
    List<CompletableFuture<Long>> fs = appendWhileHeld(w, SENT);
    held.clear(); // those answers are lost with the connection
    // the first answer releases the packed APPEND; then the connection drops before its answer
    hold = true;
    router.dropConnections();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (appends.size() < 2 * SENT && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    // re-sent in order after the reconnect: the same APPENDs, byte for byte
    for (int i = 0; i < SENT; i++) {
      assertThat(appends.get(SENT + i).message().getCmdAppend()).isEqualTo(appends.get(i).message().getCmdAppend());
    }
    release();
    for (int i = 0; i < CALLS; i++) {
      assertThat(fs.get(i).get(20, TimeUnit.SECONDS)).isEqualTo(i + 1L);
    }
    // the waiting calls went out as one APPEND once answers came
    GdpEnvelope packed = appends.get(appends.size() - 1);
    assertThat(datums(packed)).hasSize(CALLS - SENT);
    assertThat(datums(packed).get(0).getRecno()).isEqualTo(SENT + 1);
  }
}
