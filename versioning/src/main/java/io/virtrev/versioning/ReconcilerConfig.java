package io.virtrev.versioning;

import java.time.Duration;

/**
 * @param resyncPeriod how often the whole domain list is re-read and diffed (libvirt emits no event
 *     for some XML changes, e.g. {@code virsh setmem --config})
 * @param retryDelay wait before retrying a failed read that was not a lost connection
 * @param maxPendingDomains domains with unprocessed events beyond which events are dropped and a full
 *     resync is scheduled instead (bounds memory under an event storm)
 */
public record ReconcilerConfig(Duration resyncPeriod, Duration retryDelay, int maxPendingDomains) {
  public ReconcilerConfig {
    if (resyncPeriod.isNegative() || resyncPeriod.isZero()) {
      throw new IllegalArgumentException("resyncPeriod must be positive: " + resyncPeriod);
    }
    if (retryDelay.isNegative()) {
      throw new IllegalArgumentException("retryDelay < 0: " + retryDelay);
    }
    if (maxPendingDomains < 1) {
      throw new IllegalArgumentException("maxPendingDomains < 1: " + maxPendingDomains);
    }
  }

  public static ReconcilerConfig defaults() {
    return new ReconcilerConfig(Duration.ofSeconds(30), Duration.ofSeconds(1), 100_000);
  }

  public ReconcilerConfig withResyncPeriod(Duration d) {
    return new ReconcilerConfig(d, retryDelay, maxPendingDomains);
  }

  public ReconcilerConfig withMaxPendingDomains(int n) {
    return new ReconcilerConfig(resyncPeriod, retryDelay, n);
  }
}
