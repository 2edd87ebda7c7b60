package io.virtrev.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.virtrev.fixtures.DomainXml;
import io.virtrev.fixtures.Host;
import io.virtrev.fixtures.WatchClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /metrics, scraped over HTTP after known activity: the values match what happened. */
class MetricsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  @TempDir Path dir;

  @Test
  void scrapedValuesMatchWhatTheTestDid() throws Exception {
    try (FakeDaemon d = FakeDaemon.start(dir.resolve("store"), c -> c)) {
      String a = d.source.defineTiny("a");
      String b = d.source.defineTiny("b");
      d.source.defineTiny("c");
      d.awaitRevision(4);
      try (WatchClient w1 = WatchClient.open(d.api, "/api/v1/domains?watch=true&resourceVersion=4");
          WatchClient w2 = WatchClient.open(d.api, "/api/v1/domains?watch=true&resourceVersion=4")) {
        assertThat(w1.status(WAIT)).isEqualTo(200);
        assertThat(w2.status(WAIT)).isEqualTo(200);
        d.source.start(a);
        d.awaitRevision(5);
        d.source.start(b);
        d.awaitRevision(6);
        assertThat(d.api.send("PUT", "/api/v1/domains/c", "application/xml",
            DomainXml.tiny("c", d.daemon.store().snapshot().byName("c").orElseThrow().uuid(), 40)).status()).isEqualTo(200);
        assertThat(d.api.get("/api/v1/domains/nope").status()).isEqualTo(404);
        long rev = d.revision();
        await().atMost(WAIT).until(() -> w1.lastResourceVersion() == rev && w2.lastResourceVersion() == rev);

        String text = d.api.get("/metrics").body();
        assertThat(value(text, "virtrev_store_revision")).isEqualTo(rev);
        assertThat(value(text, "virtrev_store_revisions_committed_total")).as("every revision since the store was made")
            .isEqualTo(rev - 1);
        assertThat(value(text, "virtrev_domains{state=\"running\"}")).isEqualTo(2);
        assertThat(value(text, "virtrev_domains{state=\"shutoff\"}")).isEqualTo(1);
        assertThat(value(text, "virtrev_libvirt_events_total{type=\"lifecycle\"}")).isGreaterThanOrEqualTo(6);
        for (String type : io.virtrev.api.LibvirtEvent.TYPES) {
          assertThat(text).as("every libvirt event family is a series from the start")
              .contains("virtrev_libvirt_events_total{type=\"" + type + "\"}");
        }
        assertThat(value(text, "virtrev_watchers_open")).isEqualTo(2);
        assertThat(value(text, "virtrev_watch_events_sent_total")).isEqualTo(2 * (rev - 4));
        assertThat(value(text, "virtrev_store_commit_seconds_count")).isBetween(1L, rev - 1);
        assertThat(value(text, "virtrev_libvirt_connects_total")).isEqualTo(1);
        assertThat(value(text, "virtrev_http_requests_seconds_count{code=\"404\",method=\"GET\",route=\"/api/v1/domains/{id}\"}"))
            .isEqualTo(1);
        assertThat(value(text, "virtrev_http_requests_seconds_count{code=\"200\",method=\"PUT\",route=\"/api/v1/domains/{id}\"}"))
            .isEqualTo(1);

        Path scrape = Files.writeString(dir.resolve("scrape.txt"), text);
        if (Host.run(5, "which", "promtool").exit() == 0 || Host.libvirtdRequired()) {
          Host.Result check = Host.run(30, "sh", "-c", "promtool check metrics < " + scrape);
          assertThat(check.exit()).as("promtool check metrics: " + check.output()).isZero();
        }
      }
    }
  }

  @Test
  void histogramsHaveFixedBucketsAndTheDaemonJvmAndProcessAreReported() throws Exception {
    try (FakeDaemon d = FakeDaemon.start(dir.resolve("store"), c -> c)) {
      d.source.defineTiny("a");
      d.awaitRevision(2);
      assertThat(d.api.get("/api/v1/domains").status()).isEqualTo(200);
      await().atMost(WAIT).until(() -> d.api.get("/metrics").body().contains("virtrev_resync_duration_seconds_count 1"));
      String text = d.api.get("/metrics").body();

      assertThat(text).contains("# TYPE virtrev_http_requests_seconds histogram", "# TYPE virtrev_store_commit_seconds histogram",
          "# TYPE virtrev_resync_duration_seconds histogram");
      assertThat(buckets(text, "virtrev_http_requests_seconds_bucket{code=\"200\",method=\"GET\",route=\"/api/v1/domains\""))
          .isEqualTo(14);
      assertThat(buckets(text, "virtrev_store_commit_seconds_bucket{")).isEqualTo(14);
      assertThat(buckets(text, "virtrev_resync_duration_seconds_bucket{")).isEqualTo(11);
      assertThat(value(text, "virtrev_resync_duration_seconds_count")).isEqualTo(1);
      assertThat(value(text, "virtrev_build_info{version=\"dev\"}")).isEqualTo(1);
      assertThat(value(text, "virtrev_libvirt_connected")).isEqualTo(1);
      assertThat(value(text, "process_resident_memory_bytes")).isGreaterThan(1 << 20);
      assertThat(value(text, "process_files_open_files")).isPositive();
      assertThat(value(text, "system_cpus")).isPositive();
      assertThat(value(text, "process_cpu_seconds_total")).isPositive();
      assertThat(text).contains("process_cpu_usage ", "jvm_gc_memory_allocated_bytes_total ", "jvm_memory_used_bytes{",
          "jvm_threads_live_threads ", "jvm_classes_loaded_classes ", "process_uptime_seconds ");

      d.source.disconnect("test");
      await().atMost(WAIT).until(() -> value(d.api.get("/metrics").body(), "virtrev_libvirt_connected") == 0);

      Path scrape = Files.writeString(dir.resolve("scrape.txt"), d.api.get("/metrics").body());
      if (Host.run(5, "which", "promtool").exit() == 0 || Host.libvirtdRequired()) {
        Host.Result check = Host.run(30, "sh", "-c", "promtool check metrics < " + scrape);
        assertThat(check.exit()).as("promtool check metrics: " + check.output()).isZero();
      }
    }
  }

  /** How many bucket lines start with {@code prefix}. */
  private static long buckets(String exposition, String prefix) {
    return exposition.lines().filter(l -> l.startsWith(prefix)).count();
  }

  /** The value of the sample {@code name} (with its labels, exactly as exposed). */
  static long value(String exposition, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.eE+-]+)$").matcher(exposition);
    assertThat(m.find()).as("sample " + name + " in\n" + exposition).isTrue();
    return (long) Double.parseDouble(m.group(1));
  }
}
