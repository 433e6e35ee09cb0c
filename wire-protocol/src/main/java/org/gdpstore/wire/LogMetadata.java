package org.gdpstore.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Log metadata and its byte-stable serialization (spec 5.1): a count, all entry headers, then all
 * values. Entries keep insertion order; parsing then serializing reproduces the input exactly.
 * The log's name is the SHA-256 of the serialized form ({@link #logName()}). Immutable and
 * thread-safe; the {@link Builder} is not thread-safe.
 */
public final class LogMetadata {
  /** External (human) name. */
  public static final int XID = 0x00584944;
  /** Public key (deprecated; the only key entry the reference verifies with). */
  public static final int PUB = 0x00505542;
  /** Owner public key. */
  public static final int OPK = 0x004F504B;
  /** Writer public key. */
  public static final int WPK = 0x0057504B;
  /** Creation time, {@code YYYY-MM-DDTHH:MM:SS.mmmZ}. */
  public static final int CTM = 0x0043544D;
  /** Expiration time. */
  public static final int XTM = 0x0058544D;
  /** Creator, {@code user@fqdn}. */
  public static final int CID = 0x00434944;
  /** Data syntax. */
  public static final int SYN = 0x0053594E;
  /** Location. */
  public static final int LOC = 0x004C4F43;
  /** 16 random bytes that make the log name unique. */
  public static final int NON = 0x004E4F4E;
  /**
   * gdpstore only: the log is hash-chained (value {@link #CHAIN_V1}): every record after the first
   * carries {@code prevhash} = the previous record's hash and each APPEND's last datum is signed
   * (docs/on-log-format.md, "Chained logs"). Never written to reference servers.
   */
  public static final int CHN = 0x0043484E;
  /** The one value of {@link #CHN} defined so far. */
  public static final byte CHAIN_V1 = 1;

  /** Largest value length the reference allows (24 bits). */
  public static final int MAX_VALUE_LENGTH = (1 << 24) - 1;

  private final List<MetadataEntry> entries;
  private final byte[] serialized;

  private LogMetadata(List<MetadataEntry> entries, byte[] serialized) {
    this.entries = entries;
    this.serialized = serialized;
  }

  /** A builder that keeps insertion order; re-adding an id replaces its value in place. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Parses serialized metadata.
   *
   * @throws IllegalArgumentException if the bytes are not valid metadata (what the reference calls "no metadata")
   */
  public static LogMetadata parse(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length < 2) {
      throw new IllegalArgumentException("metadata needs at least 2 bytes, got " + bytes.length);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    int n = Short.toUnsignedInt(in.getShort());
    if (n == 0) {
      throw new IllegalArgumentException("metadata has no entries");
    }
    if (in.remaining() < 8L * n) {
      throw new IllegalArgumentException("metadata declares " + n + " entries but has only " + in.remaining()
          + " bytes for their headers");
    }
    int[] ids = new int[n];
    long[] lens = new long[n];
    long total = 0;
    for (int i = 0; i < n; i++) {
      ids[i] = in.getInt();
      lens[i] = Integer.toUnsignedLong(in.getInt());
      total += lens[i];
    }
    if (total != in.remaining()) {
      throw new IllegalArgumentException("metadata value lengths sum to " + total + " but " + in.remaining()
          + " bytes follow the headers");
    }
    List<MetadataEntry> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      byte[] v = new byte[(int) lens[i]];
      in.get(v);
      list.add(new MetadataEntry(ids[i], ByteBuffer.wrap(v)));
    }
    return new LogMetadata(Collections.unmodifiableList(list), bytes.clone());
  }

  /** The entries in order. */
  public List<MetadataEntry> entries() {
    return entries;
  }

  /** The entry with this id, if any. */
  public Optional<MetadataEntry> find(int id) {
    for (MetadataEntry e : entries) {
      if (e.id() == id) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /** A value as text, if present. */
  public Optional<String> findText(int id) {
    return find(id).map(MetadataEntry::valueText);
  }

  /** The serialized form (a copy). */
  public byte[] toBytes() {
    return serialized.clone();
  }

  /** Size of the serialized form. */
  public int serializedSize() {
    return serialized.length;
  }

  /** The log name: SHA-256 of the serialized form (spec 5.3). */
  public GdpName logName() {
    return GdpName.sha256(serialized);
  }

  /** True if the metadata declares the log hash-chained ({@link #CHN} = {@link #CHAIN_V1}). */
  public boolean chained() {
    Optional<MetadataEntry> e = find(CHN);
    if (e.isEmpty()) {
      return false;
    }
    byte[] v = e.get().valueBytes();
    return v.length == 1 && v[0] == CHAIN_V1;
  }

  /**
   * The key entry that identifies the log's writer, in gdpstore's order of preference: WPK, then
   * OPK, then PUB (spec 6.4).
   */

  public Optional<KeyEntry> writerKey() {
    for (int id : new int[] {WPK, OPK, PUB}) {
      Optional<MetadataEntry> e = find(id);
      if (e.isPresent()) {
        return Optional.of(KeyEntry.parse(e.get().valueBytes()));
      }
    }
    return Optional.empty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LogMetadata other && Arrays.equals(serialized, other.serialized);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(serialized);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("LogMetadata[");
    for (MetadataEntry e : entries) {
      sb.append(e.idName()).append('=').append(e.value().remaining()).append("B ");
    }
    return sb.append(']').toString();
  }

  static String idName(int id) {
    byte[] b = ByteBuffer.allocate(4).putInt(id).array();
    StringBuilder sb = new StringBuilder();
    for (byte c : b) {
      if (c == 0) {
        continue;
      }
      if (c < 0x20 || c > 0x7e) {
        return String.format("0x%08x", id);
      }
      sb.append((char) c);
    }
    return sb.toString();
  }

  /** Builds metadata; entries keep insertion order. */
  public static final class Builder {
    private final List<MetadataEntry> entries = new ArrayList<>();

    private Builder() {}

    /** Adds or replaces (in place) the entry {@code id}. */
    public Builder put(int id, byte[] value) {
      MetadataEntry e = new MetadataEntry(id, ByteBuffer.wrap(value));
      for (int i = 0; i < entries.size(); i++) {
        if (entries.get(i).id() == id) {
          entries.set(i, e);
          return this;
        }
      }
      entries.add(e);
      return this;
    }

    /** Adds or replaces a UTF-8 text entry. */
    public Builder put(int id, String text) {
      return put(id, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Adds or replaces a public-key entry. */
    public Builder put(int id, KeyEntry key) {
      return put(id, key.toBytes());
    }

    public LogMetadata build() {
      if (entries.isEmpty()) {
        throw new IllegalStateException("metadata needs at least one entry");
      }
      if (entries.size() > 0xffff) {
        throw new IllegalStateException("metadata holds at most 65535 entries");
      }
      long size = 2 + 8L * entries.size();
      for (MetadataEntry e : entries) {
        size += e.value().remaining();
      }
      if (size > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("metadata of " + size + " bytes is too large");
      }
      ByteBuffer out = ByteBuffer.allocate((int) size);
      out.putShort((short) entries.size());
      for (MetadataEntry e : entries) {
        out.putInt(e.id()).putInt(e.value().remaining());
      }
      for (MetadataEntry e : entries) {
        out.put(e.value().duplicate());
      }
      return new LogMetadata(List.copyOf(entries), out.array());
    }
  }
}
