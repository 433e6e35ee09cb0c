package org.gdpstore.wire;

import java.util.HashMap;
import java.util.Map;

/**
 * Layer-5 message codes ({@code GdpMessage.cmd}, spec 3.3) and their classes. The codes are plain
 * ints because the wire carries any value 0..255 and unknown codes must survive.
 */
public final class MsgCode {
  public static final int CMD_NONE = 0;
  public static final int CMD_ADVERTISE = 1;
  public static final int CMD_WITHDRAW = 2;
  public static final int CMD_PING = 64;
  public static final int CMD_HELLO = 65;
  public static final int CMD_CREATE = 66;
  public static final int CMD_OPEN_AO = 67;
  public static final int CMD_OPEN_RO = 68;
  public static final int CMD_OPEN_RA = 69;
  public static final int CMD_CLOSE = 70;
  public static final int CMD_APPEND = 71;
  public static final int CMD_READ_BY_RECNO = 72;
  public static final int CMD_READ_BY_TS = 73;
  public static final int CMD_READ_BY_HASH = 74;
  public static final int CMD_SUBSCRIBE_BY_RECNO = 75;
  public static final int CMD_SUBSCRIBE_BY_TS = 76;
  public static final int CMD_SUBSCRIBE_BY_HASH = 77;
  public static final int CMD_UNSUBSCRIBE = 78;
  public static final int CMD_GETMETADATA = 79;
  public static final int CMD_NEWSEGMENT = 80;
  public static final int CMD_DELETE = 81;
  public static final int CMD_FWD_APPEND = 127;

  public static final int ACK_SUCCESS = 128;
  public static final int ACK_CREATED = 129;
  public static final int ACK_DELETED = 130;
  public static final int ACK_VALID = 131;
  public static final int ACK_CHANGED = 132;
  public static final int ACK_CONTENT = 133;
  public static final int ACK_END_OF_RESULTS = 191;

  public static final int NAK_C_BADREQ = 192;
  public static final int NAK_C_UNAUTH = 193;
  public static final int NAK_C_BADOPT = 194;
  public static final int NAK_C_FORBIDDEN = 195;
  public static final int NAK_C_NOTFOUND = 196;
  public static final int NAK_C_METHNOTALLOWED = 197;
  public static final int NAK_C_NOTACCEPTABLE = 198;
  public static final int NAK_C_CONFLICT = 201;
  public static final int NAK_C_GONE = 202;
  public static final int NAK_C_PRECONFAILED = 204;
  public static final int NAK_C_TOOLARGE = 205;
  public static final int NAK_C_UNSUPMEDIA = 207;
  public static final int NAK_C_REC_MISSING = 222;
  public static final int NAK_C_REC_DUP = 223;
  public static final int NAK_S_INTERNAL = 224;
  public static final int NAK_S_NOTIMPL = 225;
  public static final int NAK_S_BADGATEWAY = 226;
  public static final int NAK_S_SVCUNAVAIL = 227;
  public static final int NAK_S_GWTIMEOUT = 228;
  public static final int NAK_S_PROXYNOTSUP = 229;
  public static final int NAK_S_LOST_SUBSCR = 239;
  public static final int NAK_R_NOROUTE = 240;

  private static final Map<Integer, String> NAMES = new HashMap<>();

  static {
    for (var f : MsgCode.class.getFields()) {
      if (f.getType() == int.class) {
        try {
          NAMES.put(f.getInt(null), f.getName());
        } catch (IllegalAccessException e) {
          throw new ExceptionInInitializerError(e);
        }
      }
    }
  }

  private MsgCode() {}

  /** The symbolic name of a code, or {@code UNKNOWN(n)}. */
  public static String name(int code) {
    String n = NAMES.get(code);
    return n != null ? n : "UNKNOWN(" + code + ")";
  }

  /** True if the code has a name in this table. */
  public static boolean isKnown(int code) {
    return NAMES.containsKey(code);
  }

  /** Codes below 128 are commands, processed by whoever receives them. */
  public static boolean isCommand(int code) {
    return code >= 0 && code < 128;
  }

  /** Commands 0-63 get no response. */
  public static boolean isBlindCommand(int code) {
    return code >= 0 && code < 64;
  }

  /** Commands 64-127 expect a response. */
  public static boolean needsAck(int code) {
    return code >= 64 && code < 128;
  }

  /** Codes 128-255 are responses. */
  public static boolean isResponse(int code) {
    return code >= 128 && code <= 255;
  }

  /** Positive acknowledgements, 128-191. */
  public static boolean isAck(int code) {
    return code >= 128 && code < 192;
  }

  /** Negative acknowledgements of any kind, 192-254. */
  public static boolean isNak(int code) {
    return code >= 192 && code < 255;
  }

  /** Client-side NAKs (HTTP 4xx), 192-223. */
  public static boolean isClientNak(int code) {
    return code >= 192 && code < 224;
  }

  /** Server-side NAKs (HTTP 5xx), 224-239. */
  public static boolean isServerNak(int code) {
    return code >= 224 && code < 240;
  }

  /** Routing NAKs, 240-254. */
  public static boolean isRoutingNak(int code) {
    return code >= 240 && code < 255;
  }
}
