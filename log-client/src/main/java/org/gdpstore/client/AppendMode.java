package org.gdpstore.client;

/**
 * What a writer does when another writer already stored a record under a number it chose
 * ({@link GdpClient#openWriterAsync(org.gdpstore.wire.GdpName, org.gdpstore.wire.Ed25519Keys, AppendMode)}).
 */
public enum AppendMode {
  /**
   * The default: the writer's record numbers are final. An append whose number holds another
   * record fails with {@link GdpStatus.Code#CONFLICT} and stores nothing; appends are pipelined.
   */
  FIXED_RECNOS,
  /**
   * For logs several writers append to, when the caller does not need to choose record numbers:
   * after a CONFLICT that is not this writer's own record (read back to tell), the append and every
   * append queued behind it are renumbered from the server's next free number, re-signed (and
   * re-chained) and re-sent. Futures complete with the numbers actually stored; this writer's
   * records keep their call order; each is stored once. Costs: one APPEND (an {@code appendBatch}
   * of up to 256 records is one) in flight at a time, so a later append can never be stored
   * ahead of an earlier one that lost its number; a conflict costs a re-OPEN and a re-send.
   * Works where the server refuses a taken number (gdpstore's simulator); the reference gdplogd
   * by default stores both records under one number and answers success (docs/log-client.md).
   */
  RENUMBER_ON_CONFLICT
}
