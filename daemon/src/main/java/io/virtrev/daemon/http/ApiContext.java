package io.virtrev.daemon.http;

import io.virtrev.daemon.DaemonConfig;
import io.virtrev.daemon.security.Security;
import io.virtrev.versioning.ServedKinds;
import io.virtrev.versioning.VersionedStore;
import io.virtrev.versioning.Mutations;
import io.virtrev.versioning.Readiness;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * What the HTTP handlers need from the rest of the daemon.
 *
 * @param store the versioned store (snapshots, event log, history)
 * @param mutations every change made through the API
 * @param readiness whether the state reflects libvirt (for /readyz)
 * @param http HTTP limits
 * @param blocking executor for work that may block on disk (history reads); never an event loop
 * @param watchers how many watches are open (checked against {@code http.maxWatchers()})
 * @param security authentication and authorization
 * @param audit the audit trail of mutations
 * @param metrics the daemon's meters
 * @param wakers wakes the watch streams after each commit, one task per event loop
 * @param kinds the mutations of the kinds beside domains ({@link ServedKinds#NONE}: domains only)
 */
public record ApiContext(VersionedStore store, Mutations mutations, Supplier<Readiness> readiness,
    DaemonConfig.HttpConfig http, Executor blocking, AtomicInteger watchers, Security security, AuditLog audit,
    HttpMetrics metrics, WatchWakers wakers, ServedKinds kinds) {

  /** Without {@code wakers}: made here, for {@code store}. */
  public ApiContext(VersionedStore store, Mutations mutations, Supplier<Readiness> readiness,
      DaemonConfig.HttpConfig http, Executor blocking, AtomicInteger watchers, Security security, AuditLog audit,
      HttpMetrics metrics) {
    this(store, mutations, readiness, http, blocking, watchers, security, audit, metrics, ServedKinds.NONE);
  }

  /** Without {@code wakers}: made here, for {@code store}. */
  public ApiContext(VersionedStore store, Mutations mutations, Supplier<Readiness> readiness,
      DaemonConfig.HttpConfig http, Executor blocking, AtomicInteger watchers, Security security, AuditLog audit,
      HttpMetrics metrics, ServedKinds kinds) {
    this(store, mutations, readiness, http, blocking, watchers, security, audit, metrics, new WatchWakers(store),
        kinds);
  }
}
