package org.gdpstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.gdpstore.home.HomeConnection;
import org.junit.jupiter.api.Test;

/** Which command lines open their connection early, and with what options (the rest open their own). */
class EarlyConnectionTest {
  private static HomeConnection.Options guess(String... args) {
    return EarlyConnection.guess(args, Duration.ofSeconds(10), "t");
  }

  @Test
  void commandsThatUseAStoreOpenItEarlyWithTheGlobalOptionsAnywhereOnTheLine() {
    assertThat(guess("ls", "gdp://fs/")).isEqualTo(new HomeConnection.Options(null, null, false, Duration.ofSeconds(10), "t"));
    assertThat(guess("--router", "h:1", "kv", "get", "fs", "k").router()).isEqualTo("h:1");
    HomeConnection.Options o = guess("logs", "read", "l", "--router", "h:2", "--server-name", "s", "--reference");
    assertThat(o.router()).isEqualTo("h:2");
    assertThat(o.serverName()).isEqualTo("s");
    assertThat(o.reference()).isTrue();
  }

  @Test
  void helpVersionOtherCommandsAndUnreadSpellingsDoNot() {
    assertThat(guess()).isNull();
    assertThat(guess("--version")).isNull();
    assertThat(guess("ls", "--help")).isNull();
    assertThat(guess("help", "ls")).isNull();
    assertThat(guess("keygen", "k")).isNull();
    assertThat(guess("sim", "serve")).isNull();
    assertThat(guess("nosuch")).isNull();
    assertThat(guess("ls", "--router=h:1")).isNull();
    assertThat(guess("ls", "--router")).isNull();
    assertThat(guess("--reference", "ls")).as("a usage error, reported by the command").isNull();
  }

  @Test
  void argumentsAfterDoubleDashAreNotOptions() {
    assertThat(guess("put", "x", "--", "--router").router()).isNull();
  }
}
