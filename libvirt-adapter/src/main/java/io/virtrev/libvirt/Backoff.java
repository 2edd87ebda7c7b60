package io.virtrev.libvirt;

import java.time.Duration;

/** Capped exponential delay. Not thread-safe: owned by the connector thread. */
final class Backoff {
  private final Duration min;
  private final Duration max;
  private Duration next;

  Backoff(Duration min, Duration max) {
    this.min = min;
    this.max = max;
    this.next = min;
  }

  /** The delay to wait now; the following call returns twice as much, at most {@code max}. */
  Duration next() {
    Duration now = next;
    Duration doubled = next.multipliedBy(2);
    next = doubled.compareTo(max) > 0 ? max : doubled;
    return now;
  }

  void reset() {
    next = min;
  }
}
