package org.gdpstore.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Message codes and their classes (spec 3.3). */
class MsgCodeTest {
  @Test
  void classesPartitionTheCodeSpace() {
    for (int c = 0; c <= 255; c++) {
      assertThat(MsgCode.isCommand(c)).as("%d", c).isEqualTo(c < 128);
      assertThat(MsgCode.isResponse(c)).as("%d", c).isEqualTo(c >= 128);
      assertThat(MsgCode.isBlindCommand(c)).as("%d", c).isEqualTo(c < 64);
      assertThat(MsgCode.needsAck(c)).as("%d", c).isEqualTo(c >= 64 && c < 128);
      assertThat(MsgCode.isAck(c)).as("%d", c).isEqualTo(c >= 128 && c <= 191);
      assertThat(MsgCode.isNak(c)).as("%d", c).isEqualTo(c >= 192 && c <= 254);
      assertThat(MsgCode.isClientNak(c)).as("%d", c).isEqualTo(c >= 192 && c <= 223);
      assertThat(MsgCode.isServerNak(c)).as("%d", c).isEqualTo(c >= 224 && c <= 239);
      assertThat(MsgCode.isRoutingNak(c)).as("%d", c).isEqualTo(c >= 240 && c <= 254);
      int classes = (MsgCode.isCommand(c) ? 1 : 0) + (MsgCode.isAck(c) ? 1 : 0) + (MsgCode.isNak(c) ? 1 : 0);
      assertThat(classes).as("%d is in exactly one class (255 is reserved)", c).isEqualTo(c == 255 ? 0 : 1);
    }
    assertThat(MsgCode.isCommand(-1)).isFalse();
    assertThat(MsgCode.isResponse(256)).isFalse();
  }

  @Test
  void namesOfTheTable() {
    assertThat(MsgCode.name(68)).isEqualTo("CMD_OPEN_RO");
    assertThat(MsgCode.name(133)).isEqualTo("ACK_CONTENT");
    assertThat(MsgCode.name(191)).isEqualTo("ACK_END_OF_RESULTS");
    assertThat(MsgCode.name(198)).isEqualTo("NAK_C_NOTACCEPTABLE");
    assertThat(MsgCode.name(201)).isEqualTo("NAK_C_CONFLICT");
    assertThat(MsgCode.name(239)).isEqualTo("NAK_S_LOST_SUBSCR");
    assertThat(MsgCode.name(240)).isEqualTo("NAK_R_NOROUTE");
    assertThat(MsgCode.name(238)).isEqualTo("UNKNOWN(238)");
    assertThat(MsgCode.isKnown(238)).isFalse();
    assertThat(MsgCode.isKnown(MsgCode.CMD_DELETE)).isTrue();
    int[] known = {0, 1, 2, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 127,
        128, 129, 130, 131, 132, 133, 191, 192, 193, 194, 195, 196, 197, 198, 201, 202, 204, 205, 207, 222, 223,
        224, 225, 226, 227, 228, 229, 239, 240};
    int count = 0;
    for (int c = 0; c <= 255; c++) {
      if (MsgCode.isKnown(c)) {
        count++;
      }
    }
    assertThat(count).isEqualTo(known.length);
    for (int c : known) {
      assertThat(MsgCode.isKnown(c)).as("%d", c).isTrue();
    }
  }
}
