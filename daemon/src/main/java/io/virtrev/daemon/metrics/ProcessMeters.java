package io.virtrev.daemon.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What every virtrevd process measures, a host ({@link DaemonMetrics}) or a fleet gateway
 * ({@link GatewayMetrics}): the registry with its name fixes, the JVM and process meters, and the HTTP
 * request timer with its buckets.
 */
final class ProcessMeters {
  /** HTTP latency buckets: a watch is timed to its response head, so all of them are short. */
  private static final Duration[] HTTP_BUCKETS = seconds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
      2.5, 5, 10);

  private ProcessMeters() {}

  /** A Prometheus registry whose names promtool's lint accepts, with the JVM and process meters bound. */
  static PrometheusMeterRegistry registry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // promtool's lint refuses two of ProcessorMetrics' names: process_cpu_time_ns_total (unit "ns") is
    // replaced by the conventional process_cpu_seconds_total, system_cpu_count ("_count" on a gauge) renamed.
    registry.config().meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"));
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
      }
    });
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9).baseUnit("seconds")
          .description("CPU time used by the process").register(registry);
    }
    new FileDescriptorMetrics().bindTo(registry);
    ResidentMemory.bindTo(registry);
    return registry;
  }

  /** One HTTP request, until its response head, under its route template (a closed set of labels). */
  static void request(PrometheusMeterRegistry registry, String route, String method, int status, long nanos) {
    Timer.builder("virtrev.http.requests").description("HTTP requests until the response head, by route template")
        .tag("route", route).tag("method", method).tag("code", Integer.toString(status))
        .serviceLevelObjectives(HTTP_BUCKETS).register(registry).record(nanos, TimeUnit.NANOSECONDS);
  }

  static Duration[] seconds(double... s) {
    Duration[] out = new Duration[s.length];
    for (int i = 0; i < s.length; i++) {
      out[i] = Duration.ofNanos((long) (s[i] * 1e9));
    }
    return out;
  }
}
