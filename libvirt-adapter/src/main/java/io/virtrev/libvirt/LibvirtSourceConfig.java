package io.virtrev.libvirt;

import java.time.Duration;

/**
 * How a {@link LibvirtDomainSource} connects. Reconnection after a lost connection waits
 * {@code backoffMin}, doubling after each failed attempt up to {@code backoffMax}; the first attempt
 * after a loss is immediate. Keepalive: libvirt closes the connection after {@code keepaliveCount}
 * unanswered probes sent every {@code keepaliveInterval} (whole seconds; drivers without keepalive,
 * such as {@code test:///default}, ignore it).
 */
public record LibvirtSourceConfig(
    String uri,
    Duration backoffMin,
    Duration backoffMax,
    Duration keepaliveInterval,
    int keepaliveCount) {

  public LibvirtSourceConfig {
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("uri is blank: " + uri);
    }
    if (backoffMin == null || backoffMin.isNegative() || backoffMin.isZero()) {
      throw new IllegalArgumentException("backoffMin <= 0: " + backoffMin);
    }
    if (backoffMax == null || backoffMax.compareTo(backoffMin) < 0) {
      throw new IllegalArgumentException("backoffMax < backoffMin: " + backoffMax);
    }
    if (keepaliveInterval == null || keepaliveInterval.toSeconds() < 1) {
      throw new IllegalArgumentException("keepaliveInterval < 1 s: " + keepaliveInterval);
    }
    if (keepaliveCount < 1) {
      throw new IllegalArgumentException("keepaliveCount < 1: " + keepaliveCount);
    }
  }

  /** 100 ms..5 s backoff, keepalive every 5 s, dead after 3 missed. */
  public static LibvirtSourceConfig defaults(String uri) {
    return new LibvirtSourceConfig(
        uri, Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(5), 3);
  }

  public LibvirtSourceConfig withBackoff(Duration min, Duration max) {
    return new LibvirtSourceConfig(uri, min, max, keepaliveInterval, keepaliveCount);
  }

  public LibvirtSourceConfig withKeepalive(Duration interval, int count) {
    return new LibvirtSourceConfig(uri, backoffMin, backoffMax, interval, count);
  }
}
