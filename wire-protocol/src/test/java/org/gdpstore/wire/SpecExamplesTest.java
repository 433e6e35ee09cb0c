package org.gdpstore.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.gdpstore.wire.TestChannels.hex;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.gdpstore.wire.TestChannels.ErrorRecorder;
import org.gdpstore.wire.proto.AckContent;
import org.gdpstore.wire.proto.AckEndOfResults;
import org.gdpstore.wire.proto.AckSuccess;
import org.gdpstore.wire.proto.CmdAppend;
import org.gdpstore.wire.proto.CmdOpen;
import org.gdpstore.wire.proto.CmdReadByRecno;
import org.gdpstore.wire.proto.CmdSubscribeByRecno;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpDatumList;
import org.gdpstore.wire.proto.GdpMessage;
import org.gdpstore.wire.proto.GdpSignature;
import org.gdpstore.wire.proto.GdpTimestamp;
import org.gdpstore.wire.proto.NakGeneric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The worked examples of gdp-wire-protocol.md, reproduced byte for byte. */
class SpecExamplesTest {
  private static final long SEC = 1559390400L; // 2019-06-01T12:00:00Z

  /** Spec 5.4: the example metadata. */
  static LogMetadata exampleMetadata() {
    byte[] nonce = new byte[16];
    for (int i = 0; i < 16; i++) {
      nonce[i] = (byte) i;
    }
    return LogMetadata.builder()
        .put(LogMetadata.XID, "example.log")
        .put(LogMetadata.CTM, "2019-06-01T12:00:00.000Z")
        .put(LogMetadata.NON, nonce)
        .put(LogMetadata.CID, "alice@example.com")
        .build();
  }

  private static final GdpName CLIENT = GdpName.sha256("example.client");

  @Test
  void metadataExample54() {
    byte[] expected = hex("""
        0004
        00584944 0000000b
        0043544d 00000018
        004e4f4e 00000010
        00434944 00000011
        6578616d706c652e6c6f67
        323031392d30362d30315431323a30303a30302e3030305a
        000102030405060708090a0b0c0d0e0f
        616c696365406578616d706c652e636f6d
        """);
    LogMetadata md = exampleMetadata();
    assertThat(md.toBytes()).hasSize(102).isEqualTo(expected);
    assertThat(md.logName().toHex()).isEqualTo("5a1d6c334c78c2bc07faf7ef3b3184e9899f50d097bef84c8e2f430bc72b7cd0");
    assertThat(md.logName().printable()).isEqualTo("Wh1sM0x4wrwH-vfvOzGE6YmfUNCXvvhMji9DC8crfNA");
    assertThat(LogMetadata.parse(expected)).isEqualTo(md);
    assertThat(LogMetadata.parse(expected).toBytes()).isEqualTo(expected);
  }

  @Test
  void openRoPduExample16Is83Bytes() {
    GdpName log = exampleMetadata().logName();
    assertThat(CLIENT.toHex()).isEqualTo("83865eaaca80896934e7ac37a20078d8c5ed8d168aabb993e99a65ced15936d9");
    assertThat(CLIENT.printable()).isEqualTo("g4ZeqsqAiWk056w3ogB42MXtjRaKq7mT6ZplztFZNtk");
    GdpMessage open = GdpMessage.newBuilder().setCmd(MsgCode.CMD_OPEN_RO).setRid(1)
        .setCmdOpen(CmdOpen.getDefaultInstance()).build();
    byte[] expected = hex("""
        04 13 00 0f 00000000 0000 0007
        5a1d6c334c78c2bc07faf7ef3b3184e9899f50d097bef84c8e2f430bc72b7cd0
        83865eaaca80896934e7ac37a20078d8c5ed8d168aabb993e99a65ced15936d9
        08 44 10 01 9a 04 00
        """);
    assertThat(expected).hasSize(83);

    ErrorRecorder errors = new ErrorRecorder();
    EmbeddedChannel ch = TestChannels.full(WireLimits.DEFAULT, errors);
    ch.writeOutbound(new GdpEnvelope(log, CLIENT, open));
    assertThat(TestChannels.drainOutbound(ch)).isEqualTo(expected);

    ch.writeInbound(Unpooled.wrappedBuffer(expected));
    GdpEnvelope in = ch.readInbound();
    assertThat(in).isEqualTo(new GdpEnvelope(log, CLIENT, open));
    assertThat(errors.errors).isEmpty();
    assertFalse(ch.finish());
  }

