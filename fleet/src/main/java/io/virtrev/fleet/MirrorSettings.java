package io.virtrev.fleet;

import java.time.Duration;
import java.util.Objects;

/**
 * How a host mirrors into etcd ({@link FleetMirror}). Immutable; checked when made.
 *
 * @param host the host's fleet name (a DNS label, {@link FleetKeys#checkHost})
 * @param apiUrl the host's API address as the gateway reaches it ({@code https://host:8474}), registered
 * @param version this virtrevd's version, registered
 * @param leaseTtl the registration's lease TTL: the registration disappears this long after the host stops
 *     (etcd counts whole seconds, at least 1)
 * @param callTimeout the bound of each etcd call the mirror waits for
 * @param maxBackoff the longest wait between retries after a failure; the wait starts at 100 ms and doubles
 * @param historyBatch most host revisions read from the store's history at once (each is still its own txn)
 */
public record MirrorSettings(String host, String apiUrl, String version, Duration leaseTtl, Duration callTimeout,
    Duration maxBackoff, int historyBatch) {
  public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(15);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);
  public static final int DEFAULT_HISTORY_BATCH = 1000;
  /** The first wait after a failure. */
  static final Duration MIN_BACKOFF = Duration.ofMillis(100);

  public MirrorSettings {
    FleetKeys.checkHost(host);
    Objects.requireNonNull(apiUrl, "apiUrl");
    Objects.requireNonNull(version, "version");
    if (leaseTtl.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("fleet lease TTL must be at least 1s, got " + leaseTtl);
    }
    if (callTimeout.isNegative() || callTimeout.isZero()) {
      throw new IllegalArgumentException("etcd call timeout must be positive, got " + callTimeout);
    }
    if (maxBackoff.compareTo(MIN_BACKOFF) < 0) {
      throw new IllegalArgumentException("mirror max backoff must be at least " + MIN_BACKOFF + ", got " + maxBackoff);
    }
    if (historyBatch < 1) {
      throw new IllegalArgumentException("mirror history batch < 1: " + historyBatch);
    }
  }

  /** The defaults for {@code host}. */
  public static MirrorSettings of(String host, String apiUrl, String version) {
    return new MirrorSettings(host, apiUrl, version, DEFAULT_LEASE_TTL, EtcdSettings.DEFAULT_CALL_TIMEOUT,
        DEFAULT_MAX_BACKOFF, DEFAULT_HISTORY_BATCH);
  }

  public MirrorSettings withLeaseTtl(Duration ttl) {
    return new MirrorSettings(host, apiUrl, version, ttl, callTimeout, maxBackoff, historyBatch);
  }

  public MirrorSettings withCallTimeout(Duration t) {
    return new MirrorSettings(host, apiUrl, version, leaseTtl, t, maxBackoff, historyBatch);
  }

  public MirrorSettings withMaxBackoff(Duration b) {
    return new MirrorSettings(host, apiUrl, version, leaseTtl, callTimeout, b, historyBatch);
  }

  public MirrorSettings withHistoryBatch(int n) {
    return new MirrorSettings(host, apiUrl, version, leaseTtl, callTimeout, maxBackoff, n);
  }

  /** The lease TTL in whole seconds, rounded up. */
  long leaseSeconds() {
    return (leaseTtl.toMillis() + 999) / 1000;
  }
}
