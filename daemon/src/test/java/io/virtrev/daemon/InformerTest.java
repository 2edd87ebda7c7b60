package io.virtrev.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.FakeDomainSource;
import io.virtrev.fixtures.InformerCache;
import io.virtrev.fixtures.Informer;
import io.virtrev.fixtures.SeenEvent;
import io.virtrev.fixtures.WatchGuarantees;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client-go-style informer (list, watch with bookmarks, resume, relist on 410) converges. */
class InformerTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  @TempDir Path dir;

  @Test
  void convergesThroughADaemonRestartWithoutRelisting() throws Exception {
    FakeDomainSource source = new FakeDomainSource();
    FakeDaemon d = FakeDaemon.start(dir, source, c -> c);
    int port = d.daemon.address().getPort();
    List<String> uuids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      uuids.add(source.defineTiny("d" + i));
    }
    try (Informer inf = new Informer(d.api, "", 1, "restart").start()) {
      source.start(uuids.get(0));
      await().atMost(WAIT).until(() -> inf.versions().equals(listed(d.api)));
      d.close(); // the daemon goes away: streams end, connections are refused
      source.suspend(uuids.get(0));
      source.undefine(uuids.get(1));
      String late = source.defineTiny("late");
      FakeDaemon again = FakeDaemon.start(dir, source, c -> c.withListen("127.0.0.1", port));
      try {
        source.start(late);
        await().atMost(WAIT).until(() -> inf.versions().equals(listed(again.api)));
        assertThat(inf.lists()).as("resumed from its last RV after the restart: no relist").isEqualTo(1);
        assertThat(inf.violations()).as(() -> inf.epochs().toString()).isEmpty();
        checkEpochs(inf);
      } finally {
        again.close();
      }
    }
  }

  @Test
  void relistsWhenItFellOutOfTheRetainedHistoryAndConverges() throws Exception {
    try (FakeDaemon d = FakeDaemon.start(dir, c -> c.withStore(c.store().withHistoryRetention(30).withEventLogCapacity(8)))) {
      d.source.defineTiny("a");
      try (Informer inf = new Informer(d.api, "", 1, "compaction").start()) {
        await().atMost(WAIT).until(() -> inf.versions().equals(listed(d.api)));
        inf.pause(true);
        await().atMost(WAIT).until(inf::parked);
        long from = inf.lastResourceVersion();
        WatchHttpTest.commit(d, 120); // 120 revisions while it is away: far beyond the 30 retained
        await().atMost(WAIT).until(() -> d.daemon.store().snapshot().compacted().value() > from);
        inf.pause(false);
        await().atMost(WAIT).until(() -> inf.versions().equals(listed(d.api)));
        assertThat(inf.lists()).as("got 410 and relisted").isGreaterThanOrEqualTo(2);
        assertThat(inf.violations()).isEmpty();
        checkEpochs(inf);
      }
    }
  }

  /** Every informer's cache ends equal to {@code expected}, with no violation and sound epochs. */
  static void assertConverged(List<Informer> informers, Map<String, Long> expected, Duration wait, String context) {
    for (Informer inf : informers) {
      await().atMost(wait).until(() -> inf.versions().equals(expected));
      assertThat(inf.violations()).as(context).isEmpty();
      checkEpochs(inf);
    }
  }

  static Map<String, Long> listed(ApiClient api) {
    InformerCache c = new InformerCache();
    c.replace(api.list().items());
    return c.versions();
  }

  /**
   * Within each list epoch, across all of its connections: Ordered, Unique, and Reliable (the events
   * cover every revision from the list's RV to the last one seen, with no gap) — for unfiltered watches.
   */
  static void checkEpochs(Informer inf) {
    for (Informer.Epoch epoch : inf.epochs()) {
      List<SeenEvent> changes = epoch.events().stream().filter(e -> !e.type().equals("BOOKMARK")).toList();
      for (List<SeenEvent> conn : epoch.connections()) {
        assertThat(WatchGuarantees.ordered(conn)).isEmpty();
        assertThat(WatchGuarantees.unique(conn)).isEmpty();
      }
      assertThat(WatchGuarantees.ordered(changes)).as("ordered across reconnects").isEmpty();
      assertThat(WatchGuarantees.unique(changes)).as("unique across reconnects").isEmpty();
      if (!changes.isEmpty()) {
        long last = changes.get(changes.size() - 1).resourceVersion();
        List<Long> all = java.util.stream.LongStream.rangeClosed(epoch.listedAt() + 1, last).boxed().toList();
        assertThat(WatchGuarantees.reliable(epoch.listedAt(), changes, all)).as("reliable across reconnects").isEmpty();
      }
    }
  }
}
