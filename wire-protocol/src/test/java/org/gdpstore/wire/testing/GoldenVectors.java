package org.gdpstore.wire.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The golden PDUs captured from the reference implementation ({@code /golden/all-pdus.txt} on the
 * test classpath, shipped in the wire-protocol test-jar), parsed into {@link GoldenPdu}s. The text
 * format per PDU: a {@code === PDU #n} line, an {@code annotation:} line, a decoded {@code header:}
 * line with {@code dst=} / {@code src=} lines, {@code raw (N octets):} followed by hex lines, then
 * (for REGULAR PDUs) protoc's decoding of the payload. Immutable and thread-safe.
 */
public final class GoldenVectors {
  /** Classpath location of the capture. */
  public static final String RESOURCE = "/golden/all-pdus.txt";
  /** Number of PDUs in the capture. */
  public static final int COUNT = 99;

  private static final Pattern START = Pattern.compile("^=== PDU #(\\d+) .*\\b(to-router|from-router)$");
  private static final Pattern HEADER = Pattern.compile(
      "^header: ver=(\\d+) hlen=(\\d+) type=0x([0-9a-f]{2}) ttl=(\\d+) seq_mf_foff=0x([0-9a-f]{8}) fraglen=(\\d+) paylen=(\\d+)$");
  private static final Pattern NAME = Pattern.compile("^  (dst|src)=([A-Za-z0-9_-]{43})\\b.*$");
  private static final Pattern RAW = Pattern.compile("^raw \\((\\d+) octets\\):$");
  private static final Pattern CMD = Pattern.compile("^  cmd: (\\S+)$");
  private static final Pattern RID = Pattern.compile("^  rid: (\\d+)$");

  private static volatile List<GoldenPdu> cache;

  private GoldenVectors() {}

  /** All 99 PDUs in capture order. */
  public static List<GoldenPdu> all() {
    List<GoldenPdu> c = cache;
    if (c == null) {
      try (InputStream in = GoldenVectors.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(RESOURCE + " is not on the classpath (wire-protocol test-jar missing?)");
        }
        c = List.copyOf(parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      cache = c;
    }
    return c;
  }

  /** The raw octets of every PDU, concatenated in capture order (as one TCP stream would carry them). */
  public static byte[] concatenated() {
    List<GoldenPdu> all = all();
    int total = all.stream().mapToInt(p -> p.raw().length).sum();
    byte[] out = new byte[total];
    int off = 0;
    for (GoldenPdu p : all) {
      byte[] raw = p.raw();
      System.arraycopy(raw, 0, out, off, raw.length);
      off += raw.length;
    }
    return out;
  }

  static List<GoldenPdu> parse(BufferedReader r) throws IOException {
    List<GoldenPdu> out = new ArrayList<>();
    Builder b = null;
    String line;
    while ((line = r.readLine()) != null) {
      Matcher m = START.matcher(line);
      if (m.matches()) {
        if (b != null) {
          out.add(b.build());
        }
        b = new Builder();
        b.number = Integer.parseInt(m.group(1));
        b.toRouter = m.group(2).equals("to-router");
        continue;
      }
      if (b == null) {
        continue;
      }
      if (line.startsWith("annotation: ")) {
        b.annotation = line.substring("annotation: ".length()).trim();
      } else if ((m = HEADER.matcher(line)).matches()) {
        b.version = Integer.parseInt(m.group(1));
        b.headerLength = Integer.parseInt(m.group(2));
        b.byte2 = Integer.parseInt(m.group(3), 16);
        b.ttl = Integer.parseInt(m.group(4));
        b.seqField = Integer.parseUnsignedInt(m.group(5), 16);
        b.fragmentLength = Integer.parseInt(m.group(6));
        b.payloadLength = Integer.parseInt(m.group(7));
      } else if ((m = NAME.matcher(line)).matches()) {
        if (m.group(1).equals("dst")) {
          b.dst = m.group(2);
        } else {
          b.src = m.group(2);
        }
      } else if ((m = RAW.matcher(line)).matches()) {
        int n = Integer.parseInt(m.group(1));
        StringBuilder hex = new StringBuilder(n * 2);
        while (hex.length() < n * 2) {
          String h = r.readLine();
          if (h == null) {
            throw new IOException("PDU #" + b.number + ": raw octets cut short");
          }
          hex.append(h.replace(" ", ""));
        }
        if (hex.length() != n * 2) {
          throw new IOException("PDU #" + b.number + ": " + hex.length() / 2 + " octets, announced " + n);
        }
        b.raw = HexFormat.of().parseHex(hex);
      } else if (b.cmd == null && (m = CMD.matcher(line)).matches()) {
        b.cmd = m.group(1);
      } else if (b.rid == null && (m = RID.matcher(line)).matches()) {
        b.rid = Integer.parseUnsignedInt(m.group(1));
      }
    }
    if (b != null) {
      out.add(b.build());
    }
    return out;
  }

  /**
   * One captured PDU with what the capture's text says about it.
   */
  public static final class GoldenPdu {
    private final int number;
    private final boolean toRouter;
    private final String annotation;
    private final int version;
    private final int headerLength;
    private final int byte2;
    private final int ttl;
    private final int seqField;
    private final int fragmentLength;
    private final int payloadLength;
    private final String dst;
    private final String src;
    private final byte[] raw;
    private final String cmd;
    private final Integer rid;

    private GoldenPdu(Builder b) {
      number = b.number;
      toRouter = b.toRouter;
      annotation = Objects.requireNonNull(b.annotation, "annotation");
      version = b.version;
      headerLength = b.headerLength;
      byte2 = b.byte2;
      ttl = b.ttl;
      seqField = b.seqField;
      fragmentLength = b.fragmentLength;
      payloadLength = b.payloadLength;
      dst = Objects.requireNonNull(b.dst, "dst");
      src = Objects.requireNonNull(b.src, "src");
      raw = Objects.requireNonNull(b.raw, "raw");
      cmd = b.cmd;
      rid = b.rid;
    }

    /** Position in the capture, 1..99. */
    public int number() {
      return number;
    }

    /** True if the PDU went from a principal to the router, false if the router sent it. */
    public boolean toRouter() {
      return toRouter;
    }

    /** The capture's one-line annotation, e.g. {@code REGULAR CMD_OPEN_RO body=cmd_open}. */
    public String annotation() {
      return annotation;
    }

    /** The first word of the annotation: {@code REGULAR}, {@code ADVERTISE} or {@code NAK_NOROUTE}. */
    public String typeName() {
      return annotation.split(" ")[0];
    }

    /** The oneof body named by the annotation ({@code body=...}), or null if there is none. */
    public String bodyName() {
      for (String w : annotation.split(" ")) {
        if (w.startsWith("body=")) {
          return w.substring(5);
        }
      }
      return null;
    }

    public int version() {
      return version;
    }

    public int headerLength() {
      return headerLength;
    }

    /** Header byte 2 as decoded by the capture tool (type | flags | address format). */
    public int byte2() {
      return byte2;
    }

    public int ttl() {
      return ttl;
    }

    public int seqField() {
      return seqField;
    }

    public int fragmentLength() {
      return fragmentLength;
    }

    public int payloadLength() {
      return payloadLength;
    }

    /** Printable destination name. */
    public String dst() {
      return dst;
    }

    /** Printable source name. */
    public String src() {
      return src;
    }

    /** The PDU's octets, header then payload (a copy). */
    public byte[] raw() {
      return raw.clone();
    }

    /** The payload octets (a copy). */
    public byte[] payload() {
      return Arrays.copyOfRange(raw, headerLength, raw.length);
    }

    /** The symbolic {@code cmd} from protoc's decoding (e.g. {@code CMD_APPEND}), or null for control PDUs. */
    public String cmdName() {
      return cmd;
    }

    /** The rid from protoc's decoding, empty if the field is absent. */
    public OptionalInt rid() {
      return rid == null ? OptionalInt.empty() : OptionalInt.of(rid);
    }

    @Override
    public String toString() {
      return "PDU #" + number + " " + annotation;
    }
  }

  private static final class Builder {
    int number;
    boolean toRouter;
    String annotation;
    int version;
    int headerLength;
    int byte2;
    int ttl;
    int seqField;
    int fragmentLength;
    int payloadLength;
    String dst;
    String src;
    byte[] raw;
    String cmd;
    Integer rid;

    GoldenPdu build() {
      return new GoldenPdu(this);
    }
  }
}
