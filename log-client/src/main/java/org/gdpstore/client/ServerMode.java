package org.gdpstore.client;

/**
 * Which log server the client talks to; it decides how the client works around the reference's
 * bugs (gdpstore-design.md section 1).
 */
public enum ServerMode {
  /**
   * gdpstore's simulator (or any server with the intended semantics): batch appends travel as one
   * APPEND with a datum list.
   */
  GDPSTORE,
  /**
   * The reference gdplogd 2.1.x: one datum per APPEND (its multi-datum APPEND corrupts data),
   * no PING, READ_BY_TS and GETMETADATA may never be answered.
   */
  REFERENCE
}
