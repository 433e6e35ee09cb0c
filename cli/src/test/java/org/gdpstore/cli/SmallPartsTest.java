package org.gdpstore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Parsers and formatters: remote paths, --at, HOST:PORT, sizes. */
class SmallPartsTest {
  @Test
  void remotePathsAreNormalized() {
    assertThat(RemotePath.parse("gdp://fs")).isEqualTo(new RemotePath("fs", "/"));
    assertThat(RemotePath.parse("gdp://fs/")).isEqualTo(new RemotePath("fs", "/"));
    assertThat(RemotePath.parse("gdp://fs//a/./b/../c/")).isEqualTo(new RemotePath("fs", "/a/c"));
    assertThat(RemotePath.parse("gdp://fs/a/b").fileName()).isEqualTo("b");
    assertThat(RemotePath.parse("gdp://fs/a").resolve("x/y").toString()).isEqualTo("gdp://fs/a/x/y");
  }

  @Test
  void badRemotePathsAreUsageErrors() {
    for (String bad : new String[] {"/local/file", "gdp:///a", "gdp://fs/../x", "gdp://fs/a\0b", "gdp://fs/" + "n".repeat(256)}) {
      assertThatThrownBy(() -> RemotePath.parse(bad)).as(bad)
          .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE));
    }
  }

  @Test
  void atTakesRecordNumbersAndTimes() {
    assertThat(At.parse("42", ZoneOffset.UTC)).isEqualTo(new At(42, null));
    assertThat(At.parse("2026-11-22T02:00:00Z", ZoneOffset.UTC).time()).isEqualTo(Instant.parse("2026-11-22T02:00:00Z"));
    assertThat(At.parse("2026-11-22 03:00:00", ZoneOffset.ofHours(1)).time()).isEqualTo(Instant.parse("2026-11-22T02:00:00Z"));
    assertThat(At.parse("2026-11-22", ZoneOffset.UTC).time()).isEqualTo(Instant.parse("2026-11-22T00:00:00Z"));
    assertThatThrownBy(() -> At.parse("yesterday", ZoneOffset.UTC)).isInstanceOf(CliException.class)
        .hasMessageContaining("bad --at 'yesterday'");
  }

  @Test
  void hostPort() {
    assertThat(HostPort.parse("--router", "127.0.0.1:8009").getPort()).isEqualTo(8009);
    assertThat(HostPort.parse("--router", "[::1]:0").getHostString()).isEqualTo("::1");
    for (String bad : new String[] {"nonsense", ":80", "host:", "host:99999", "a:b:c", "h:x"}) {
      assertThatThrownBy(() -> HostPort.parse("--router", bad)).as(bad)
          .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE));
    }
  }

  @Test
  void humanSizes() {
    assertThat(Sizes.human(0)).isEqualTo("0 B");
    assertThat(Sizes.human(1023)).isEqualTo("1023 B");
    assertThat(Sizes.human(1024)).isEqualTo("1.0 KiB");
    assertThat(Sizes.human(1536)).isEqualTo("1.5 KiB");
    assertThat(Sizes.human(1024 * 1024 - 1)).isEqualTo("1.0 MiB");
    assertThat(Sizes.human(64L << 20)).isEqualTo("64.0 MiB");
    assertThat(Sizes.human(Long.MAX_VALUE)).endsWith("EiB");
  }
}
