package org.gdpstore.fs.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** TensorFlow's glob grammar on single path components. */
class GlobTest {
  @ParameterizedTest(name = "''{0}'' ~ ''{1}'' = {2}")
  @CsvSource(delimiter = '|', value = {
      "*|abc|true",
      "*|''|true",
      "a*b|ab|true",
      "a*b|axxb|true",
      "a*b|axxbc|false",
      "a?c|abc|true",
      "a?c|ac|false",
      "??|ab|true",
      "[abc]|b|true",
      "[abc]|d|false",
      "[a-c]x|bx|true",
      "[a-c]|d|false",
      "[^a]|a|false",
      "[^a]|b|true",
      "[!a]|b|true",
      "\\*|*|true",
      "\\*|a|false",
      "\\?|?|true",
      "\\[x]|[x]|true",
      "[]]|]|true",
      "[\\]]|]|true",
      "*.txt|a.txt|true",
      "*.txt|a.txt.bak|false",
      "*a*b*|xxaxxbxx|true",
      "*a*b*|xxbxxaxx|false",
      "abc|abc|true",
      "abc|abcd|false",
  })
  void matches(String pattern, String name, boolean expected) {
    assertThat(Glob.matches(pattern, name)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"'[abc'", "'abc\\'", "'[^'"})
  void malformedPatternsAreRefused(String pattern) {
    assertThatThrownBy(() -> Glob.validate(pattern)).isInstanceOf(IllegalArgumentException.class);
  }

  @org.junit.jupiter.api.Test
  void componentsAndEscapes() {
    assertThat(Glob.components("/a//b*/[/]c")).containsExactly("a", "b*", "[/]c");
    assertThat(Glob.hasWildcard("a\\*b")).isFalse();
    assertThat(Glob.hasWildcard("a[b]")).isTrue();
    assertThat(Glob.unescape("a\\*b")).isEqualTo("a*b");
  }
}