  @Test
  void advertiseExample22AndNoRouteExample24() {
    GdpName log = exampleMetadata().logName();
    byte[] advertise = hex("""
        04 13 40 0f 00000000 0000 0000
        83865eaaca80896934e7ac37a20078d8c5ed8d168aabb993e99a65ced15936d9
        83865eaaca80896934e7ac37a20078d8c5ed8d168aabb993e99a65ced15936d9
        """);
    byte[] noRoute = hex("""
        04 13 80 0f 00000000 0000 0000
        83865eaaca80896934e7ac37a20078d8c5ed8d168aabb993e99a65ced15936d9
        5a1d6c334c78c2bc07faf7ef3b3184e9899f50d097bef84c8e2f430bc72b7cd0
        """);
    ErrorRecorder errors = new ErrorRecorder();
    EmbeddedChannel ch = TestChannels.full(WireLimits.DEFAULT, errors);
    ch.writeOutbound(Pdu.advertise(CLIENT, CLIENT));
    assertThat(TestChannels.drainOutbound(ch)).hasSize(76).isEqualTo(advertise);
    ch.writeOutbound(Pdu.noRoute(CLIENT, log));
    assertThat(TestChannels.drainOutbound(ch)).hasSize(76).isEqualTo(noRoute);
    ch.writeOutbound(Pdu.withdraw(CLIENT, CLIENT));
    byte[] withdraw = advertise.clone();
    withdraw[2] = 0x60;
    assertThat(TestChannels.drainOutbound(ch)).isEqualTo(withdraw);

    ch.writeInbound(Unpooled.wrappedBuffer(advertise, noRoute));
    Pdu adv = ch.readInbound();
    Pdu nak = ch.readInbound();
    try {
      assertThat(adv).isEqualTo(Pdu.advertise(CLIENT, CLIENT));
      assertThat(adv.type()).isEqualTo(PduType.ADVERTISE);
      assertThat(nak.type()).isEqualTo(PduType.NAK_NOROUTE);
      assertThat(nak.src()).as("NOROUTE src = the unroutable name").isEqualTo(log);
      assertThat(nak.dst()).as("NOROUTE dst = the original sender").isEqualTo(CLIENT);
    } finally {
      ReferenceCountUtil.release(adv);
      ReferenceCountUtil.release(nak);
    }
    assertThat(errors.errors).isEmpty();
    assertFalse(ch.finish());
  }

  static GdpTimestamp ts() {
    return GdpTimestamp.newBuilder().setSec(SEC).build();
  }

