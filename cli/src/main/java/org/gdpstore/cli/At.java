package org.gdpstore.cli;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * A point in a filesystem's history for {@code --at}: a directory record number, or a time
 * (ISO-8601 instant such as {@code 2026-11-22T02:00:00Z}, or a local date-time / date in the
 * system time zone).
 *
 * @param recno the directory record number, or -1 if a time was given
 * @param time the time, or null if a record number was given
 */
record At(long recno, Instant time) {
  static At parse(String s, ZoneId zone) {
    String t = s.strip();
    if (t.matches("\\d+")) {
      try {
        return new At(Long.parseLong(t), null);
      } catch (NumberFormatException e) {
        throw CliException.usage("bad --at '" + s + "': record number too large");
      }
    }
    try {
      return new At(-1, Instant.parse(t));
    } catch (DateTimeParseException ignored) {
      // try the local forms below
    }
    try {
      return new At(-1, LocalDateTime.parse(t.replace(' ', 'T')).atZone(zone).toInstant());
    } catch (DateTimeParseException ignored) {
      // try a date
    }
    try {
      return new At(-1, LocalDate.parse(t).atStartOfDay(zone).toInstant());
    } catch (DateTimeParseException e) {
      throw CliException.usage("bad --at '" + s
          + "': expected a record number, an instant (2026-11-22T02:00:00Z) or a local date-time (2026-11-22T03:00:00)");
    }
  }

  boolean isRecno() {
    return time == null;
  }

  @Override
  public String toString() {
    return isRecno() ? "record " + recno : time.toString();
  }
}
