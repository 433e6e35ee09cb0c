package org.gdpstore.wire;

/**
 * A 32-bit EP_STAT status (spec 3.7.2): {@code severity(3) | registry(11) | module(8) | detail(10)}.
 * An immutable value.
 *
 * @param value the raw 32-bit value
 */
public record EpStat(int value) {
  public static final int SEV_OK = 0;
  public static final int SEV_WARN = 4;
  public static final int SEV_ERROR = 5;
  public static final int SEV_SEVERE = 6;
  public static final int SEV_ABORT = 7;

  /** Registry of the UC Berkeley codes. */
  public static final int REGISTRY_UCB = 0x103;
  /** Registry of libep itself (its crypto module is 1). */
  public static final int REGISTRY_LIBEP = 0x100;
  /** The GDP module within the UC Berkeley registry. */
  public static final int MODULE_GDP = 1;
  /** The crypto module within the libep registry. */
  public static final int MODULE_CRYPTO = 1;

  public static final EpStat OK = new EpStat(0);
  public static final EpStat ACK_SUCCESS = gdp(SEV_OK, 200);
  public static final EpStat ACK_CREATED = gdp(SEV_OK, 201);
  public static final EpStat END_OF_RESULTS = gdp(SEV_WARN, 263);
  public static final EpStat NAK_BADREQ = gdp(SEV_ERROR, 400);
  public static final EpStat NAK_UNAUTH = gdp(SEV_ERROR, 401);
  public static final EpStat NAK_BADOPT = gdp(SEV_ERROR, 402);
  public static final EpStat NAK_FORBIDDEN = gdp(SEV_ERROR, 403);
  public static final EpStat NAK_NOTFOUND = gdp(SEV_ERROR, 404);
  public static final EpStat NAK_CONFLICT = gdp(SEV_ERROR, 409);
  public static final EpStat NAK_GONE = gdp(SEV_WARN, 410);
  public static final EpStat NAK_TOOLARGE = gdp(SEV_ERROR, 413);
  public static final EpStat NAK_REC_MISSING = gdp(SEV_WARN, 430);
  public static final EpStat NAK_REC_DUP = gdp(SEV_WARN, 431);
  public static final EpStat NAK_INTERNAL = gdp(SEV_SEVERE, 500);
  public static final EpStat NAK_NOTIMPL = gdp(SEV_SEVERE, 501);
  public static final EpStat NAK_LOST_SUBSCR = gdp(SEV_WARN, 515);
  public static final EpStat NAK_NOROUTE = gdp(SEV_ERROR, 600);
  public static final EpStat NOT_IMPLEMENTED = gdp(SEV_SEVERE, 4);
  public static final EpStat RECNO_SEQ_ERROR = gdp(SEV_ERROR, 27);
  public static final EpStat RECORD_DUPLICATED = gdp(SEV_WARN, 34);
  public static final EpStat INVOKE_TIMEOUT = gdp(SEV_SEVERE, 37);
  public static final EpStat CRYPTO_NO_PUB_KEY = gdp(SEV_ERROR, 46);
  /** libep crypto: signature verification failed. */
  public static final EpStat CRYPTO_BAD_SIGNATURE = new EpStat(0xA4000404);

  /** Builds a status from its four parts. */
  public static EpStat of(int severity, int registry, int module, int detail) {
    return new EpStat((severity << 29) | ((registry & 0x7ff) << 18) | ((module & 0xff) << 10) | (detail & 0x3ff));
  }

  /** A status of the GDP module (registry 0x103, module 1). */
  public static EpStat gdp(int severity, int detail) {
    return of(severity, REGISTRY_UCB, MODULE_GDP, detail);
  }

  /** Bits 31-29: 0-3 OK, 4 WARN, 5 ERROR, 6 SEVERE, 7 ABORT. */
  public int severity() {
    return value >>> 29;
  }

  /** Bits 28-18: 0x000 generic, 0x001 user, 0x100 libep, 0x103 UC Berkeley. */
  public int registry() {
    return (value >>> 18) & 0x7ff;
  }

  /** Bits 17-10: the module within the registry. */
  public int module() {
    return (value >>> 10) & 0xff;
  }

  /** Bits 9-0: the detail code. */
  public int detail() {
    return value & 0x3ff;
  }

  /** Severity below WARN. */
  public boolean isOk() {
    return severity() < SEV_WARN;
  }

  /** Severity ERROR or worse. */
  public boolean isFail() {
    return severity() >= SEV_ERROR;
  }

  /** True for statuses of the GDP module. */
  public boolean isGdp() {
    return registry() == REGISTRY_UCB && module() == MODULE_GDP;
  }

