package io.virtrev.daemon;

import static io.virtrev.daemon.ApiHttpTest.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.launchdarkly.eventsource.EventSource;
import io.virtrev.fixtures.SeenEvent;
import io.virtrev.fixtures.WatchClient;
import io.virtrev.fixtures.WatchGuarantees;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bookmarks, streaming lists, field selectors, limits and Server-Sent Events, over real HTTP. */
class WatchFeaturesTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  @TempDir Path dir;

  @Test
  void bookmarksWhenIdleAndJustBeforeTheServerEndsTheStream() throws Exception {
    try (FakeDaemon d = FakeDaemon.start(dir, c -> c.withHttp(c.http().withBookmarkInterval(Duration.ofMillis(200))))) {
      d.source.defineTiny("a");
      d.awaitRevision(2);
      try (WatchClient w = WatchClient.open(d.api,
          "/api/v1/domains?watch=true&resourceVersion=2&allowWatchBookmarks=true&timeoutSeconds=2")) {
        await().atMost(WAIT).until(() -> w.events().stream().anyMatch(e -> e.type().equals("BOOKMARK")));
        SeenEvent idle = w.events().get(0);
        assertThat(idle.type()).isEqualTo("BOOKMARK");
        assertThat(idle.resourceVersion()).isEqualTo(2);
        assertThat(idle.objectJson()).isEqualTo("{\"kind\":\"Domain\",\"apiVersion\":\"virtrev.io/v1\",\"metadata\":{\"resourceVersion\":\"2\"}}");
        d.source.defineTiny("b");
        d.awaitRevision(3);
        w.ended().get(10, TimeUnit.SECONDS);
        List<SeenEvent> seen = w.events();
        assertThat(seen).anySatisfy(e -> assertThat(e.name()).isEqualTo("b"));
        assertThat(seen.get(seen.size() - 1).type()).as("the last event before the end").isEqualTo("BOOKMARK");
        assertThat(seen.get(seen.size() - 1).resourceVersion()).isEqualTo(d.revision());
        assertThat(WatchGuarantees.ordered(seen)).isEmpty();
      }
      try (WatchClient w = WatchClient.open(d.api, "/api/v1/domains?watch=true&resourceVersion=2&timeoutSeconds=1")) {
        w.ended().get(10, TimeUnit.SECONDS);
        assertThat(w.events()).as("no bookmarks unless asked for").noneMatch(e -> e.type().equals("BOOKMARK"));
      }
    }
  }

  @Test
  void streamingListSendsTheStateThenAnAnnotatedBookmarkThenChanges() throws Exception {
    try (FakeDaemon d = FakeDaemon.start(dir, c -> c)) {
      String a = d.source.defineTiny("a");
      d.source.defineTiny("b");
      d.awaitRevision(3);
      try (WatchClient w = WatchClient.open(d.api, "/api/v1/domains?watch=true&sendInitialEvents=true"
          + "&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true")) {
        await().atMost(WAIT).until(() -> w.events().size() >= 3);
        List<SeenEvent> first = w.events();
        assertThat(first).extracting(SeenEvent::type).startsWith("ADDED", "ADDED", "BOOKMARK");
        assertThat(first.get(2).resourceVersion()).isEqualTo(3);
        assertThat(first.get(2).objectJson()).contains("\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}");
        d.source.start(a);
        await().atMost(WAIT).until(() -> w.events().size() == 4);
        assertThat(w.events().get(3).type()).isEqualTo("MODIFIED");
        assertThat(w.events().get(3).resourceVersion()).isEqualTo(4);
      }
      assertStatus(d.api.get("/api/v1/domains?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan"),
          422, "Invalid", "requires setting allowWatchBookmarks");
      assertStatus(d.api.get("/api/v1/domains?watch=true&sendInitialEvents=true&allowWatchBookmarks=true"),
          422, "Invalid", "requires resourceVersionMatch=NotOlderThan");
      assertStatus(d.api.get("/api/v1/domains?watch=true&resourceVersionMatch=Exact&resourceVersion=1"),
          422, "Invalid", "forbidden for watch");
    }
  }

  /** A domain that starts matching a selector is ADDED for that watch, one that stops is DELETED. */
  @Test
  void fieldSelectorsTurnMatchesIntoAddedAndDeleted() throws Exception {
    try (FakeDaemon d = FakeDaemon.start(dir, c -> c)) {
      String a = d.source.defineTiny("a");
      String b = d.source.defineTiny("b");
      d.awaitRevision(3);
      try (WatchClient running = WatchClient.open(d.api,
              "/api/v1/domains?watch=true&resourceVersion=3&fieldSelector=status.state%3Drunning");
          WatchClient notB = WatchClient.open(d.api,
              "/api/v1/domains?watch=true&resourceVersion=3&fieldSelector=metadata.name!%3Db");
          WatchClient oneUrl = WatchClient.open(d.api, "/api/v1/domains/b?watch=true&resourceVersion=3")) {
        // One change at a time: changes of one domain faster than a re-read would be coalesced.
        step(d, () -> d.source.start(a));
        step(d, () -> d.source.start(b));
        step(d, () -> d.source.suspend(a));
        step(d, () -> d.source.resume(a));
        step(d, () -> d.source.destroy(a));
        await().atMost(WAIT).until(() -> running.events().size() == 5);
        assertThat(running.events()).extracting(e -> e.type() + " " + e.name())
            .containsExactly("ADDED a", "ADDED b", "DELETED a", "ADDED a", "DELETED a");
        await().atMost(WAIT).until(() -> notB.events().size() == 4);
        assertThat(notB.events()).extracting(SeenEvent::name).containsOnly("a");
        await().atMost(WAIT).until(() -> oneUrl.events().size() == 1);
        assertThat(oneUrl.events()).extracting(e -> e.type() + " " + e.name()).containsExactly("MODIFIED b");
      }
      assertThat(d.api.list().items()).hasSize(2);
      assertThat(d.api.get("/api/v1/domains?fieldSelector=status.state%3Drunning").json().get("items"))
          .extracting(i -> i.at("/metadata/name").asText()).containsExactly("b");
      assertStatus(d.api.get("/api/v1/domains?fieldSelector=spec.xml%3Dx"), 400, "BadRequest", "not supported");
      assertStatus(d.api.get("/api/v1/domains?watch=true&fieldSelector=metadata.name"), 400, "BadRequest",
          "has no operator");
    }
  }

  private static void step(FakeDaemon d, Runnable change) {
    long before = d.revision();
    change.run();
    d.awaitRevision(before + 1);
  }

  @Test
  void watchersBeyondTheLimitGet429() throws Exception {
    try (FakeDaemon d = FakeDaemon.start(dir, c -> c.withHttp(c.http().withMaxWatchers(2)))) {
      WatchClient w1 = WatchClient.open(d.api, "/api/v1/domains?watch=true");
      try (WatchClient w2 = WatchClient.open(d.api, "/api/v1/domains?watch=true")) {
        assertThat(w1.status(WAIT)).isEqualTo(200);
        assertThat(w2.status(WAIT)).isEqualTo(200);
        var r = d.api.get("/api/v1/domains?watch=true");
        assertStatus(r, 429, "TooManyRequests", "the limit is 2");
        assertThat(r.header("retry-after")).isEqualTo("1");
        w1.close();
        await().atMost(WAIT).until(() -> {
          try (WatchClient w3 = WatchClient.open(d.api, "/api/v1/domains?watch=true&timeoutSeconds=1")) {
            return w3.status(WAIT) == 200;
          }
        });
      }
    }
  }

  /**
   * A real SSE client (LaunchDarkly's EventSource, which reconnects with Last-Event-ID as browsers do)
   * against a server that ends every stream after a second while changes keep coming: across all the
   * reconnects it sees every revision exactly once, in order.
   */
  @Test
  void serverSentEventsResumeExactlyFromLastEventId() throws Exception {
    try (FakeDaemon d = FakeDaemon.start(dir, c -> c)) {
      String a = d.source.defineTiny("a");
      d.awaitRevision(2);
      URI uri = URI.create(d.api.base() + "/api/v1/domains?watch=true&resourceVersion=2&timeoutSeconds=1");
      try (SseRecorder sse = new SseRecorder(uri)) {
        for (int i = 0; i < 120; i++) {
          d.source.redefine(a, 33 + i % 50);
          if (i % 30 == 29) { // let the client catch up now and then, across reconnects
            long target = Math.max(3, d.revision());
            await().atMost(WAIT).until(() -> sse.last() >= target);
            int connections = sse.opens.get();
            await().atMost(WAIT).until(() -> sse.opens.get() > connections); // the server ended it; it came back
          }
        }
        long end = d.revision();
        await().atMost(WAIT).until(() -> sse.last() == end);
        assertThat(sse.opens.get()).as("the server ended streams and the client reconnected").isGreaterThanOrEqualTo(5);
        assertThat(sse.snapshot()).containsExactlyElementsOf(LongStream.rangeClosed(3, end).boxed().toList());
        assertThat(sse.types).containsOnly("MODIFIED");
      }
    }
  }
}
