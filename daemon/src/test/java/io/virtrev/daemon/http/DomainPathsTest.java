package io.virtrev.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.virtrev.api.ApiException;
import org.junit.jupiter.api.Test;

class DomainPathsTest {

  @Test
  void aNameIsOnePercentEncodedPathSegment() {
    assertThat(DomainPaths.segment("web-1.a_b~")).isEqualTo("web-1.a_b~");
    assertThat(DomainPaths.segment("a b%/?#+\u00fc\u20ac\uD83D\uDE00"))
        .isEqualTo("a%20b%25%2F%3F%23%2B%C3%BC%E2%82%AC%F0%9F%98%80");
  }

  /**
   * The bounds docs/api.md states: ASCII names up to 2,459 characters (the list continue token binds),
   * names of 3-byte characters up to 392 (the percent-encoded path binds).
   */
  @Test
  void theLongestAddressableNames() {
    assertThat(DomainPaths.MAX_ENCODED_NAME).isEqualTo(3530);
    assertThat(longest("n")).isEqualTo(2459);
    assertThat(longest("\u20ac")).isEqualTo(3530 / 9);
    assertThatThrownBy(() -> DomainPaths.checkAddressable("n".repeat(2459 + 1)))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.reason()).isEqualTo(ApiException.Reason.INVALID));
  }

  private static int longest(String unit) {
    int n = 1;
    while (fits(unit.repeat(n + 1))) {
      n++;
    }
    return n;
  }

  private static boolean fits(String name) {
    try {
      DomainPaths.checkAddressable(name);
      return true;
    } catch (ApiException e) {
      return false;
    }
  }
}
