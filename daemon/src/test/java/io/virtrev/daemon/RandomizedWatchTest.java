package io.virtrev.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.virtrev.fixtures.Informer;
import io.virtrev.fixtures.SeenEvent;
import io.virtrev.fixtures.WatchGuarantees;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many interleaved changes (with events randomly dropped, so resyncs find some of them) while many
 * clients watch: informers that start at random moments and resume after every short stream, SSE
 * clients that reconnect with Last-Event-ID, and a client that stops reading and catches up from
 * history later. Every guarantee checker must pass and every cache must end equal to the final list.
 */
class RandomizedWatchTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir Path dir;

  @Test
  void everyWatcherSeesEveryRevisionOnceAndConverges() throws Exception {
    long seed = Long.getLong("virtrev.seed", System.nanoTime());
    Random rnd = new Random(seed);
    try (FakeDaemon d = FakeDaemon.start(dir, c -> c
        .withStore(c.store().withEventLogCapacity(16))
        .withReconciler(c.reconciler().withResyncPeriod(Duration.ofMillis(300)))
        .withHttp(c.http().withBookmarkInterval(Duration.ofMillis(300))))) {
      List<String> live = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        live.add(d.source.defineTiny("seed-" + i));
      }
      d.awaitRevision(4); // a new store is at 1; three ADDED
      List<Informer> informers = new ArrayList<>();
      List<SseRecorder> sse = new ArrayList<>();
      List<Long> sseStarts = new ArrayList<>();
      long stalledStart = d.revision();
      RawWatch stalled = new RawWatch(d.daemon.address().getPort(), "/api/v1/domains?watch=true&resourceVersion=" + stalledStart);
      try {
        for (int step = 0; step < 600; step++) {
          if (step % 100 == 0) {
            informers.add(new Informer(d.api, "", 1 + rnd.nextInt(3), "r" + step).start());
          }
          if (step % 250 == 50) {
            long from = Math.max(1, d.revision() - rnd.nextInt(10));
            sseStarts.add(from);
            sse.add(new SseRecorder(URI.create(d.api.base()
                + "/api/v1/domains?watch=true&timeoutSeconds=1&resourceVersion=" + from)));
          }
          d.source.dropEvents(rnd.nextInt(15) == 0);
          int op = live.isEmpty() ? 0 : rnd.nextInt(9);
          String u = live.isEmpty() ? null : live.get(rnd.nextInt(live.size()));
          switch (op) {
            case 0, 1 -> live.add(d.source.defineTiny("d-" + step));
            case 2 -> d.source.start(u);
            case 3 -> d.source.suspend(u);
            case 4 -> d.source.resume(u);
            case 5 -> d.source.destroy(u);
            case 6 -> d.source.redefine(u, 32 + rnd.nextInt(64));
            case 7 -> d.source.setMemoryConfig(u, 32 + rnd.nextInt(64)); // no event at all
            default -> {
              d.source.undefine(u);
              live.remove(u);
            }
          }
        }
        d.source.dropEvents(false);
        Map<String, Long> expected = awaitSettled(d);
        long end = d.revision();
        InformerTest.assertConverged(informers, expected, WAIT, "seed " + seed);
        for (int i = 0; i < sse.size(); i++) {
          SseRecorder s = sse.get(i);
          await().atMost(WAIT).until(() -> s.last() == end);
          assertThat(s.snapshot()).as("SSE from %d, seed %d", sseStarts.get(i), seed)
              .containsExactlyElementsOf(LongStream.rangeClosed(sseStarts.get(i) + 1, end).boxed().toList());
        }
        stalled.readHead();
        stalled.readUntil(end);
        List<SeenEvent> seen = stalled.events;
        assertThat(WatchGuarantees.ordered(seen)).isEmpty();
        assertThat(seen).extracting(SeenEvent::resourceVersion)
            .containsExactlyElementsOf(LongStream.rangeClosed(stalledStart + 1, end).boxed().toList());
      } finally {
        informers.forEach(Informer::close);
        sse.forEach(SseRecorder::close);
        stalled.close();
      }
    }
  }

  /** Waits until the store equals the hypervisor (resyncs found what dropped events hid). */
  static Map<String, Long> awaitSettled(FakeDaemon d) {
    await().atMost(WAIT).until(() -> {
      var model = d.source.all();
      var snap = d.daemon.store().snapshot();
      return model.size() == snap.size() && model.stream().allMatch(o -> snap.byUuid(o.uuid())
          .map(x -> x.status().state().equals(o.state())
              && io.virtrev.versioning.XmlCanon.equivalent(x.spec().xml(), o.configXml())).orElse(false));
    });
    return InformerTest.listed(d.api);
  }
}
