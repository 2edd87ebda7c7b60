package io.virtrev.daemon.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.virtrev.api.Domain;
import io.virtrev.api.LibvirtEvent;
import io.virtrev.daemon.http.HttpMetrics;
import io.virtrev.versioning.DomainStore;
import io.virtrev.versioning.Reconciler;
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
 */
public final class DaemonMetrics implements HttpMetrics, StoreObserver {
  private static final List<String> STATES =
      List.of("nostate", "running", "blocked", "paused", "shutdown", "shutoff", "crashed", "pmsuspended");
  private static final List<String> EVENT_TYPES = List.of(LibvirtEvent.LIFECYCLE, LibvirtEvent.REBOOT,
      LibvirtEvent.DEVICE_ADDED, LibvirtEvent.DEVICE_REMOVED, LibvirtEvent.METADATA_CHANGE);

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final LongAdder revisionsCommitted = new LongAdder();
  private final Timer commit;
  private final Counter eventsSent;
  private final Counter watchersExpired;

  public DaemonMetrics(DomainStore store, Reconciler reconciler, AtomicInteger watchers) {
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
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(5))
        .register(registry);
    for (String type : EVENT_TYPES) {
      FunctionCounter.builder("virtrev.libvirt.events", reconciler, r -> r.eventsReceived(type)).tag("type", type)
          .description("libvirt domain events received").register(registry);
    }
    FunctionCounter.builder("virtrev.resyncs", reconciler, Reconciler::resyncCount)
        .description("Full resyncs done").register(registry);
    FunctionCounter.builder("virtrev.resync.changes", reconciler, Reconciler::resyncChanges)
        .description("Revisions committed by resyncs (changes no event told about)").register(registry);
    FunctionCounter.builder("virtrev.libvirt.connects", reconciler, Reconciler::connects)
        .description("Connections to libvirt (the first one and every reconnect)").register(registry);
    Gauge.builder("virtrev.watchers.open", watchers, AtomicInteger::get).description("Open watches").register(registry);
    eventsSent = Counter.builder("virtrev.watch.events.sent").description("Watch events written to clients").register(registry);
    watchersExpired = Counter.builder("virtrev.watchers.expired")
        .description("Watchers closed with 410 because they fell out of the retained history").register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
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

  @Override
  public void committed(int revisions, long nanos) {
    revisionsCommitted.add(revisions);
    commit.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void request(String route, String method, int status, long nanos) {
    Timer.builder("virtrev.http.requests").description("HTTP requests until the response head, by route template")
        .tag("route", route).tag("method", method)
        .tag("code", Integer.toString(status)).register(registry).record(nanos, TimeUnit.NANOSECONDS);
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
