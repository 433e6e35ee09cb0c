package org.gdpstore.wire;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.gdpstore.wire.proto.GdpMessage;

/**
 * Layer-5 encoding and decoding of {@link GdpMessage} (spec 3.2). Parsing is partial, so a
 * message that lacks a required field is reported with the field's name instead of a generic
 * protobuf error; unknown codes parse because {@code cmd} is a uint32. Stateless and thread-safe.
 */
public final class GdpMessages {
  private GdpMessages() {}

  /**
   * Parses a payload without consuming or releasing it.
   *
   * @throws InvalidProtocolBufferException if it is not protobuf or a required field is missing
   */
  public static GdpMessage parse(ByteBuf payload) throws InvalidProtocolBufferException {
    CodedInputStream in;
    if (payload.hasArray()) {
      in = CodedInputStream.newInstance(payload.array(), payload.arrayOffset() + payload.readerIndex(),
          payload.readableBytes());
    } else {
      in = CodedInputStream.newInstance(payload.nioBuffer());
    }
    GdpMessage msg = GdpMessage.parser().parsePartialFrom(in);
    in.checkLastTagWas(0);
    return requireComplete(msg);
  }

  /** Parses a byte array (see {@link #parse(ByteBuf)}). */
  public static GdpMessage parse(byte[] payload) throws InvalidProtocolBufferException {
    GdpMessage msg = GdpMessage.parser().parsePartialFrom(payload);
    return requireComplete(msg);
  }

  /**
   * Serializes a message into a new buffer from {@code alloc}; the caller owns it.
   *
   * @throws IllegalArgumentException if a required field is missing (the reference would drop it)
   */
  public static ByteBuf encode(ByteBufAllocator alloc, GdpMessage msg) {
    if (!msg.isInitialized()) {
      throw new IllegalArgumentException(missingFields(msg));
    }
    int size = msg.getSerializedSize();
    if (size > PduHeader.MAX_PAYLOAD_LENGTH) {
      throw new IllegalArgumentException("GdpMessage of " + size + " bytes exceeds the 65535-byte PDU payload");
    }
    ByteBuf buf = alloc.heapBuffer(size, size);
    if (buf.hasArray()) {
      // straight into the buffer's array: no stream and no 4 KiB staging buffer per message
      try {
        com.google.protobuf.CodedOutputStream cos = com.google.protobuf.CodedOutputStream.newInstance(
            buf.array(), buf.arrayOffset() + buf.writerIndex(), size);
        msg.writeTo(cos);
        cos.checkNoSpaceLeft();
      } catch (IOException | RuntimeException e) {
        buf.release();
        throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
      }
      return buf.writerIndex(buf.writerIndex() + size);
    }
    try (ByteBufOutputStream out = new ByteBufOutputStream(buf)) {
      msg.writeTo(out);
    } catch (IOException e) {
      buf.release();
      throw new UncheckedIOException(e);
    }
    return buf;
  }

  /** Best effort: the rid of a payload that did not parse, or 0. */
  static int salvageRid(ByteBuf payload) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(payload.nioBuffer());
      int tag;
      while ((tag = in.readTag()) != 0) {
        if (tag == (2 << 3)) {
          return in.readUInt32();
        }
        if (!in.skipField(tag)) {
          return 0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // nothing to salvage
    }
    return 0;
  }

  private static GdpMessage requireComplete(GdpMessage msg) throws InvalidProtocolBufferException {
    if (!msg.isInitialized()) {
      throw new InvalidProtocolBufferException(missingFields(msg));
    }
    return msg;
  }

  private static String missingFields(GdpMessage msg) {
    return "GdpMessage lacks required fields: " + String.join(", ", msg.findInitializationErrors());
  }
}
