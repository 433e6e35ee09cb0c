package org.gdpstore.client;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.KeyEntry;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.MetadataEntry;

/**
 * What to create a log with. The metadata is built like the reference creator does (spec 5.3):
 * the extra entries first, then XID (human name, if any), CTM (creation time), NON (16 random
 * bytes, so equal specs still give distinct logs), CID (creator, if any), OPK (owner key, if any)
 * and WPK (writer key). Ed25519 keys go into WPK/OPK, never into PUB (gdpstore-design.md section 2).
 * Immutable; build with {@link #builder()}.
 */
public final class LogSpec {
  private final String humanName;
  private final String creator;
  private final List<MetadataEntry> extra;
  private final KeyEntry writerKey;
  private final KeyEntry ownerKey;
  private final byte[] nonce;
  private final Instant created;
  private final boolean chained;

  private LogSpec(Builder b) {
    this.humanName = b.humanName;
    this.creator = b.creator;
    this.extra = List.copyOf(b.extra);
    this.writerKey = b.writerKey;
    this.ownerKey = b.ownerKey;
    this.nonce = b.nonce != null ? b.nonce.clone() : null;
    this.created = b.created;
    this.chained = b.chained;
  }

  /** True if the log is to be hash-chained (docs/log-client.md, "Chained logs"). */
  public boolean chained() {
    return chained;
  }

  /** This spec without the chained flag (a reference server cannot keep a chain). */
  public LogSpec unchained() {
    Builder b = new Builder();
    b.humanName = humanName;
    b.creator = creator;
    b.extra.addAll(extra);
    b.writerKey = writerKey;
    b.ownerKey = ownerKey;
    b.nonce = nonce;
    b.created = created;
    return new LogSpec(b);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The human-readable name (XID), or {@code null}. */
  public String humanName() {
    return humanName;
  }

  /** The writer key entry (WPK), or {@code null} for an unsigned log. */
  public KeyEntry writerKey() {
    return writerKey;
  }

  /**
   * Builds the serialized metadata. Each call draws a fresh nonce and reads the clock unless the
   * builder fixed them, so two calls give two different logs.
   */
  public LogMetadata toMetadata(Clock clock, SecureRandom random) {
    LogMetadata.Builder md = LogMetadata.builder();
    for (MetadataEntry e : extra) {
      md.put(e.id(), e.valueBytes());
    }
    if (humanName != null) {
      md.put(LogMetadata.XID, humanName.getBytes(StandardCharsets.UTF_8));
    }
    Instant t = created != null ? created : clock.instant();
    md.put(LogMetadata.CTM, CTM_FORMAT.format(t));
    byte[] non = nonce;
    if (non == null) {
      non = new byte[16];
      random.nextBytes(non);
    }
    md.put(LogMetadata.NON, non);
    if (creator != null) {
      md.put(LogMetadata.CID, creator);
    }
    if (ownerKey != null) {
      md.put(LogMetadata.OPK, ownerKey);
    }
    if (writerKey != null) {
      md.put(LogMetadata.WPK, writerKey);
    }
    if (chained) {
      md.put(LogMetadata.CHN, new byte[] {LogMetadata.CHAIN_V1});
    }
    return md.build();
  }

  private static final DateTimeFormatter CTM_FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /** Builder; not thread-safe. */
  public static final class Builder {
    private String humanName;
    private String creator;
    private final List<MetadataEntry> extra = new ArrayList<>();
    private KeyEntry writerKey;
    private KeyEntry ownerKey;
    private byte[] nonce;
    private Instant created;
    private boolean chained;

    private Builder() {}

    /**
     * Makes the log hash-chained: each record carries the previous record's hash and the writer
     * signs only the last record of each APPEND, so readers and the server check one signature per
     * batch. gdpstore servers only: a client in {@link ServerMode#REFERENCE} creates the log
     * unchained (the reference gdplogd does not keep prevhash). Without a writer key it changes nothing.
     */
    public Builder chained() {
      this.chained = true;
      return this;
    }

    /** The human-readable name stored as XID (not a 43-character printable name, as in the reference). */
    public Builder humanName(String name) {
      Objects.requireNonNull(name, "name");
      if (name.length() > 255) {
        throw new IllegalArgumentException("a human name has at most 255 characters");
      }
      this.humanName = name;
      return this;
    }

    /** The creator stored as CID, e.g. {@code user@host}. */
    public Builder creator(String creator) {
      this.creator = Objects.requireNonNull(creator, "creator");
      return this;
    }

    /** An application entry; ids with a zero top byte are reserved for the system. */
    public Builder entry(int id, byte[] value) {
      Objects.requireNonNull(value, "value");
      extra.add(new MetadataEntry(id, java.nio.ByteBuffer.wrap(value)));
      return this;
    }

    /** The single writer's Ed25519 key (its public half goes into WPK). */
    public Builder writerKey(Ed25519Keys keys) {
      this.writerKey = Objects.requireNonNull(keys, "keys").keyEntry();
      return this;
    }

    /** Any writer key entry (e.g. a reference ECDSA key); goes into WPK. */
    public Builder writerKey(KeyEntry key) {
      this.writerKey = Objects.requireNonNull(key, "key");
      return this;
    }

    /** The owner's key entry (OPK). */
    public Builder ownerKey(KeyEntry key) {
      this.ownerKey = Objects.requireNonNull(key, "key");
      return this;
    }

    /** Fixes the 16-byte nonce (tests, reproducible names); by default a fresh random one per creation. */
    public Builder nonce(byte[] nonce) {
      Objects.requireNonNull(nonce, "nonce");
      if (nonce.length != 16) {
        throw new IllegalArgumentException("the nonce has 16 bytes, got " + nonce.length);
      }
      this.nonce = nonce.clone();
      return this;
    }

    /** Fixes the creation time (CTM); by default the client's clock. */
    public Builder created(Instant created) {
      this.created = Objects.requireNonNull(created, "created");
      return this;
    }

    public LogSpec build() {
      return new LogSpec(this);
    }
  }
}
