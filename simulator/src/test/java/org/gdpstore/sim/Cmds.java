package org.gdpstore.sim;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;
import org.gdpstore.wire.LogMetadata;
import org.gdpstore.wire.MsgCode;
import org.gdpstore.wire.RecordDigest;
import org.gdpstore.wire.proto.CmdAppend;
import org.gdpstore.wire.proto.CmdCreate;
import org.gdpstore.wire.proto.CmdOpen;
import org.gdpstore.wire.proto.CmdReadByHash;
import org.gdpstore.wire.proto.CmdReadByRecno;
import org.gdpstore.wire.proto.CmdReadByTs;
import org.gdpstore.wire.proto.CmdSubscribeByRecno;
import org.gdpstore.wire.proto.CmdSubscribeByTs;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpDatumList;
import org.gdpstore.wire.proto.GdpMessage;
import org.gdpstore.wire.proto.GdpMetadata;
import org.gdpstore.wire.proto.GdpSignature;
import org.gdpstore.wire.proto.GdpTimestamp;

/** Command builders for tests. */
final class Cmds {
  private Cmds() {}

  static LogMetadata metadata(String xid) {
    return LogMetadata.builder().put(LogMetadata.XID, xid).put(LogMetadata.CTM, "2026-11-22T00:00:00.000Z").build();
  }

  static LogMetadata signedMetadata(String xid, Ed25519Keys keys) {
    return LogMetadata.builder().put(LogMetadata.XID, xid).put(LogMetadata.OPK, keys.keyEntry()).build();
  }

  static GdpMessage create(LogMetadata md) {
    return GdpMessage.newBuilder().setCmd(MsgCode.CMD_CREATE).setCmdCreate(CmdCreate.newBuilder()
        .setMetadata(GdpMetadata.newBuilder().setData(ByteString.copyFrom(md.toBytes())))
        .setLogname(ByteString.copyFrom(md.logName().toBytes()))).build();
  }

  static GdpMessage open(int code, int rid) {
    return GdpMessage.newBuilder().setCmd(code).setRid(rid).setCmdOpen(CmdOpen.getDefaultInstance()).build();
  }

  static GdpMessage bodiless(int code, int rid) {
    GdpMessage.Builder b = GdpMessage.newBuilder().setCmd(code);
    if (rid != 0) {
      b.setRid(rid);
    }
    return b.build();
  }

  static GdpDatum datum(long recno, String data) {
    return GdpDatum.newBuilder().setRecno(recno).setTs(GdpTimestamp.newBuilder().setSec(1_700_000_000L + recno))
        .setData(ByteString.copyFrom(data, StandardCharsets.UTF_8)).build();
  }

  static GdpDatum signed(GdpDatum d, LogMetadata md, Ed25519Keys keys) {
    byte[] hash = RecordDigest.sha256(md.logName(), md.toBytes()).recordHash(d);
    return d.toBuilder().setSig(GdpSignature.newBuilder().setSig(ByteString.copyFrom(keys.sign(hash)))).build();
  }

  static GdpMessage append(int rid, GdpDatum... ds) {
    GdpDatumList.Builder dl = GdpDatumList.newBuilder();
    for (GdpDatum d : ds) {
      dl.addD(d);
    }
    GdpMessage.Builder b = GdpMessage.newBuilder().setCmd(MsgCode.CMD_APPEND).setCmdAppend(CmdAppend.newBuilder().setDl(dl));
    if (rid != 0) {
      b.setRid(rid);
    }
    return b.build();
  }

  static GdpMessage read(int rid, long recno, Integer nrecs) {
    CmdReadByRecno.Builder r = CmdReadByRecno.newBuilder().setRecno(recno);
    if (nrecs != null) {
      r.setNrecs(nrecs);
    }
    GdpMessage.Builder b = GdpMessage.newBuilder().setCmd(MsgCode.CMD_READ_BY_RECNO).setCmdReadByRecno(r);
    if (rid != 0) {
      b.setRid(rid);
    }
    return b.build();
  }

  static GdpMessage readByTs(int rid, long sec, Integer nrecs) {
    CmdReadByTs.Builder r = CmdReadByTs.newBuilder().setTimestamp(GdpTimestamp.newBuilder().setSec(sec));
    if (nrecs != null) {
      r.setNrecs(nrecs);
    }
    return GdpMessage.newBuilder().setCmd(MsgCode.CMD_READ_BY_TS).setRid(rid).setCmdReadByTs(r).build();
  }

  static GdpMessage readByHash(int rid, byte[] hash) {
    return GdpMessage.newBuilder().setCmd(MsgCode.CMD_READ_BY_HASH).setRid(rid)
        .setCmdReadByHash(CmdReadByHash.newBuilder().setHash(ByteString.copyFrom(hash))).build();
  }

  static GdpMessage subscribe(int rid, Long start, Integer nrecs) {
    CmdSubscribeByRecno.Builder s = CmdSubscribeByRecno.newBuilder();
    if (start != null) {
      s.setStart(start);
    }
    if (nrecs != null) {
      s.setNrecs(nrecs);
    }
    return GdpMessage.newBuilder().setCmd(MsgCode.CMD_SUBSCRIBE_BY_RECNO).setRid(rid).setCmdSubscribeByRecno(s).build();
  }

  static GdpMessage subscribeByTs(int rid, long sec, int nrecs) {
    return GdpMessage.newBuilder().setCmd(MsgCode.CMD_SUBSCRIBE_BY_TS).setRid(rid).setCmdSubscribeByTs(
        CmdSubscribeByTs.newBuilder().setTimestamp(GdpTimestamp.newBuilder().setSec(sec)).setNrecs(nrecs)).build();
  }

  static String data(GdpMessage ackContent) {
    return ackContent.getAckContent().getDl().getD(0).getData().toStringUtf8();
  }

  static long recno(GdpMessage ackContent) {
    return ackContent.getAckContent().getDl().getD(0).getRecno();
  }

  static GdpName name(LogMetadata md) {
    return md.logName();
  }
}
