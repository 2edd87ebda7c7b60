package io.virtrev.daemon.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.virtrev.daemon.http.HttpMetrics;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fleet gateway's meters (Prometheus, Micrometer): HTTP requests by route template, open watches, watch
 * events sent, watchers expired (410), the JVM and process. Bounded as the host's ({@link DaemonMetrics}):
 * every label value comes from a closed set. Thread-safe.
 */
public final class GatewayMetrics implements HttpMetrics {
  private final PrometheusMeterRegistry registry = ProcessMeters.registry();
  private final Counter eventsSent;
  private final Counter watchersExpired;

  public GatewayMetrics(AtomicInteger watchers, String version) {
    Gauge.builder("virtrev.build.info", () -> 1).tag("version", version).tag("role", "gateway")
        .description("This build of virtrevd (always 1)").register(registry);
    Gauge.builder("virtrev.watchers.open", watchers, AtomicInteger::get).description("Open watches").register(registry);
    eventsSent = Counter.builder("virtrev.watch.events.sent").description("Watch events written to clients")
        .register(registry);
    watchersExpired = Counter.builder("virtrev.watchers.expired")
        .description("Watchers closed with 410 (their revision was compacted in etcd)").register(registry);
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
