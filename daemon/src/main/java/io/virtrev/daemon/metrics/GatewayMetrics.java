package io.virtrev.daemon.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.virtrev.daemon.http.HttpMetrics;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fleet gateway's meters (Prometheus, Micrometer): HTTP requests by route template, open watches, watch
 * events sent, watchers expired (410), the JVM and process. Bounded as the host's ({@link DaemonMetrics}):
 * every label value comes from a closed set. Thread-safe.
 */
public final class GatewayMetrics implements HttpMetrics {
  private static final Duration[] HTTP_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
      Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
      Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5)};

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter eventsSent;
  private final Counter watchersExpired;

  public GatewayMetrics(AtomicInteger watchers, String version) {
    registry.config().meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"));
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
      }
    });
    Gauge.builder("virtrev.build.info", () -> 1).tag("version", version).tag("role", "gateway")
        .description("This build of virtrevd (always 1)").register(registry);
    Gauge.builder("virtrev.watchers.open", watchers, AtomicInteger::get).description("Open watches").register(registry);
    eventsSent = Counter.builder("virtrev.watch.events.sent").description("Watch events written to clients")
        .register(registry);
    watchersExpired = Counter.builder("virtrev.watchers.expired")
        .description("Watchers closed with 410 (their revision was compacted in etcd)").register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9).baseUnit("seconds")
          .description("CPU time used by the process").register(registry);
    }
    ResidentMemory.bindTo(registry);
  }

  @Override
  public void request(String route, String method, int status, long nanos) {
    Timer.builder("virtrev.http.requests").description("HTTP requests until the response head, by route template")
        .tag("route", route).tag("method", method).tag("code", Integer.toString(status))
        .serviceLevelObjectives(HTTP_BUCKETS).register(registry).record(nanos, TimeUnit.NANOSECONDS);
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
