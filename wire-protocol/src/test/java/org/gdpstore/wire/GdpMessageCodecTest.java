package org.gdpstore.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.gdpstore.wire.TestChannels.hex;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import org.gdpstore.wire.TestChannels.ErrorRecorder;
import org.gdpstore.wire.proto.CmdAppend;
import org.gdpstore.wire.proto.GdpDatum;
import org.gdpstore.wire.proto.GdpDatumList;
import org.gdpstore.wire.proto.GdpMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Layer 5: bad payloads are typed errors that keep the connection; unknown codes survive. */
class GdpMessageCodecTest {
  private static final GdpName LOG = GdpName.sha256("log");
  private static final GdpName CLIENT = GdpName.sha256("client");

  private static byte[] regular(byte[] payload) {
    return PduDecoderTest.pduBytes(PduHeader.of(PduType.REGULAR, LOG, CLIENT), payload);
  }

  @ParameterizedTest(name = "payload {0}")
  @ValueSource(strings = {
      "10 05",                    // rid 5 but no cmd (required)
      "ff",                       // truncated varint tag
      "08",                       // tag without value
      "08 47 ba 04 05 0a 03",     // APPEND body cut short
      "08 47 10 05 ba 04 02 0a 00", // control: APPEND with an empty datum list is valid
      "0c",                       // top-level END_GROUP
      "08 47 ba 04 06 0a 04 0a 02 08 01", // datum without data (required)
      "0f 00",                    // wire type 7 is invalid
  })
  void malformedPayloadIsATypedErrorAndTheConnectionStaysUp(String payloadHex) {
    byte[] payload = hex(payloadHex);
    ErrorRecorder errors = new ErrorRecorder();
    EmbeddedChannel ch = TestChannels.full(WireLimits.DEFAULT, errors);
    ch.writeInbound(Unpooled.wrappedBuffer(regular(payload), regular(hex("08 46"))));
    boolean valid;
    try {
      GdpMessages.parse(payload);
      valid = true;
    } catch (InvalidProtocolBufferException e) {
      valid = false;
    }
    if (valid) {
      // "08 47 10 05 ba 04 02 0a 00": an APPEND with an empty datum list is valid protobuf
      GdpEnvelope env = ch.readInbound();
      assertThat(env.rid()).isEqualTo(5);
      assertThat(errors.errors).isEmpty();
    } else {
      assertThat(errors.errors).singleElement().isInstanceOfSatisfying(GdpMessageException.class, e -> {
        assertThat(e.src()).isEqualTo(CLIENT);
        assertThat(e.dst()).isEqualTo(LOG);
        assertThat(e.getMessage()).contains("malformed GdpMessage");
        if (payloadHex.equals("10 05")) {
          assertThat(e.rid()).as("rid salvaged").isEqualTo(5);
          assertThat(e.getMessage()).contains("cmd");
        }
      });
    }
    // the next PDU on the same connection is fine
    GdpEnvelope next = ch.readInbound();
    assertThat(next.cmd()).isEqualTo(MsgCode.CMD_CLOSE);
    assertThat(ch.isOpen()).isTrue();
    assertFalse(ch.finish());
  }

  @ParameterizedTest(name = "code {0}")
  @ValueSource(ints = {198, 238, 255, 3, 80, 127, 1000, Integer.MAX_VALUE})
  void unknownCodesSurviveParsingAndReencoding(int code) throws Exception {
    GdpMessage m = GdpMessage.newBuilder().setCmd(code).setRid(9).build();
    assertThat(GdpMessages.parse(m.toByteArray())).isEqualTo(m);
    ErrorRecorder errors = new ErrorRecorder();
    EmbeddedChannel ch = TestChannels.full(WireLimits.DEFAULT, errors);
    ch.writeInbound(Unpooled.wrappedBuffer(regular(m.toByteArray())));
    GdpEnvelope env = ch.readInbound();
    assertThat(env.cmd()).isEqualTo(code);
    assertThat(env.toString()).contains(MsgCode.isKnown(code) ? MsgCode.name(code) : "UNKNOWN(" + code + ")");
    ch.writeOutbound(env);
    assertThat(TestChannels.drainOutbound(ch)).isEqualTo(regular(m.toByteArray()));
    assertThat(errors.errors).isEmpty();
    assertFalse(ch.finish());
  }

