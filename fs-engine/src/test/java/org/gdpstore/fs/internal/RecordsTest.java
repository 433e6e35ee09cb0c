package org.gdpstore.fs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.util.Random;
import org.gdpstore.fs.internal.proto.FileChunk;
import org.gdpstore.fs.internal.proto.FsRecord;
import org.junit.jupiter.api.Test;

/** The hand-encoded chunk record is byte for byte what the generated protobuf code writes. */
class RecordsTest {
  @Test
  void chunkRecordsAreTheGeneratedEncoding() {
    Random rnd = new Random(1);
    long[] offsets = {0, 1, 127, 128, 61_440, 1L << 40, Long.MAX_VALUE};
    int[] lengths = {0, 1, 127, 128, 16_383, 16_384, 61_440};
    for (long offset : offsets) {
      for (int len : lengths) {
        byte[] buf = new byte[len + 7];
        rnd.nextBytes(buf);
        byte[] expected = FsRecord.newBuilder()
            .setChunk(FileChunk.newBuilder().setOffset(offset).setData(ByteString.copyFrom(buf, 3, len)))
            .build().toByteArray();
        ByteBuffer got = Records.chunk(offset, buf, 3, len);
        byte[] bytes = new byte[got.remaining()];
        got.duplicate().get(bytes);
        assertThat(bytes).as("offset %d, %d bytes", offset, len).isEqualTo(expected);
        FsRecord back = Records.parse(got);
        assertThat(back.getChunk().getOffset()).isEqualTo(offset);
        assertThat(back.getChunk().getData()).isEqualTo(ByteString.copyFrom(buf, 3, len));
      }
    }
  }
}
