package org.gdpstore.fs.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.gdpstore.client.GdpClient;
import org.gdpstore.client.GdpStatus;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.MsgCode;
import org.junit.jupiter.api.Test;

/**
 * How {@link ClientLogStore#deleteLog} reads the client's DELETE outcomes: done, gone (no such
 * log, no route: an earlier DELETE may have removed it), UNSUPPORTED (the reference gdplogd's
 * 225), anything else as the usual store failure.
 */
class ClientLogStoreDeleteTest {
  static ClientLogStore storeAnswering(CompletableFuture<Void> answer) {
    GdpClient client = (GdpClient) Proxy.newProxyInstance(GdpClient.class.getClassLoader(),
        new Class<?>[] {GdpClient.class}, (proxy, method, args) -> {
          if (method.getName().equals("deleteLogAsync")) {
            return answer;
          }
          throw new UnsupportedOperationException(method.getName());
        });
    return new ClientLogStore(client);
  }

  static CompletableFuture<Void> nak(int code) {
    return CompletableFuture.failedFuture(GdpStatus.fromNak(code, "answer " + code).asException());
  }

  static final GdpName LOG = GdpName.sha256("some log");

  @Test
  void deleteOutcomes() throws Exception {
    assertThat(storeAnswering(CompletableFuture.completedFuture(null)).deleteLog(LOG).get()).isTrue();
    assertThat(storeAnswering(nak(MsgCode.NAK_C_NOTFOUND)).deleteLog(LOG).get()).isFalse();
    assertThat(storeAnswering(nak(MsgCode.NAK_R_NOROUTE)).deleteLog(LOG).get()).isFalse();
    assertThatThrownBy(() -> storeAnswering(nak(MsgCode.NAK_S_NOTIMPL)).deleteLog(LOG).get())
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfSatisfying(LogStoreException.class,
            e -> assertThat(e.kind()).isEqualTo(LogStoreException.Kind.UNSUPPORTED));
    assertThatThrownBy(() -> storeAnswering(CompletableFuture.failedFuture(
        GdpStatus.of(GdpStatus.Code.DEADLINE_EXCEEDED, "no answer").asException())).deleteLog(LOG).get())
        .cause().isInstanceOfSatisfying(LogStoreException.class,
            e -> assertThat(e.kind()).isEqualTo(LogStoreException.Kind.UNAVAILABLE));
  }
}
