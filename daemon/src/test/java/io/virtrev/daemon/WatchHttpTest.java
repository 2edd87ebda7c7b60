package io.virtrev.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.virtrev.api.source.DomainObservation;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.DomainXml;
import io.virtrev.fixtures.InformerCache;
import io.virtrev.fixtures.SeenEvent;
import io.virtrev.fixtures.WatchClient;
import io.virtrev.fixtures.WatchGuarantees;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watch contract over real HTTP against the real store and server, on a fake hypervisor. */
class WatchHttpTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  @TempDir Path dir;

  @Test
  void listThenWatchFromItsRevisionMissesNothingAndDuplicatesNothing() throws Exception {
    try (FakeDaemon d = FakeDaemon.start(dir, c -> c)) {
      Random rnd = new Random(7);
      List<String> live = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        live.add(d.source.defineTiny("pre-" + i));
      }
      d.awaitRevision(6);
      ApiClient.Listed listed = d.api.list();
      InformerCache cache = new InformerCache();
      cache.replace(listed.items());
      try (WatchClient w = WatchClient.open(d.api, "/api/v1/domains?watch=true&resourceVersion=" + listed.resourceVersion())) {
        assertThat(w.status(WAIT)).isEqualTo(200);
        for (int step = 0; step < 200; step++) {
          int op = live.isEmpty() ? 0 : rnd.nextInt(7);
          String u = live.isEmpty() ? null : live.get(rnd.nextInt(live.size()));
          switch (op) {
            case 0 -> live.add(d.source.defineTiny("d-" + step));
            case 1 -> d.source.start(u);
            case 2 -> d.source.suspend(u);
            case 3 -> d.source.resume(u);
            case 4 -> d.source.destroy(u);
            case 5 -> d.source.redefine(u, 32 + rnd.nextInt(64));
            default -> {
              d.source.undefine(u);
              live.remove(u);
            }
          }
        }
        await().atMost(WAIT).until(() -> d.source.all().size() == d.daemon.store().snapshot().size()
            && w.lastResourceVersion() == d.revision());
        List<SeenEvent> seen = w.events();
        seen.forEach(cache::apply);
        assertThat(WatchGuarantees.all(listed.resourceVersion(), seen)).isEmpty();
        List<Long> committed = LongStream.rangeClosed(listed.resourceVersion() + 1, d.revision()).boxed().toList();
        assertThat(WatchGuarantees.reliable(listed.resourceVersion(), seen, committed)).isEmpty();
        ApiClient.Listed finalList = d.api.list();
        InformerCache expected = new InformerCache();
        expected.replace(finalList.items());
        assertThat(cache.versions()).isEqualTo(expected.versions());
      }
    }
  }

  @Test
  void watchWithoutResourceVersionStartsWithTheCurrentStateAsAdded() throws Exception {
    try (FakeDaemon d = FakeDaemon.start(dir, c -> c)) {
      String a = d.source.defineTiny("a");
      d.source.defineTiny("b");
      d.awaitRevision(3);
      try (WatchClient w = WatchClient.open(d.api, "/api/v1/domains?watch=true")) {
        await().atMost(WAIT).until(() -> w.events().size() == 2);
        assertThat(w.events()).extracting(SeenEvent::type).containsExactly("ADDED", "ADDED");
        assertThat(w.events()).extracting(SeenEvent::name).containsExactly("a", "b");
        d.source.start(a);
        await().atMost(WAIT).until(() -> w.events().size() == 3);
        assertThat(w.events().get(2).type()).isEqualTo("MODIFIED");
        assertThat(w.events().get(2).resourceVersion()).isEqualTo(4);
      }
    }
  }

  @Test
  void watchFromACompactedRevisionIsGoneBeforeStreaming() throws Exception {
    try (FakeDaemon d = FakeDaemon.start(dir, c -> c.withStore(c.store().withHistoryRetention(10)))) {
      commit(d, 40);
      try (WatchClient w = WatchClient.open(d.api, "/api/v1/domains?watch=true&resourceVersion=2")) {
        assertThat(w.status(WAIT)).isEqualTo(410);
        w.ended().get(10, TimeUnit.SECONDS);
        assertThat(w.errorBody()).contains("\"reason\":\"Expired\"").contains("too old resource version: 2");
      }
    }
  }

  /**
   * A client that stops reading must not hold up the writer or other watchers; when it reads again it
   * catches up from history without a gap.
   */
  @Test
  void aStalledWatcherCatchesUpFromHistoryAndSlowsNoOne() throws Exception {
    try (FakeDaemon d = FakeDaemon.start(dir, c -> c.withStore(c.store().withEventLogCapacity(8)))) {
      long start = d.revision();
      try (RawWatch slow = new RawWatch(d.daemon.address().getPort(),
              "/api/v1/domains?watch=true&resourceVersion=" + start);
          WatchClient fast = WatchClient.open(d.api, "/api/v1/domains?watch=true&resourceVersion=" + start)) {
        assertThat(fast.status(WAIT)).isEqualTo(200);
        long end = commit(d, 3000);
        await().atMost(WAIT).until(() -> fast.lastResourceVersion() == end);
        slow.readHead();
        slow.readUntil(end);
        List<SeenEvent> seen = slow.events;
        assertThat(WatchGuarantees.ordered(seen)).isEmpty();
        assertThat(WatchGuarantees.unique(seen)).isEmpty();
        assertThat(seen).extracting(SeenEvent::resourceVersion)
            .containsExactlyElementsOf(LongStream.rangeClosed(start + 1, end).boxed().toList());
      }
    }
  }

  /** A stalled watcher that falls out of the retained history gets an ERROR 410 and is closed. */
  @Test
  void aWatcherThatFallsOutOfHistoryGetsGoneAndIsClosed() throws Exception {
    try (FakeDaemon d = FakeDaemon.start(dir,
        c -> c.withStore(c.store().withEventLogCapacity(8).withHistoryRetention(50)))) {
      long start = d.revision();
      try (RawWatch slow = new RawWatch(d.daemon.address().getPort(),
          "/api/v1/domains?watch=true&resourceVersion=" + start)) {
        commit(d, 3000);
        slow.readHead();
        slow.readToEnd();
        assertThat(slow.status).isEqualTo(200);
        assertThat(slow.errors).hasSize(1);
        assertThat(slow.errors.get(0).get("code").asInt()).isEqualTo(410);
        assertThat(slow.errors.get(0).get("reason").asText()).isEqualTo("Expired");
        List<SeenEvent> seen = slow.events;
        assertThat(seen).extracting(SeenEvent::resourceVersion)
            .containsExactlyElementsOf(LongStream.rangeClosed(start + 1, start + seen.size()).boxed().toList());
        assertThat(start + seen.size()).isLessThan(d.revision());
      }
    }
  }

  /**
   * Watchers behind an event log kept tiny by its byte limit catch up from history (pages they share),
   * each complete and in order, in both framings; events go out in batches, one HTTP chunk of whole
   * events per batch (not one chunk per event).
   */
  @Test
  void stalledWatchersBehindASmallEventLogCatchUpInBatchesInBothFramings() throws Exception {
    try (FakeDaemon d = FakeDaemon.start(dir, c -> c.withStore(c.store().withEventLogBytes(8 * 1024)))) {
      long start = d.revision();
      List<RawWatch> watches = new ArrayList<>();
      try {
        for (int i = 0; i < 6; i++) {
          watches.add(new RawWatch(d.daemon.address().getPort(), "/api/v1/domains?watch=true&resourceVersion=" + start,
              i % 2 == 1));
        }
        long end = commit(d, 3000);
        for (RawWatch w : watches) {
          w.readHead();
          w.readUntil(end);
          assertThat(w.status).isEqualTo(200);
          assertThat(w.errors).isEmpty();
          assertThat(WatchGuarantees.ordered(w.events)).isEmpty();
          assertThat(WatchGuarantees.unique(w.events)).isEmpty();
          assertThat(w.events).extracting(SeenEvent::resourceVersion)
              .containsExactlyElementsOf(LongStream.rangeClosed(start + 1, end).boxed().toList());
          assertThat(w.chunks).as("chunks for %d events", w.events.size()).isLessThan(w.events.size() / 4);
        }
      } finally {
        for (RawWatch w : watches) {
          w.close();
        }
      }
    }
  }

  /**
   * A filtered watch read from history (the event log holds almost nothing) sees a domain that starts
   * and stops matching as ADDED and DELETED, in both framings (the stored line under another type).
   */
  @Test
  void aFilteredWatchBehindTheEventLogSeesMatchingStartAndStop() throws Exception {
    try (FakeDaemon d = FakeDaemon.start(dir, c -> c.withStore(c.store().withEventLogBytes(1)))) {
      long start = d.revision();
      String path = "/api/v1/domains?watch=true&fieldSelector=status.state%3Drunning&resourceVersion=" + start;
      int port = d.daemon.address().getPort();
      try (RawWatch json = new RawWatch(port, path); RawWatch sse = new RawWatch(port, path, true)) {
        String uuid = UUID.randomUUID().toString();
        String xml = DomainXml.tiny("toggle", uuid, 32);
        CompletableFuture<?> last = null;
        for (int i = 0; i < 400; i++) {
          boolean running = i % 2 == 0;
          last = d.daemon.store().observe(uuid, new DomainObservation(uuid, "toggle", xml, running ? xml : null, true,
              false, running ? "running" : "shutoff", running ? "booted" : "unknown", running ? 1 : null), List.of());
        }
        last.get(60, TimeUnit.SECONDS);
        long end = d.revision();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          expected.add("ADDED");
          expected.add("DELETED");
        }
        for (RawWatch w : List.of(json, sse)) {
          w.readHead();
          w.readUntil(end);
          assertThat(w.events).extracting(SeenEvent::type).isEqualTo(expected);
          assertThat(w.events).extracting(SeenEvent::resourceVersion)
              .containsExactlyElementsOf(LongStream.rangeClosed(start + 1, end).boxed().toList());
        }
      }
    }
  }

  @Test
  void timeoutSecondsEndsTheStreamCleanly() throws Exception {
    try (FakeDaemon d = FakeDaemon.start(dir, c -> c)) {
      try (WatchClient w = WatchClient.open(d.api, "/api/v1/domains?watch=true&timeoutSeconds=1")) {
        assertThat(w.status(WAIT)).isEqualTo(200);
        w.ended().get(10, TimeUnit.SECONDS);
        assertThat(w.errors()).isEmpty();
      }
    }
  }

  /** Commits {@code n} revisions straight into the store (no hypervisor involved); returns the last. */
  static long commit(FakeDaemon d, int n) throws Exception {
    String uuid = UUID.randomUUID().toString();
    CompletableFuture<?> last = null;
    for (int i = 0; i < n; i++) {
      String xml = DomainXml.tiny("bulk", uuid, 32 + i);
      last = d.daemon.store().observe(uuid,
          new DomainObservation(uuid, "bulk", xml, null, true, false, "shutoff", "unknown", null), List.of());
    }
    last.get(60, TimeUnit.SECONDS);
    return d.revision();
  }
}
