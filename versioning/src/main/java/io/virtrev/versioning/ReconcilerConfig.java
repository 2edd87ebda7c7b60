package io.virtrev.versioning;

import java.time.Duration;

/**
 * @param resyncPeriod how often the whole domain list is re-read and diffed (libvirt emits no event
 *     for some XML changes, e.g. {@code virsh setmem --config})
 * @param retryDelay wait before retrying a failed resync (a failed read that was not a lost connection,
 *     or a commit the store could not make); it doubles with each failure in a row, up to
 *     {@code maxRetryDelay}
 * @param maxPendingDomains domains with unprocessed events beyond which events are dropped and a full
 *     resync is scheduled instead (bounds memory under an event storm)
 * @param resyncStep domains a resync reads between two looks at pending events: an event waits for at
 *     most one step of a running resync (a step costs about 2-3 libvirt round trips per domain)
 * @param maxRetryDelay the longest wait between two retries of a failed resync (at least
 *     {@code retryDelay}): how long a store that cannot commit (a full disk) may take to notice that it
 *     can again
 */
public record ReconcilerConfig(Duration resyncPeriod, Duration retryDelay, int maxPendingDomains, int resyncStep,
    Duration maxRetryDelay) {
  public static final int DEFAULT_RESYNC_STEP = 4;
  public static final Duration DEFAULT_MAX_RETRY_DELAY = Duration.ofSeconds(30);

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
    if (maxRetryDelay.compareTo(retryDelay) < 0) {
      throw new IllegalArgumentException("maxRetryDelay " + maxRetryDelay + " < retryDelay " + retryDelay);
    }
  }

  public static ReconcilerConfig defaults() {
    return new ReconcilerConfig(Duration.ofSeconds(30), Duration.ofSeconds(1), 100_000, DEFAULT_RESYNC_STEP,
        DEFAULT_MAX_RETRY_DELAY);
  }

  public ReconcilerConfig withResyncPeriod(Duration d) {
    return new ReconcilerConfig(d, retryDelay, maxPendingDomains, resyncStep, maxRetryDelay);
  }

  public ReconcilerConfig withMaxPendingDomains(int n) {
    return new ReconcilerConfig(resyncPeriod, retryDelay, n, resyncStep, maxRetryDelay);
  }

  public ReconcilerConfig withResyncStep(int n) {
    return new ReconcilerConfig(resyncPeriod, retryDelay, maxPendingDomains, n, maxRetryDelay);
  }

  public ReconcilerConfig withMaxRetryDelay(Duration d) {
    return new ReconcilerConfig(resyncPeriod, retryDelay, maxPendingDomains, resyncStep, d);
  }
}
