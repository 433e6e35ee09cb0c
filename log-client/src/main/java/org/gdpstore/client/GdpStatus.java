package org.gdpstore.client;

import java.util.Objects;
import org.gdpstore.wire.EpStat;
import org.gdpstore.wire.MsgCode;

/**
 * The outcome of a failed call: a {@link Code}, the GDP response code when a server (or router)
 * produced the failure, and a readable description. Immutable.
 *
 * @param code what went wrong, for branching
 * @param gdpCode the GDP message code of the NAK (192..254, spec 3.3), or 0 for client-side failures
 * @param description human-readable detail (never {@code null}, may be empty)
 * @param cause the underlying exception, if any
 */
public record GdpStatus(Code code, int gdpCode, String description, Throwable cause) {

  /** Failure classes. GDP NAKs map to the first group; the rest are produced by the client itself. */
  public enum Code {
    /** NAK 192: the server could not make sense of the request. */
    BAD_REQUEST,
    /** NAK 193: signature or key check failed on the server. */
    UNAUTHORIZED,
    /** NAK 194: bad option, e.g. record number &lt;= 0. */
    BAD_OPTION,
    /** NAK 195: forbidden, e.g. a gap in record numbers. */
    FORBIDDEN,
    /** NAK 196: no such log or record. */
    NOT_FOUND,
    /** NAK 201: conflict, e.g. a different record already stored at that number, or the log exists. */
    CONFLICT,
    /** NAK 202: gone. */
    GONE,
    /** Any other client-side NAK (192-223). */
    CLIENT_NAK,
    /** NAK 225: the server does not implement the command (the reference for GETMETADATA, READ_BY_HASH...). */
    NOT_IMPLEMENTED,
    /** Any other server-side NAK (224-239). */
    SERVER_NAK,
    /** The router has no route to the destination name (L4 NOROUTE, GDP code 240). */
    NO_ROUTE,
    /** No connection to the router could be used. */
    UNAVAILABLE,
    /** No answer within the request timeout (the outcome of a write is then unknown). */
    DEADLINE_EXCEEDED,
    /** The caller cancelled the call. */
    CANCELLED,
    /** The client, or the log handle, was closed. */
    CLOSED,
    /**
     * A record failed signature verification (its data was not delivered), or NAK 222: the server
     * holds the record (or log) but its stored bytes are damaged.
     */
    INTEGRITY,
    /** The call's arguments were invalid. */
    INVALID_ARGUMENT,
    /** The server's answer broke the protocol (unexpected code or body). */
    PROTOCOL_ERROR
  }

  public GdpStatus {
    Objects.requireNonNull(code, "code");
    description = description == null ? "" : description;
  }

  /** A client-side status. */
  public static GdpStatus of(Code code, String description) {
    return new GdpStatus(code, 0, description, null);
  }

  /** A client-side status with a cause. */
  public static GdpStatus of(Code code, String description, Throwable cause) {
    return new GdpStatus(code, 0, description, cause);
  }

  /** The status of a GDP NAK (or NOROUTE, 240) with the given message code. */
  public static GdpStatus fromNak(int gdpCode, String description) {
    return new GdpStatus(codeOf(gdpCode), gdpCode, description, null);
  }

  /** The {@link Code} of a GDP NAK code. */
  public static Code codeOf(int gdpCode) {
    return switch (gdpCode) {
      case MsgCode.NAK_C_BADREQ -> Code.BAD_REQUEST;
      case MsgCode.NAK_C_UNAUTH -> Code.UNAUTHORIZED;
      case MsgCode.NAK_C_BADOPT -> Code.BAD_OPTION;
      case MsgCode.NAK_C_FORBIDDEN -> Code.FORBIDDEN;
      case MsgCode.NAK_C_NOTFOUND -> Code.NOT_FOUND;
      case MsgCode.NAK_C_CONFLICT -> Code.CONFLICT;
      case MsgCode.NAK_C_GONE -> Code.GONE;
      case MsgCode.NAK_C_REC_MISSING -> Code.INTEGRITY;
      case MsgCode.NAK_S_NOTIMPL -> Code.NOT_IMPLEMENTED;
      case MsgCode.NAK_R_NOROUTE -> Code.NO_ROUTE;
      default -> MsgCode.isClientNak(gdpCode) ? Code.CLIENT_NAK
          : MsgCode.isServerNak(gdpCode) ? Code.SERVER_NAK : Code.PROTOCOL_ERROR;
    };
  }

  /** The EP_STAT the reference client would report for this status (spec 3.7.3); 0 for client-side codes. */
  public EpStat epStat() {
    if (gdpCode != 0) {
      return EpStat.fromMsgCode(gdpCode);
    }
    return switch (code) {
      case DEADLINE_EXCEEDED -> EpStat.INVOKE_TIMEOUT;
      case INTEGRITY -> EpStat.CRYPTO_BAD_SIGNATURE;
      case NO_ROUTE -> EpStat.NAK_NOROUTE;
      default -> EpStat.NAK_INTERNAL;
    };
  }

  /** The same status with another description. */
  public GdpStatus withDescription(String newDescription) {
    return new GdpStatus(code, gdpCode, newDescription, cause);
  }

  /** The same status with a cause. */
  public GdpStatus withCause(Throwable newCause) {
    return new GdpStatus(code, gdpCode, description, newCause);
  }

  /** An exception carrying this status. */
  public GdpException asException() {
    return new GdpException(this);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(code.name());
    if (gdpCode != 0) {
      sb.append(" (GDP ").append(gdpCode).append(' ').append(MsgCode.name(gdpCode)).append(')');
    }
    if (!description.isEmpty()) {
      sb.append(": ").append(description);
    }
    return sb.toString();
  }
}
