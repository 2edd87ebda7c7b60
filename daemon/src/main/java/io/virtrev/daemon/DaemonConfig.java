package io.virtrev.daemon;

import io.virtrev.versioning.FieldValidation;
import io.virtrev.versioning.ReconcilerConfig;
import io.virtrev.versioning.StoreConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything the daemon is configured with. Immutable; the command line builds it, tests build it
 * directly with small limits.
 *
 * @param connectUri libvirt URI
 * @param listenHost address to bind
 * @param listenPort port to bind (0: any free port; the bound one is logged and returned)
 * @param store the store's limits
 * @param reconciler resync period and event limits
 * @param http HTTP limits
 * @param access listeners, authentication, TLS, metrics, audit
 * @param fleet the host's fleet membership (its mirror into etcd); null: none
 */
public record DaemonConfig(String connectUri, String listenHost, int listenPort, StoreConfig store,
    ReconcilerConfig reconciler, HttpConfig http, AccessConfig access, FleetConfig fleet) {

  /** Not in a fleet. */
  public DaemonConfig(String connectUri, String listenHost, int listenPort, StoreConfig store,
      ReconcilerConfig reconciler, HttpConfig http, AccessConfig access) {
    this(connectUri, listenHost, listenPort, store, reconciler, http, access, null);
  }

  /**
   * @param maxBodyBytes largest accepted request body (413 beyond)
   * @param tooLargeWait how long a request naming a revision the store has not reached waits for it
   *     before failing with 504 (Kubernetes waits ~3 s)
   * @param maxWatchTimeout the longest a watch stays open; each watch gets a random timeout in
   *     [max/2, max] unless the client asks for less with {@code timeoutSeconds}
   * @param watchBatch most events a watcher writes per turn before yielding its event loop
   * @param mutationTimeout how long a mutating request waits for libvirt before answering 504 (the
   *     mutation may still complete; its revision then shows up on watches)
   * @param bookmarkInterval a watch with {@code allowWatchBookmarks} idle this long gets a BOOKMARK
   *     (an SSE watch without bookmarks gets a heartbeat comment)
   * @param maxWatchers most concurrent watches; 429 beyond
   * @param watchBufferBytes a watch's outbound buffer: past this many unsent bytes the stream stops
   *     writing until the client reads (Netty's write-buffer high-water mark; low is half)
   * @param fieldValidation how POST and PUT validate XML when the request has no {@code fieldValidation}
   * @param connections connection limits and timeouts of each listener
   */
  public record HttpConfig(int maxBodyBytes, Duration tooLargeWait, Duration maxWatchTimeout, int watchBatch,
      Duration mutationTimeout, Duration bookmarkInterval, int maxWatchers, int watchBufferBytes,
      FieldValidation fieldValidation, ConnectionLimits connections) {
    public HttpConfig {
      java.util.Objects.requireNonNull(fieldValidation, "fieldValidation");
      java.util.Objects.requireNonNull(connections, "connections");
      if (maxBodyBytes < 1) {
        throw new IllegalArgumentException("maxBodyBytes < 1: " + maxBodyBytes);
      }
      if (watchBatch < 1) {
        throw new IllegalArgumentException("watchBatch < 1: " + watchBatch);
      }
      if (maxWatchers < 1) {
        throw new IllegalArgumentException("maxWatchers < 1: " + maxWatchers);
      }
      if (watchBufferBytes < 1024) {
        throw new IllegalArgumentException("watchBufferBytes < 1024: " + watchBufferBytes);
      }
      if (bookmarkInterval.isNegative() || bookmarkInterval.isZero()) {
        throw new IllegalArgumentException("bookmarkInterval must be positive: " + bookmarkInterval);
      }
      if (maxWatchTimeout.isNegative() || maxWatchTimeout.isZero()) {
        throw new IllegalArgumentException("maxWatchTimeout must be positive: " + maxWatchTimeout);
      }
    }

    /** With the default connection limits. */
    public HttpConfig(int maxBodyBytes, Duration tooLargeWait, Duration maxWatchTimeout, int watchBatch,
        Duration mutationTimeout, Duration bookmarkInterval, int maxWatchers, int watchBufferBytes,
        FieldValidation fieldValidation) {
      this(maxBodyBytes, tooLargeWait, maxWatchTimeout, watchBatch, mutationTimeout, bookmarkInterval, maxWatchers,
          watchBufferBytes, fieldValidation, ConnectionLimits.defaults());
    }

    public static HttpConfig defaults() {
      return new HttpConfig(1 << 20, Duration.ofSeconds(3), Duration.ofMinutes(30), 256, Duration.ofSeconds(60),
          Duration.ofSeconds(60), 10_000, 64 * 1024, FieldValidation.STRICT);
    }

    public HttpConfig withBookmarkInterval(Duration d) {
      return new HttpConfig(maxBodyBytes, tooLargeWait, maxWatchTimeout, watchBatch, mutationTimeout, d,
          maxWatchers, watchBufferBytes, fieldValidation, connections);
    }

    public HttpConfig withMaxWatchers(int n) {
      return new HttpConfig(maxBodyBytes, tooLargeWait, maxWatchTimeout, watchBatch, mutationTimeout,
          bookmarkInterval, n, watchBufferBytes, fieldValidation, connections);
    }

    public HttpConfig withFieldValidation(FieldValidation v) {
      return new HttpConfig(maxBodyBytes, tooLargeWait, maxWatchTimeout, watchBatch, mutationTimeout,
          bookmarkInterval, maxWatchers, watchBufferBytes, v, connections);
    }

    public HttpConfig withConnections(ConnectionLimits c) {
      return new HttpConfig(maxBodyBytes, tooLargeWait, maxWatchTimeout, watchBatch, mutationTimeout,
          bookmarkInterval, maxWatchers, watchBufferBytes, fieldValidation, c);
    }
  }

  public static DaemonConfig defaults(String uri, Path dataDir) {
    return new DaemonConfig(uri, "127.0.0.1", 8474, StoreConfig.defaults(dataDir), ReconcilerConfig.defaults(),
        HttpConfig.defaults(), AccessConfig.defaults());
  }

  public DaemonConfig withListen(String host, int port) {
    return new DaemonConfig(connectUri, host, port, store, reconciler, http, access, fleet);
  }

  public DaemonConfig withStore(StoreConfig s) {
    return new DaemonConfig(connectUri, listenHost, listenPort, s, reconciler, http, access, fleet);
  }

  public DaemonConfig withReconciler(ReconcilerConfig r) {
    return new DaemonConfig(connectUri, listenHost, listenPort, store, r, http, access, fleet);
  }

  public DaemonConfig withAccess(AccessConfig a) {
    return new DaemonConfig(connectUri, listenHost, listenPort, store, reconciler, http, a, fleet);
  }

  public DaemonConfig withHttp(HttpConfig h) {
    return new DaemonConfig(connectUri, listenHost, listenPort, store, reconciler, h, access, fleet);
  }

  public DaemonConfig withFleet(FleetConfig f) {
    return new DaemonConfig(connectUri, listenHost, listenPort, store, reconciler, http, access, f);
  }
}
