package org.gdpstore.client;

import java.util.Objects;

/**
 * The only exception the log client throws or completes futures with. Unchecked; carries a
 * {@link GdpStatus} to branch on ({@code e.code() == GdpStatus.Code.NOT_FOUND}).
 */
public final class GdpException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient GdpStatus status;

  public GdpException(GdpStatus status) {
    super(Objects.requireNonNull(status, "status").toString(), status.cause());
    this.status = status;
  }

  /** The status. */
  public GdpStatus status() {
    return status;
  }

  /** Shortcut for {@code status().code()}. */
  public GdpStatus.Code code() {
    return status.code();
  }
}
