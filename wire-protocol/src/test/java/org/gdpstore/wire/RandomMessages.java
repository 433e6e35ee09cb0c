package org.gdpstore.wire;

import com.google.protobuf.ByteString;
import java.util.Random;
import org.gdpstore.wire.proto.AckChanged;
import org.gdpstore.wire.proto.AckContent;
import org.gdpstore.wire.proto.AckEndOfResults;
import org.gdpstore.wire.proto.AckSuccess;
import org.gdpstore.wire.proto.CmdAppend;
import org.gdpstore.wire.proto.CmdClose;
import org.gdpstore.wire.proto.CmdCreate;
import org.gdpstore.wire.proto.CmdDelete;
import org.gdpstore.wire.proto.CmdGetMetadata;
import org.gdpstore.wire.proto.CmdOpen;
import org.gdpstore.wire.proto.CmdReadByHash;
import org.gdpstore.wire.proto.CmdReadByRecno;
import org.gdpstore.wire.proto.CmdReadByTs;
import org.gdpstore.wire.proto.CmdSubscribeByHash;
import org.gdpstore.wire.proto.CmdSubscribeByRecno;
import org.gdpstore.wire.proto.CmdSubscribeByTs;
import org.gdpstore.wire.proto.CmdUnsubscribe;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpDatumList;
import org.gdpstore.wire.proto.GdpMessage;
import org.gdpstore.wire.proto.GdpMetadata;
import org.gdpstore.wire.proto.GdpProof;
import org.gdpstore.wire.proto.GdpSignature;
import org.gdpstore.wire.proto.GdpTimestamp;
import org.gdpstore.wire.proto.NakConflict;
import org.gdpstore.wire.proto.NakGeneric;

/**
 * Random valid {@link GdpMessage}s: every body of the schema, optional fields present or not,
 * extreme numbers, unknown codes. Messages stay well below the 65,535-byte payload limit.
 */
final class RandomMessages {
  private RandomMessages() {}

  static GdpMessage message(Random r) {
    GdpMessage.Builder b = GdpMessage.newBuilder().setCmd(code(r));
    if (r.nextBoolean()) {
      b.setRid(r.nextInt(3) == 0 ? r.nextInt() : r.nextInt(1000));
    }
    if (r.nextInt(10) == 0) {
      b.setL5Seqno(r.nextInt());
    }
    if (r.nextInt(10) == 0) {
      b.setSig(sig(r));
    }
    switch (r.nextInt(21)) {
      case 0 -> {
        CmdCreate.Builder c = CmdCreate.newBuilder().setMetadata(metadata(r));
        if (r.nextBoolean()) {
          c.setLogname(bytes(r, 32));
        }
        b.setCmdCreate(c);
      }
      case 1 -> b.setCmdOpen(CmdOpen.getDefaultInstance());
      case 2 -> b.setCmdClose(CmdClose.getDefaultInstance());
      case 3 -> b.setCmdAppend(CmdAppend.newBuilder().setDl(datums(r)));
      case 4 -> {
        CmdReadByRecno.Builder c = CmdReadByRecno.newBuilder().setRecno(longValue(r));
        if (r.nextBoolean()) {
          c.setNrecs(intValue(r));
        }
        b.setCmdReadByRecno(c);
      }
      case 5 -> {
        CmdReadByTs.Builder c = CmdReadByTs.newBuilder().setTimestamp(timestamp(r));
        if (r.nextBoolean()) {
          c.setNrecs(intValue(r));
        }
        b.setCmdReadByTs(c);
      }
      case 6 -> b.setCmdReadByHash(CmdReadByHash.newBuilder().setHash(bytes(r, r.nextInt(65))));
      case 7 -> {
        CmdSubscribeByRecno.Builder c = CmdSubscribeByRecno.newBuilder();
        if (r.nextBoolean()) {
          c.setStart(longValue(r));
        }
        if (r.nextBoolean()) {
          c.setNrecs(intValue(r));
        }
        if (r.nextBoolean()) {
          c.setTimeout(timestamp(r));
        }
        b.setCmdSubscribeByRecno(c);
      }
      case 8 -> {
        CmdSubscribeByTs.Builder c = CmdSubscribeByTs.newBuilder().setTimestamp(timestamp(r));
        if (r.nextBoolean()) {
          c.setNrecs(intValue(r));
        }
        if (r.nextBoolean()) {
          c.setTimeout(timestamp(r));
        }
        b.setCmdSubscribeByTs(c);
      }
      case 9 -> {
        CmdSubscribeByHash.Builder c = CmdSubscribeByHash.newBuilder().setHash(bytes(r, 32));
        if (r.nextBoolean()) {
          c.setNrecs(intValue(r));
        }
        b.setCmdSubscribeByHash(c);
      }
      case 10 -> b.setCmdUnsubscribe(CmdUnsubscribe.getDefaultInstance());
      case 11 -> b.setCmdGetMetadata(CmdGetMetadata.getDefaultInstance());
      case 12 -> b.setCmdDelete(CmdDelete.getDefaultInstance());
      case 13 -> {
        AckSuccess.Builder a = AckSuccess.newBuilder();
        if (r.nextBoolean()) {
          a.setRecno(longValue(r));
        }
        if (r.nextBoolean()) {
          a.setTs(timestamp(r));
        }
        if (r.nextBoolean()) {
          a.setHash(bytes(r, 32));
        }
        if (r.nextBoolean()) {
          a.setMetadata(bytes(r, r.nextInt(300)));
        }
        b.setAckSuccess(a);
      }
      case 14 -> b.setAckChanged(AckChanged.newBuilder().setRecno(longValue(r)));
      case 15 -> {
        AckContent.Builder a = AckContent.newBuilder().setDl(datums(r));
        if (r.nextBoolean()) {
          a.setMoredata(r.nextBoolean());
        }
        b.setAckContent(a);
      }
      case 16 -> {
        AckEndOfResults.Builder a = AckEndOfResults.newBuilder();
        if (r.nextBoolean()) {
          a.setEpStat(r.nextInt());
        }
        if (r.nextBoolean()) {
          a.setNresults(longValue(r));
        }
        b.setAckEndOfResults(a);
      }
      case 17 -> {
        NakGeneric.Builder n = NakGeneric.newBuilder();
        if (r.nextBoolean()) {
          n.setEpStat(r.nextInt());
        }
        if (r.nextBoolean()) {
          n.setDescription(text(r));
        }
        if (r.nextBoolean()) {
          n.setRecno(longValue(r));
        }
        b.setNak(n);
      }
      case 18 -> {
        NakConflict.Builder n = NakConflict.newBuilder();
        if (r.nextBoolean()) {
          n.setDescription(text(r));
        }
        if (r.nextBoolean()) {
          n.setRecno(longValue(r));
        }
        b.setNakConflict(n);
      }
      default -> { } // no body (CLOSE, PING, ... as the reference sends them)
    }
    return b.build();
  }

