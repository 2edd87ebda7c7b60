package io.virtrev.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Ages as apimachinery's HumanDuration writes them: each band of its rules (seconds below 2m, m+s below
 * 10m, ...) and its edges, values worked out from its source.
 */
class HumanDurationTest {
  @Test
  void agesReadAsKubectlShowsThem() {
    assertAge(Duration.ofMillis(-2500), "<invalid>");
    assertAge(Duration.ofMillis(-1500), "0s");
    assertAge(Duration.ofMillis(-500), "0s");
    assertAge(Duration.ofSeconds(1), "1s");
    assertAge(Duration.ofSeconds(119), "119s");
    assertAge(Duration.ofMinutes(2), "2m");
    assertAge(Duration.ofSeconds(5 * 60 + 30), "5m30s");
    assertAge(Duration.ofMinutes(10), "10m");
    assertAge(Duration.ofMinutes(179), "179m");
    assertAge(Duration.ofHours(3), "3h");
    assertAge(Duration.ofMinutes(4 * 60 + 5), "4h5m");
    assertAge(Duration.ofHours(8), "8h");
    assertAge(Duration.ofHours(47), "47h");
    assertAge(Duration.ofHours(48), "2d");
    assertAge(Duration.ofHours(3 * 24 + 4), "3d4h");
    assertAge(Duration.ofDays(8), "8d");
    assertAge(Duration.ofDays(729), "729d");
    assertAge(Duration.ofDays(730), "2y");
    assertAge(Duration.ofDays(760), "2y30d");
    assertAge(Duration.ofDays(365 * 8), "8y");
    assertAge(Duration.ofDays(365 * 9 + 10), "9y");
  }

  private static void assertAge(Duration d, String expected) {
    assertThat(HumanDuration.of(d)).as(d.toString()).isEqualTo(expected);
  }
}
