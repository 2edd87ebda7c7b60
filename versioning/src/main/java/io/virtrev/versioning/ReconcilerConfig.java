package io.virtrev.versioning;

import java.time.Duration;

/**
 * @param resyncPeriod how often the whole domain list is re-read and diffed (libvirt emits no event
 *     for some XML changes, e.g. {@code virsh setmem --config})
 * @param retryDelay wait before retrying a failed read that was not a lost connection
 * @param maxPendingDomains domains with unprocessed events beyond which events are dropped and a full
 *     resync is scheduled instead (bounds memory under an event storm)
 * @param resyncStep domains a resync reads between two looks at pending events: an event waits for at
 *     most one step of a running resync (a step costs about 2-3 libvirt round trips per domain)
 */
public record ReconcilerConfig(Duration resyncPeriod, Duration retryDelay, int maxPendingDomains, int resyncStep) {
  public static final int DEFAULT_RESYNC_STEP = 4;

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
    if (resyncStep < 1) {
      throw new IllegalArgumentException("resyncStep < 1: " + resyncStep);
    }
  }

  public static ReconcilerConfig defaults() {
    return new ReconcilerConfig(Duration.ofSeconds(30), Duration.ofSeconds(1), 100_000, DEFAULT_RESYNC_STEP);
  }

  public ReconcilerConfig withResyncPeriod(Duration d) {
    return new ReconcilerConfig(d, retryDelay, maxPendingDomains, resyncStep);
  }

  public ReconcilerConfig withMaxPendingDomains(int n) {
    return new ReconcilerConfig(resyncPeriod, retryDelay, n, resyncStep);
  }

  public ReconcilerConfig withResyncStep(int n) {
    return new ReconcilerConfig(resyncPeriod, retryDelay, maxPendingDomains, n);
  }
}
