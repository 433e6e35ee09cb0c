package org.gdpstore.sim.internal;

import org.gdpstore.wire.GdpName;

/**
 * A record that was stored but cannot be served: its bytes on disk are damaged. The log server
 * answers it with NAK 222 (NAK_C_REC_MISSING) naming the record; the log's other records are fine.
 */
final class DamagedRecordException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final long recno;

  DamagedRecordException(GdpName log, long recno, String why) {
    super("record " + recno + " of log " + log + " is damaged on the log server's disk (" + why + ")");
    this.recno = recno;
  }

  long recno() {
    return recno;
  }
}