  static Stream<Arguments> table36() {
    GdpDatum hello = GdpDatum.newBuilder().setRecno(1).setTs(ts()).setData(ByteString.copyFromUtf8("hello")).build();
    GdpDatum stored = hello.toBuilder().setPrevhash(ByteString.EMPTY)
        .setSig(GdpSignature.newBuilder().setSig(ByteString.EMPTY)).build();
    return Stream.of(
        Arguments.of("OPEN_RO rid 1", GdpMessage.newBuilder().setCmd(MsgCode.CMD_OPEN_RO).setRid(1)
            .setCmdOpen(CmdOpen.getDefaultInstance()), "08 44 10 01 9a 04 00"),
        Arguments.of("CLOSE (rid 0)", GdpMessage.newBuilder().setCmd(MsgCode.CMD_CLOSE), "08 46"),
        Arguments.of("READ recno 1 singleton", GdpMessage.newBuilder().setCmd(MsgCode.CMD_READ_BY_RECNO)
            .setCmdReadByRecno(CmdReadByRecno.newBuilder().setRecno(1).setNrecs(0)), "08 48 c2 04 04 08 02 10 00"),
        Arguments.of("SUBSCRIBE rid 7 start 1 nrecs 3", GdpMessage.newBuilder().setCmd(MsgCode.CMD_SUBSCRIBE_BY_RECNO)
            .setRid(7).setCmdSubscribeByRecno(CmdSubscribeByRecno.newBuilder().setStart(1).setNrecs(3)),
            "08 4b 10 07 da 04 04 08 02 10 03"),
        Arguments.of("APPEND recno 1 hello", GdpMessage.newBuilder().setCmd(MsgCode.CMD_APPEND)
            .setCmdAppend(CmdAppend.newBuilder().setDl(GdpDatumList.newBuilder().addD(hello))),
            "08 47 ba 04 15 0a 13 0a 11 08 01 12 06 08 c0 d1 c9 e7 05 2a 05 68 65 6c 6c 6f"),
        Arguments.of("ACK for that append", GdpMessage.newBuilder().setCmd(MsgCode.ACK_SUCCESS)
            .setAckSuccess(AckSuccess.newBuilder().setTs(ts())), "08 80 01 82 08 08 12 06 08 c0 d1 c9 e7 05"),
        Arguments.of("ACK_CONTENT as gdplogd sends it", GdpMessage.newBuilder().setCmd(MsgCode.ACK_CONTENT)
            .setAckContent(AckContent.newBuilder().setDl(GdpDatumList.newBuilder().addD(stored))),
            "08 85 01 aa 08 1b 0a 19 0a 17 08 01 12 06 08 c0 d1 c9 e7 05 1a 00 2a 05 68 65 6c 6c 6f 32 02 0a 00"),
        Arguments.of("NAK_C_NOTFOUND", GdpMessage.newBuilder().setCmd(MsgCode.NAK_C_NOTFOUND)
            .setNak(NakGeneric.newBuilder().setEpStat(EpStat.NAK_NOTFOUND.value()).setRecno(5)),
            "08 c4 01 82 0c 08 08 94 8b b0 a0 0a 18 05"),
        Arguments.of("END_OF_RESULTS rid 7", GdpMessage.newBuilder().setCmd(MsgCode.ACK_END_OF_RESULTS).setRid(7)
            .setAckEndOfResults(AckEndOfResults.newBuilder().setEpStat(EpStat.END_OF_RESULTS.value()).setNresults(3)),
            "08 bf 01 10 07 fa 0b 08 08 87 8a b0 a0 08 18 03"),
        Arguments.of("NAK_C_CONFLICT description x", GdpMessage.newBuilder().setCmd(MsgCode.NAK_C_CONFLICT)
            .setNak(NakGeneric.newBuilder().setDescription("x")), "08 c9 01 82 0c 03 12 01 78"));
  }

  @ParameterizedTest(name = "3.6 {0}")
  @MethodSource("table36")
  void l5EncodingTable36(String label, GdpMessage.Builder message, String hexBytes) throws Exception {
    GdpMessage m = message.build();
    byte[] expected = hex(hexBytes);
    assertThat(m.toByteArray()).isEqualTo(expected);
    var buf = GdpMessages.encode(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, m);
    try {
      byte[] encoded = new byte[buf.readableBytes()];
      buf.getBytes(buf.readerIndex(), encoded);
      assertThat(encoded).isEqualTo(expected);
      assertThat(GdpMessages.parse(buf)).isEqualTo(m);
      assertThat(buf.readableBytes()).as("parse does not consume").isEqualTo(expected.length);
    } finally {
      buf.release();
    }
    assertThat(GdpMessages.parse(expected)).isEqualTo(m);

    // and through the pipeline, as a REGULAR PDU payload
    ErrorRecorder errors = new ErrorRecorder();
    EmbeddedChannel ch = TestChannels.full(WireLimits.DEFAULT, errors);
    GdpName log = exampleMetadata().logName();
    ch.writeOutbound(new GdpEnvelope(log, CLIENT, m));
    byte[] pdu = TestChannels.drainOutbound(ch);
    assertThat(pdu).hasSize(76 + expected.length);
    assertThat(java.util.Arrays.copyOfRange(pdu, 76, pdu.length)).isEqualTo(expected);
    ch.writeInbound(Unpooled.wrappedBuffer(pdu));
    GdpEnvelope env = ch.readInbound();
    assertThat(env.message()).isEqualTo(m);
    assertThat(errors.errors).isEmpty();
    assertFalse(ch.finish());
  }

