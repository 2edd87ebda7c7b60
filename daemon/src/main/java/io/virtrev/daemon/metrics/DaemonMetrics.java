package io.virtrev.daemon.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.virtrev.api.Domain;
import io.virtrev.api.LibvirtEvent;
import io.virtrev.daemon.http.HttpMetrics;
import io.virtrev.versioning.VersionedStore;
import io.virtrev.versioning.Reconciler;
import io.virtrev.versioning.ReconcilerObserver;
import io.virtrev.versioning.StoreObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The daemon's meters in Prometheus form (Micrometer). Most are read at scrape time from the store, the
 * reconciler and the watcher count, so the hot paths only bump a counter or record a timer.
 * Thread-safe.
 *
 * <p>Bounded: every label value comes from a closed set (HTTP routes and methods: {@link HttpMetrics};
 * status codes the daemon writes; libvirt's event types and states), and every histogram has the fixed
 * buckets below, so the exposition does not grow with traffic.
 */
public final class DaemonMetrics implements HttpMetrics, StoreObserver, ReconcilerObserver {
  private static final List<String> STATES =
      List.of("nostate", "running", "blocked", "paused", "shutdown", "shutoff", "crashed", "pmsuspended");

  /** Durable commit buckets (one fsync is about 1-10 ms on a disk, far more on a busy one). */
  private static final Duration[] COMMIT_BUCKETS = ProcessMeters.seconds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
      0.1,
      0.25, 0.5, 1, 2.5, 5);
  /** Full resync buckets: from an idle small host to thousands of domains on a slow libvirtd. */
  private static final Duration[] RESYNC_BUCKETS = ProcessMeters.seconds(0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300);

  private final PrometheusMeterRegistry registry = ProcessMeters.registry();
  private final LongAdder revisionsCommitted = new LongAdder();
  private final Timer commit;
  private final Counter eventsSent;
  private final Counter watchersExpired;
  private final Timer resync;
  private volatile java.util.function.Supplier<io.virtrev.fleet.MirrorStatus> fleetStatus; // set once, if in a fleet

  /** {@code version}: this build's version, exposed as {@code virtrev_build_info{version=...} 1}. */
  public DaemonMetrics(VersionedStore store, Reconciler reconciler, AtomicInteger watchers, String version) {
    Gauge.builder("virtrev.build.info", () -> 1).tag("version", version)
        .description("This build of virtrevd (always 1)").register(registry);
    Gauge.builder("virtrev.libvirt.connected", reconciler, r -> r.isConnected() ? 1 : 0)
        .description("1 while connected to libvirt, else 0").register(registry);
    Gauge.builder("virtrev.store.revision", store, s -> s.snapshot().revision().value())
        .description("The store's current revision (resource version)").register(registry);
    Gauge.builder("virtrev.store.compacted.revision", store, s -> s.compacted().value())
        .description("Revisions at or below this are compacted: watches must start after it").register(registry);
    for (String state : STATES) {
      Gauge.builder("virtrev.domains", store, s -> count(s.snapshot().items(), state))
          .tag("state", state).description("Domains by libvirt state").register(registry);
    }
    FunctionCounter.builder("virtrev.store.revisions.committed", revisionsCommitted, LongAdder::sum)
        .description("Revisions committed since start").register(registry);
    commit = Timer.builder("virtrev.store.commit").description("Durable commit of a batch of revisions (fsync included)")
        .serviceLevelObjectives(COMMIT_BUCKETS).register(registry);
    for (String type : LibvirtEvent.TYPES) {
      FunctionCounter.builder("virtrev.libvirt.events", reconciler, r -> r.eventsReceived(type)).tag("type", type)
          .description("libvirt domain events received").register(registry);
    }
    FunctionCounter.builder("virtrev.resyncs", reconciler, Reconciler::resyncCount)
        .description("Full resyncs done").register(registry);
    resync = Timer.builder("virtrev.resync.duration")
        .description("Full resyncs, from opening the listing to the commit").serviceLevelObjectives(RESYNC_BUCKETS)
        .register(registry);
    FunctionCounter.builder("virtrev.resync.changes", reconciler, Reconciler::resyncChanges)
        .description("Revisions committed by resyncs (changes no event told about)").register(registry);
    FunctionCounter.builder("virtrev.libvirt.connects", reconciler, Reconciler::connects)
        .description("Connections to libvirt (the first one and every reconnect)").register(registry);
    Gauge.builder("virtrev.watchers.open", watchers, AtomicInteger::get).description("Open watches").register(registry);
    eventsSent = Counter.builder("virtrev.watch.events.sent").description("Watch events written to clients").register(registry);
    watchersExpired = Counter.builder("virtrev.watchers.expired")
        .description("Watchers closed with 410 because they fell out of the retained history").register(registry);
  }

  private static double count(List<Domain> items, String state) {
    long n = 0;
    for (Domain d : items) {
      if (state.equals(d.status().state())) {
        n++;
      }
    }
    return n;
  }

  /**
   * Registers the fleet mirror's meters (a host in a fleet): {@code virtrev_fleet_mirror_lag_revisions},
   * {@code virtrev_fleet_mirror_revisions_total}, {@code virtrev_fleet_mirror_full_total},
   * {@code virtrev_fleet_mirror_failures_total}, {@code virtrev_fleet_mirror_etcd_reachable}.
   */
  public void bindFleetMirror(java.util.function.Supplier<io.virtrev.fleet.MirrorStatus> status) {
    fleetStatus = status; // held here: a meter keeps only a weak reference to its state object (this)
    Gauge.builder("virtrev.fleet.mirror.lag.revisions", this, m -> m.fleetStatus.get().lag())
        .description("Host revisions committed but not yet mirrored into etcd").register(registry);
    FunctionCounter.builder("virtrev.fleet.mirror.revisions", this, m -> m.fleetStatus.get().mirrored())
        .description("Host revisions this process mirrored into etcd, one transaction each").register(registry);
    FunctionCounter.builder("virtrev.fleet.mirror.full", this, m -> m.fleetStatus.get().fullMirrors())
        .description("Full re-mirrors of the host's state (new store, compacted past progress)").register(registry);
    FunctionCounter.builder("virtrev.fleet.mirror.failures", this, m -> m.fleetStatus.get().failures())
        .description("Failed mirror attempts (etcd unreachable, timeouts), each retried").register(registry);
    Gauge.builder("virtrev.fleet.mirror.etcd.reachable", this, m -> m.fleetStatus.get().etcdReachable() ? 1 : 0)
        .description("1 while the mirror's last etcd call succeeded, else 0").register(registry);
  }

  @Override
  public void committed(int revisions, long nanos) {
    revisionsCommitted.add(revisions);
    commit.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void resynced(ResyncResult r) {
    resync.record(r.nanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void request(String route, String method, int status, long nanos) {
    ProcessMeters.request(registry, route, method, status, nanos);
  }

  @Override
  public void eventsSent(int n) {
    eventsSent.increment(n);
  }

  @Override
  public void watcherExpired() {
    watchersExpired.increment();
  }

  @Override
  public String scrape() {
    return registry.scrape();
  }
}