  /**
   * The status a client reports for a response code (spec 3.7.3, client side).
   */
  public static EpStat fromMsgCode(int code) {
    if (code == MsgCode.ACK_END_OF_RESULTS) {
      return END_OF_RESULTS;
    }
    if (MsgCode.isAck(code)) {
      return gdp(SEV_OK, 200 + code - 128);
    }
    if (MsgCode.isClientNak(code)) {
      boolean warn = code == MsgCode.NAK_C_GONE || code == MsgCode.NAK_C_REC_MISSING || code == MsgCode.NAK_C_REC_DUP;
      return gdp(warn ? SEV_WARN : SEV_ERROR, 400 + code - 192);
    }
    if (MsgCode.isServerNak(code)) {
      return gdp(code == MsgCode.NAK_S_LOST_SUBSCR ? SEV_WARN : SEV_SEVERE, 500 + code - 224);
    }
    if (code == MsgCode.NAK_R_NOROUTE) {
      return NAK_NOROUTE;
    }
    return NOT_IMPLEMENTED;
  }

  /**
   * The response code a server sends for this status (spec 3.7.3, server side), given the code the
   * handler had tentatively chosen. The rules, in order: OK keeps an ack tentative code (else 128);
   * any non-OK libep crypto status gives 193; GDP NOT_IMPLEMENTED gives 225; a non-failing GDP
   * status with detail 200..263 gives 128 + (detail - 200); a failing GDP status with detail
   * 400..431, 500..515 or 600..614 gives the matching 192+, 224+ or 240+ code; any other GDP status
   * keeps the tentative code, any other status keeps a NAK tentative code and else gives 224.
   */
  public int toMsgCode(int tentative) {
    if (isOk()) {
      return MsgCode.isAck(tentative) ? tentative : MsgCode.ACK_SUCCESS;
    }
    if (registry() == REGISTRY_LIBEP && module() == MODULE_CRYPTO) {
      return MsgCode.NAK_C_UNAUTH;
    }
    if (!isGdp()) {
      return MsgCode.isNak(tentative) ? tentative : MsgCode.NAK_S_INTERNAL;
    }
    if (equals(NOT_IMPLEMENTED)) {
      return MsgCode.NAK_S_NOTIMPL;
    }
    int d = detail();
    if (!isFail()) {
      return d >= 200 && d <= 263 ? 128 + d - 200 : tentative;
    }
    if (d >= 400 && d <= 431) {
      return 192 + d - 400;
    }
    if (d >= 500 && d <= 515) {
      return 224 + d - 500;
    }
    if (d >= 600 && d <= 614) {
      return 240 + d - 600;
    }
    return tentative;
  }

  /** A readable description, e.g. {@code ERROR: GDP 404 not found}. */
  public String description() {
    String sev = switch (severity()) {
      case 0, 1, 2, 3 -> "OK";
      case SEV_WARN -> "WARN";
      case SEV_ERROR -> "ERROR";
      case SEV_SEVERE -> "SEVERE";
      default -> "ABORT";
    };
    if (value == 0) {
      return "OK";
    }
    if (equals(CRYPTO_BAD_SIGNATURE)) {
      return sev + ": crypto: signature verification failed";
    }
    if (!isGdp()) {
      return sev + ": registry 0x" + Integer.toHexString(registry()) + " module " + module() + " detail " + detail();
    }
    return sev + ": GDP " + detail() + " " + detailText(detail());
  }

  private static String detailText(int d) {
    return switch (d) {
      case 4 -> "not implemented";
      case 27 -> "record number sequence error";
      case 34 -> "record duplicated";
      case 37 -> "invoke timeout";
      case 46 -> "no public key";
      case 200 -> "success";
      case 201 -> "created";
      case 202 -> "deleted";
      case 203 -> "valid";
      case 204 -> "changed";
      case 205 -> "content";
      case 263 -> "end of results";
      case 400 -> "bad request";
      case 401 -> "unauthorized";
      case 402 -> "bad option";
      case 403 -> "forbidden";
      case 404 -> "not found";
      case 405 -> "method not allowed";
      case 406 -> "not acceptable";
      case 409 -> "conflict";
      case 410 -> "gone";
      case 412 -> "precondition failed";
      case 413 -> "too large";
      case 415 -> "unsupported media type";
      case 430 -> "record missing";
      case 431 -> "record duplicate";
      case 500 -> "internal server error";
      case 501 -> "not implemented";
      case 502 -> "bad gateway";
      case 503 -> "service unavailable";
      case 504 -> "gateway timeout";
      case 505 -> "proxy not supported";
      case 515 -> "lost subscription";
      case 600 -> "no route";
      default -> "status";
    };
  }

  @Override
  public String toString() {
    return String.format("0x%08X (%s)", value, description());
  }
}