  /** Mostly real codes, sometimes any byte, sometimes any uint32. */
  static int code(Random r) {
    return switch (r.nextInt(4)) {
      case 0 -> r.nextInt(256);
      case 1 -> r.nextInt();
      default -> new int[] {64, 66, 67, 68, 69, 70, 71, 72, 75, 78, 128, 129, 133, 191, 192, 196, 201, 225, 239}[r.nextInt(19)];
    };
  }

  static long longValue(Random r) {
    return switch (r.nextInt(5)) {
      case 0 -> Long.MIN_VALUE + r.nextInt(3);
      case 1 -> Long.MAX_VALUE - r.nextInt(3);
      case 2 -> r.nextLong();
      default -> r.nextInt(2000) - 1000;
    };
  }

  static int intValue(Random r) {
    return switch (r.nextInt(4)) {
      case 0 -> r.nextInt();
      case 1 -> r.nextBoolean() ? Integer.MIN_VALUE : Integer.MAX_VALUE;
      default -> r.nextInt(20) - 2;
    };
  }

  static ByteString bytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return ByteString.copyFrom(b);
  }

  static String text(Random r) {
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(40);
    for (int i = 0; i < n; i++) {
      // letters, and now and then a non-ASCII code point (valid UTF-16 only)
      sb.append(r.nextInt(8) == 0 ? (char) (0x00e0 + r.nextInt(0x500)) : (char) ('a' + r.nextInt(26)));
    }
    return sb.toString();
  }

  static GdpSignature sig(Random r) {
    return GdpSignature.newBuilder().setSig(bytes(r, r.nextInt(3) == 0 ? 0 : 64 + r.nextInt(10))).build();
  }

  static GdpTimestamp timestamp(Random r) {
    GdpTimestamp.Builder t = GdpTimestamp.newBuilder();
    if (r.nextInt(5) != 0) {
      t.setSec(longValue(r));
    }
    if (r.nextBoolean()) {
      t.setNsec(r.nextInt(3) == 0 ? r.nextInt() : r.nextInt(1_000_000_000));
    }
    if (r.nextInt(3) == 0) {
      // any bit pattern: the digest hashes the raw bits, so they must survive the codec
      t.setAccuracy(Float.intBitsToFloat(r.nextInt()));
    }
    return t.build();
  }

  static GdpMetadata metadata(Random r) {
    GdpMetadata.Builder m = GdpMetadata.newBuilder().setData(bytes(r, r.nextInt(400)));
    if (r.nextInt(5) == 0) {
      m.setSig(sig(r));
    }
    return m.build();
  }

  static GdpDatum datum(Random r) {
    GdpDatum.Builder d = GdpDatum.newBuilder().setRecno(longValue(r)).setData(bytes(r, r.nextInt(5) == 0 ? 0 : r.nextInt(600)));
    if (r.nextInt(4) != 0) {
      d.setTs(timestamp(r));
    }
    if (r.nextInt(3) == 0) {
      d.setPrevhash(bytes(r, r.nextBoolean() ? 0 : 32));
    }
    for (int i = r.nextInt(8) == 0 ? 1 + r.nextInt(2) : 0; i > 0; i--) {
      d.addProof(GdpProof.newBuilder().setOffset(longValue(r)).setHash(bytes(r, 32)));
    }
    if (r.nextBoolean()) {
      d.setSig(sig(r));
    }
    return d.build();
  }

  static GdpDatumList datums(Random r) {
    GdpDatumList.Builder l = GdpDatumList.newBuilder();
    for (int i = r.nextInt(4); i > 0; i--) {
      l.addD(datum(r));
    }
    return l.build();
  }
}