  @Test
  void unknownFieldsArePreserved() throws Exception {
    // field 99 (varint) is not in our schema
    byte[] payload = hex("08 46 98 06 2a");
    GdpMessage m = GdpMessages.parse(payload);
    assertThat(m.getCmd()).isEqualTo(MsgCode.CMD_CLOSE);
    assertThat(m.getUnknownFields().hasField(99)).isTrue();
    assertThat(m.toByteArray()).isEqualTo(payload);
  }

  @Test
  void fieldsInAnyOrderAreAccepted() throws Exception {
    // rid before cmd
    assertThat(GdpMessages.parse(hex("10 01 08 44 9a 04 00")))
        .isEqualTo(GdpMessages.parse(hex("08 44 10 01 9a 04 00")));
  }

  @Test
  void sendingAMessageThatLacksARequiredFieldFailsTheWrite() {
    GdpDatumList dl = GdpDatumList.newBuilder().addD(GdpDatum.newBuilder().setRecno(1).buildPartial()).buildPartial();
    GdpMessage noData = GdpMessage.newBuilder().setCmd(MsgCode.CMD_APPEND)
        .setCmdAppend(CmdAppend.newBuilder().setDl(dl).buildPartial()).buildPartial();
    ErrorRecorder errors = new ErrorRecorder();
    EmbeddedChannel ch = TestChannels.full(WireLimits.DEFAULT, errors);
    ChannelFuture f = ch.writeAndFlush(new GdpEnvelope(LOG, CLIENT, noData));
    assertThat(f.isSuccess()).isFalse();
    assertThat(f.cause()).isInstanceOf(EncoderException.class).hasRootCauseInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("data");
    assertThat(ch.outboundMessages()).isEmpty();
    assertFalse(ch.finish());
  }

  @Test
  void aMessageOverThePayloadLimitIsRefused() {
    GdpMessage big = GdpMessage.newBuilder().setCmd(MsgCode.CMD_APPEND)
        .setCmdAppend(CmdAppend.newBuilder().setDl(GdpDatumList.newBuilder()
            .addD(GdpDatum.newBuilder().setRecno(1).setData(ByteString.copyFrom(new byte[65535]))))).build();
    assertThatThrownBy(() -> GdpMessages.encode(UnpooledByteBufAllocator.DEFAULT, big))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65535");
  }

  @Test
  void parseReadsWithoutConsumingFromHeapAndDirectBuffers() throws Exception {
    byte[] payload = hex("08 4b 10 07 da 04 04 08 02 10 03");
    ByteBuf direct = Unpooled.directBuffer().writeBytes(new byte[] {1, 2}).writeBytes(payload);
    direct.skipBytes(2);
    ByteBuf heap = Unpooled.buffer().writeBytes(new byte[] {1, 2, 3}).writeBytes(payload);
    heap.skipBytes(3);
    try {
      assertThat(GdpMessages.parse(direct)).isEqualTo(GdpMessages.parse(payload));
      assertThat(GdpMessages.parse(heap)).isEqualTo(GdpMessages.parse(payload));
      assertThat(direct.readableBytes()).isEqualTo(payload.length);
      assertThat(heap.readableBytes()).isEqualTo(payload.length);
    } finally {
      direct.release();
      heap.release();
    }
  }

  @Test
  void envelopeReplySwapsAddresses() {
    GdpEnvelope cmd = new GdpEnvelope(LOG, CLIENT, GdpMessage.newBuilder().setCmd(MsgCode.CMD_CLOSE).setRid(4).build());
    GdpEnvelope ack = cmd.reply(GdpMessage.newBuilder().setCmd(MsgCode.ACK_SUCCESS).setRid(4).build());
    assertThat(ack.dst()).isEqualTo(CLIENT);
    assertThat(ack.src()).isEqualTo(LOG);
    assertThat(ack.toString()).contains("ACK_SUCCESS", "rid=4");
    assertThatThrownBy(() -> new GdpEnvelope(null, CLIENT, cmd.message())).isInstanceOf(NullPointerException.class);
  }
}
