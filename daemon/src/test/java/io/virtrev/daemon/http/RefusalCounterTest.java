package io.virtrev.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RefusalCounterTest {
  @Test
  void theFirstRefusalPerClientPerIntervalIsAdmittedAndClientsPastTheLimitShareOneKey() {
    RefusalCounter c = new RefusalCounter(2);
    assertThat(c.admit("a")).isTrue();
    assertThat(c.admit("a")).isFalse();
    assertThat(c.admit("b")).isTrue();
    assertThat(c.admit("c")).as("the first past the limit, under the shared key").isTrue();
    assertThat(c.admit("d")).isFalse();
    assertThat(c.admit("a")).as("a known client keeps its own count").isFalse();
    assertThat(c.drain()).isEqualTo(Map.of("a", 3L, "b", 1L, RefusalCounter.OTHERS, 2L));
    assertThat(c.drain()).as("a new interval").isEmpty();
    assertThat(c.admit("a")).isTrue();
  }
}
