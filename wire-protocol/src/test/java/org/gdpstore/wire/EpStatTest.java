package org.gdpstore.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** EP_STAT values (spec 3.7.2) and the code <-> status mapping (spec 3.7.3). */
class EpStatTest {
  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
      "ACK_SUCCESS, 040C04C8, 0, 200",
      "ACK_CREATED, 040C04C9, 0, 201",
      "END_OF_RESULTS, 840C0507, 4, 263",
      "NAK_BADREQ, A40C0590, 5, 400",
      "NAK_UNAUTH, A40C0591, 5, 401",
      "NAK_NOTFOUND, A40C0594, 5, 404",
      "NAK_CONFLICT, A40C0599, 5, 409",
      "NAK_GONE, 840C059A, 4, 410",
      "NAK_REC_MISSING, 840C05AE, 4, 430",
      "NAK_INTERNAL, C40C05F4, 6, 500",
      "NAK_NOTIMPL, C40C05F5, 6, 501",
      "NAK_LOST_SUBSCR, 840C0603, 4, 515",
      "NAK_NOROUTE, A40C0658, 5, 600",
      "NOT_IMPLEMENTED, C40C0404, 6, 4",
      "RECNO_SEQ_ERROR, A40C041B, 5, 27",
      "RECORD_DUPLICATED, 840C0422, 4, 34",
      "CRYPTO_NO_PUB_KEY, A40C042E, 5, 46",
      "INVOKE_TIMEOUT, C40C0425, 6, 37",
  })
  void table372(String name, String hex, int severity, int detail) throws Exception {
    EpStat s = (EpStat) EpStat.class.getField(name).get(null);
    assertThat(s.value()).isEqualTo(Integer.parseUnsignedInt(hex, 16));
    assertThat(s.severity()).isEqualTo(severity);
    assertThat(s.registry()).isEqualTo(0x103);
    assertThat(s.module()).isEqualTo(1);
    assertThat(s.detail()).isEqualTo(detail);
    assertThat(s.isGdp()).isTrue();
    assertThat(s.isFail()).isEqualTo(severity >= 5);
    assertThat(s.isOk()).isEqualTo(severity < 4);
    assertThat(EpStat.of(severity, 0x103, 1, detail)).isEqualTo(s);
    assertThat(s.toString()).startsWith("0x" + hex.toUpperCase());
  }

  @Test
  void cryptoBadSignatureIsALibepCryptoStatus() {
    EpStat s = EpStat.CRYPTO_BAD_SIGNATURE;
    assertThat(s.value()).isEqualTo(0xA4000404);
    assertThat(s.registry()).isEqualTo(EpStat.REGISTRY_LIBEP);
    assertThat(s.module()).isEqualTo(EpStat.MODULE_CRYPTO);
    assertThat(s.isGdp()).isFalse();
    assertThat(s.description()).isEqualTo("ERROR: crypto: signature verification failed");
  }

  /** The client-side mapping, written out from spec 3.7.3 for every response code. */
  private static EpStat expectedFor(int code) {
    if (code == 191) {
      return EpStat.of(4, 0x103, 1, 263);
    }
    if (code >= 128 && code <= 190) {
      return EpStat.of(0, 0x103, 1, 200 + code - 128);
    }
    if (code >= 192 && code <= 223) {
      boolean warn = code == 202 || code == 222 || code == 223;
      return EpStat.of(warn ? 4 : 5, 0x103, 1, 400 + code - 192);
    }
    if (code >= 224 && code <= 239) {
      return EpStat.of(code == 239 ? 4 : 6, 0x103, 1, 500 + code - 224);
    }
    if (code == 240) {
      return EpStat.of(5, 0x103, 1, 600);
    }
    return EpStat.of(6, 0x103, 1, 4); // NOT_IMPLEMENTED
  }

  @Test
  void fromMsgCodeForEveryResponseCode() {
    for (int code = 128; code <= 255; code++) {
      assertThat(EpStat.fromMsgCode(code)).as("code %d", code).isEqualTo(expectedFor(code));
    }
    // named points of the table
    assertThat(EpStat.fromMsgCode(MsgCode.ACK_SUCCESS)).isEqualTo(EpStat.ACK_SUCCESS);
    assertThat(EpStat.fromMsgCode(MsgCode.ACK_CREATED)).isEqualTo(EpStat.ACK_CREATED);
    assertThat(EpStat.fromMsgCode(MsgCode.NAK_C_NOTFOUND)).isEqualTo(EpStat.NAK_NOTFOUND);
    assertThat(EpStat.fromMsgCode(MsgCode.NAK_C_CONFLICT)).isEqualTo(EpStat.NAK_CONFLICT);
    assertThat(EpStat.fromMsgCode(MsgCode.NAK_C_GONE)).isEqualTo(EpStat.NAK_GONE);
    assertThat(EpStat.fromMsgCode(MsgCode.NAK_C_REC_MISSING)).isEqualTo(EpStat.NAK_REC_MISSING);
    assertThat(EpStat.fromMsgCode(MsgCode.NAK_C_REC_DUP)).isEqualTo(EpStat.NAK_REC_DUP);
    assertThat(EpStat.fromMsgCode(MsgCode.NAK_S_INTERNAL)).isEqualTo(EpStat.NAK_INTERNAL);
    assertThat(EpStat.fromMsgCode(MsgCode.NAK_S_NOTIMPL)).isEqualTo(EpStat.NAK_NOTIMPL);
    assertThat(EpStat.fromMsgCode(MsgCode.NAK_S_LOST_SUBSCR)).isEqualTo(EpStat.NAK_LOST_SUBSCR);
    assertThat(EpStat.fromMsgCode(MsgCode.NAK_R_NOROUTE)).isEqualTo(EpStat.NAK_NOROUTE);
    // commands are not responses
    assertThat(EpStat.fromMsgCode(MsgCode.CMD_OPEN_RO)).isEqualTo(EpStat.NOT_IMPLEMENTED);
  }

  @Test
  void toMsgCodeInvertsFromMsgCodeForEveryCodeAFailureOrAckCarries() {
    for (int code = 128; code <= 240; code++) {
      EpStat s = EpStat.fromMsgCode(code);
      int tentative = MsgCode.NAK_S_INTERNAL; // what a handler might have left
      if (s.isOk()) {
        // rule 1: an OK status keeps the handler's ack code, or says 128
        assertThat(s.toMsgCode(code)).as("code %d", code).isEqualTo(code);
        assertThat(s.toMsgCode(tentative)).as("code %d", code).isEqualTo(MsgCode.ACK_SUCCESS);
      } else if (s.severity() == EpStat.SEV_WARN && MsgCode.isNak(code)) {
        // WARN-level NAK statuses are not "failures": the tentative code stands (rule 6)
        assertThat(s.toMsgCode(tentative)).as("code %d", code).isEqualTo(tentative);
        assertThat(s.toMsgCode(code)).as("code %d", code).isEqualTo(code);
      } else {
        assertThat(s.toMsgCode(tentative)).as("code %d", code).isEqualTo(code);
      }
    }
  }

  @Test
  void toMsgCodeServerRules() {
    // 1. OK keeps an ack tentative code, else 128
    assertThat(EpStat.OK.toMsgCode(MsgCode.ACK_CONTENT)).isEqualTo(MsgCode.ACK_CONTENT);
    assertThat(EpStat.OK.toMsgCode(MsgCode.NAK_C_BADREQ)).isEqualTo(MsgCode.ACK_SUCCESS);
    assertThat(EpStat.ACK_CREATED.toMsgCode(MsgCode.ACK_CREATED)).isEqualTo(MsgCode.ACK_CREATED);
    // 2. libep crypto errors give 193
    assertThat(EpStat.CRYPTO_BAD_SIGNATURE.toMsgCode(MsgCode.NAK_C_BADREQ)).isEqualTo(MsgCode.NAK_C_UNAUTH);
    // 3. GDP NOT_IMPLEMENTED gives 225
    assertThat(EpStat.NOT_IMPLEMENTED.toMsgCode(MsgCode.NAK_C_BADREQ)).isEqualTo(MsgCode.NAK_S_NOTIMPL);
    // 4. non-failing GDP status with detail 200..263
    assertThat(EpStat.END_OF_RESULTS.toMsgCode(MsgCode.NAK_S_INTERNAL)).isEqualTo(MsgCode.ACK_END_OF_RESULTS);
    // 5. failing GDP status with a protocol-mirroring detail: the code follows the status
    //    (CREATE to a non-server name: the handler said 192, the status says 201)
    assertThat(EpStat.NAK_CONFLICT.toMsgCode(MsgCode.NAK_C_BADREQ)).isEqualTo(MsgCode.NAK_C_CONFLICT);
    assertThat(EpStat.NAK_NOROUTE.toMsgCode(MsgCode.NAK_C_BADREQ)).isEqualTo(MsgCode.NAK_R_NOROUTE);
    assertThat(EpStat.gdp(EpStat.SEV_ERROR, 614).toMsgCode(0)).isEqualTo(254);
    // 6. other GDP statuses keep the tentative code; other registries keep a NAK or give 224
    assertThat(EpStat.RECNO_SEQ_ERROR.toMsgCode(MsgCode.NAK_C_CONFLICT)).isEqualTo(MsgCode.NAK_C_CONFLICT);
    EpStat sqlite = EpStat.of(EpStat.SEV_ERROR, 0x001, 2, 5);
    assertThat(sqlite.toMsgCode(MsgCode.NAK_C_NOTFOUND)).isEqualTo(MsgCode.NAK_C_NOTFOUND);
    assertThat(sqlite.toMsgCode(MsgCode.ACK_SUCCESS)).isEqualTo(MsgCode.NAK_S_INTERNAL);
  }

  @Test
  void descriptionsAreReadable() {
    Map<EpStat, String> expected = Map.of(
        EpStat.OK, "OK",
        EpStat.ACK_SUCCESS, "OK: GDP 200 success",
        EpStat.END_OF_RESULTS, "WARN: GDP 263 end of results",
        EpStat.NAK_NOTFOUND, "ERROR: GDP 404 not found",
        EpStat.NAK_INTERNAL, "SEVERE: GDP 500 internal server error",
        EpStat.NAK_NOROUTE, "ERROR: GDP 600 no route",
        EpStat.NOT_IMPLEMENTED, "SEVERE: GDP 4 not implemented");
    expected.forEach((s, d) -> assertThat(s.description()).isEqualTo(d));
    assertThat(EpStat.of(7, 0x001, 2, 5).description()).isEqualTo("ABORT: registry 0x1 module 2 detail 5");
    for (int code = 128; code <= 255; code++) {
      String d = EpStat.fromMsgCode(code).description();
      assertThat(d).matches("(OK|WARN|ERROR|SEVERE): GDP \\d+ [a-z ]+");
    }
    assertThat(EpStat.NAK_NOTFOUND.toString()).isEqualTo("0xA40C0594 (ERROR: GDP 404 not found)");
  }
}
