package org.gdpstore.client;

import java.util.Objects;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.LogMetadata;

/**
 * A log's identity: its name (SHA-256 of the serialized metadata, spec 5.3) and its metadata.
 * Immutable.
 *
 * @param name the log's 256-bit name
 * @param metadata the metadata the log was created with
 */
public record LogInfo(GdpName name, LogMetadata metadata) {
  public LogInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(metadata, "metadata");
  }
}
