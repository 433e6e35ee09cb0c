package org.gdpstore.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One entry of a log's {@link LogMetadata} (spec 5.1): a 4-byte id and its value, copied in and out.
 * Key entries (PUB, OPK, WPK) hold a {@link KeyEntry} as their value.
 */
public record MetadataEntry(int id, ByteBuffer value) {
  public MetadataEntry {
    Objects.requireNonNull(value, "value");
    if (id == 0) {
      throw new IllegalArgumentException("metadata id 0 marks the end of a list and cannot be stored");
    }
    if (value.remaining() > LogMetadata.MAX_VALUE_LENGTH) {
      throw new IllegalArgumentException("metadata value of " + value.remaining() + " bytes exceeds 2^24-1");
    }
    value = ByteBuffer.wrap(toArray(value)).asReadOnlyBuffer();
  }

  /** The value (a read-only view; its position is the caller's to move). */
  @Override
  public ByteBuffer value() {
    return value.duplicate();
  }

  /** A copy of the value. */
  public byte[] valueBytes() {
    return toArray(value);
  }

  /** The value as UTF-8 text. */
  public String valueText() {
    return new String(valueBytes(), StandardCharsets.UTF_8);
  }

  /** The id as text when it is printable ASCII (e.g. "XID"), else hex. */
  public String idName() {
    return LogMetadata.idName(id);
  }

  private static byte[] toArray(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.duplicate().get(a);
    return a;
  }
}