  @Test
  void twoByteBodyTags36() throws Exception {
    int[] fields = {66, 67, 71, 72, 75, 128, 133, 191, 192};
    String[] tags = {"9204", "9a04", "ba04", "c204", "da04", "8208", "aa08", "fa0b", "820c"};
    for (int i = 0; i < fields.length; i++) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      CodedOutputStream c = CodedOutputStream.newInstance(out);
      c.writeTag(fields[i], 2);
      c.flush();
      assertThat(HexFormat.of().formatHex(out.toByteArray())).isEqualTo(tags[i]);
    }
  }

  @Test
  void creationServiceName42() {
    GdpName svc = GdpName.sha256("edu.berkeley.eecs.gdp.service.creation");
    assertThat(svc.toHex()).isEqualTo("519da84f2b96949fef0e595d67119736b545bf1de652199b5cc29a6807e7b5d2");
    assertThat(svc.printable()).isEqualTo("UZ2oTyuWlJ_vDlldZxGXNrVFvx3mUhmbXMKaaAfntdI");
    assertThat(GdpName.parseOrHash("edu.berkeley.eecs.gdp.service.creation")).isEqualTo(svc);
    assertThat(GdpName.parseOrHash("UZ2oTyuWlJ_vDlldZxGXNrVFvx3mUhmbXMKaaAfntdI")).isEqualTo(svc);
  }

  @Test
  void recordHashExample62() {
    LogMetadata md = exampleMetadata();
    RecordDigest digest = RecordDigest.sha256(md.logName(), md.toBytes());
    byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
    byte[] input = digest.digestInput(1, SEC, 0, 0.0f, null, data);
    assertThat(input).hasSize(190);
    byte[] tail = java.util.Arrays.copyOfRange(input, 32 + 102, input.length);
    assertThat(tail).isEqualTo(hex("""
        0000000000000001 000000005cf268c0 00000000 00000000
        2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824
        """));
    assertThat(java.util.Arrays.copyOfRange(input, 0, 32)).isEqualTo(md.logName().toBytes());
    assertThat(java.util.Arrays.copyOfRange(input, 32, 134)).isEqualTo(md.toBytes());
    byte[] expectedHash = hex("c744803bf4101042a845c80d0121b568f65fbe76967a8019f8ec323209fbf864");
    assertThat(digest.recordHash(1, SEC, 0, 0.0f, null, data)).isEqualTo(expectedHash);
    assertThat(digest.recordHash(1, SEC, 0, 0.0f, new byte[0], data)).as("empty prevhash = none").isEqualTo(expectedHash);
    // the same from the datum of the 3.6 APPEND example, and from gdplogd's returned form
    GdpDatum hello = GdpDatum.newBuilder().setRecno(1).setTs(ts()).setData(ByteString.copyFrom(data)).build();
    assertThat(digest.recordHash(hello)).isEqualTo(expectedHash);
    assertThat(digest.digestInput(hello)).isEqualTo(input);
    GdpDatum stored = hello.toBuilder().setPrevhash(ByteString.EMPTY)
        .setSig(GdpSignature.newBuilder().setSig(ByteString.EMPTY)).build();
    assertThat(digest.recordHash(stored)).isEqualTo(expectedHash);
    // a prevhash, when present, is part of the input
    assertThat(digest.recordHash(1, SEC, 0, 0.0f, new byte[] {1}, data)).isNotEqualTo(expectedHash);
    assertThat(List.of(digest.algorithm())).containsExactly("SHA-256");
  }

  @Test
  void datumWithoutTimestampHashesAsNoTime() {
    LogMetadata md = exampleMetadata();
    RecordDigest digest = RecordDigest.sha256(md.logName(), md.toBytes());
    byte[] data = "x".getBytes(StandardCharsets.UTF_8);
    GdpDatum noTs = GdpDatum.newBuilder().setRecno(2).setData(ByteString.copyFrom(data)).build();
    assertThat(digest.recordHash(noTs))
        .isEqualTo(digest.recordHash(2, RecordDigest.NO_TIME_SEC, 0, 0f, null, data));
  }
}
