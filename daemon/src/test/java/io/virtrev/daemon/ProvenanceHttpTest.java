package io.virtrev.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.api.Json;
import io.virtrev.daemon.security.TokenFile;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.SeenEvent;
import io.virtrev.fixtures.WatchClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code status.request} over real HTTP: a mutation's revision names its method, its canonical group path
 * and the caller as the audit trail does; the answer, a GET, the watch line and the history item of that
 * revision carry the same status; the next revision, made by a libvirt event, carries none of it.
 */
class ProvenanceHttpTest {
  private static final String DOMAINS = "/apis/virtrev.io/v1/domains";
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String[] WRITER = {"Authorization", "Bearer w-secret"};
  @TempDir Path dir;

  @Test
  void aRequestsRevisionNamesTheRequestAndTheCallerEverywhereItIsServedAndTheNextRevisionDoesNot() throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens"), "platform write " + TokenFile.hashLine("w-secret") + "\n");
    Path audit = dir.resolve("audit.jsonl");
    try (FakeDaemon d = FakeDaemon.start(dir.resolve("store"),
        c -> c.withAccess(c.access().withTokens(tokens).withAudit(audit)))) {
      String uuid = d.source.defineTiny("web-1");
      d.awaitRevision(2);
      try (WatchClient watch = WatchClient.open(d.api, DOMAINS + "?watch=true&resourceVersion=2", WRITER)) {
        assertThat(watch.status(WAIT)).isEqualTo(200);
        // The alias path under /api/v1 is recorded as the group's path; the query is not part of it.
        ApiClient.Response started = d.api.send("POST", "/api/v1/domains/web-1/start?timeout=30s", null, null, WRITER);
        assertThat(started.status()).as(started.body()).isEqualTo(200);
        JsonNode status = started.json().get("status");
        assertThat(status.get("request")).isEqualTo(Json.mapper().readTree(
            "{\"method\":\"POST\",\"path\":\"" + DOMAINS + "/web-1/start\",\"user\":\"token:platform\"}"));
        assertThat(status.at("/lastEvent/event").asText()).as("not the define's event").isNotEqualTo("defined");
        long rv = started.json().at("/metadata/resourceVersion").asLong();

        d.source.destroy(uuid); // as virsh destroy: an event, no request
        await().atMost(WAIT).until(() -> watch.lastResourceVersion() > rv);
        List<SeenEvent> seen = watch.events();
        assertThat(statusAt(seen, rv)).as("the watch line").isEqualTo(status);
        assertThat(d.api.get(DOMAINS + "/web-1?resourceVersion=" + rv, WRITER).json().get("status"))
            .as("the object at that revision").isEqualTo(status);
        JsonNode items = d.api.get(DOMAINS + "/web-1/history", WRITER).json().get("items");
        JsonNode item = null;
        for (JsonNode i : items) {
          if (i.at("/object/metadata/resourceVersion").asLong() == rv) {
            item = i;
          }
        }
        assertThat(item).as("history item of %s in %s", rv, items).isNotNull();
        assertThat(item.at("/object/status")).as("the history item").isEqualTo(status);

        JsonNode destroyed = statusAt(seen, seen.get(seen.size() - 1).resourceVersion());
        assertThat(destroyed.has("request")).as("made by an event: %s", destroyed).isFalse();
        assertThat(destroyed.at("/lastEvent/detail").asText()).isEqualTo("destroyed");
        assertThat(destroyed.get("events")).hasSize(1);
      }
      // The audit trail names the same caller for the same request.
      await().atMost(WAIT).until(() -> Files.exists(audit) && Files.readString(audit).contains("/start"));
      JsonNode line = Json.mapper().readTree(Files.readAllLines(audit).stream().filter(l -> l.contains("/start"))
          .findFirst().orElseThrow());
      assertThat(line.get("who").asText()).isEqualTo("token:platform");
    }
  }

  @Test
  void anAnonymousCallersRequestHasNoUser() throws Exception {
    try (FakeDaemon d = FakeDaemon.start(dir.resolve("store"), c -> c)) {
      d.source.defineTiny("web-1");
      d.awaitRevision(2);
      ApiClient.Response r = d.api.send("DELETE", DOMAINS + "/web-1/", null, null);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(r.json().at("/status/request")).isEqualTo(Json.mapper().readTree(
          "{\"method\":\"DELETE\",\"path\":\"" + DOMAINS + "/web-1\"}"));
    }
  }

  private static JsonNode statusAt(List<SeenEvent> seen, long rv) throws Exception {
    for (SeenEvent e : seen) {
      if (e.resourceVersion() == rv) {
        return Json.mapper().readTree(e.objectJson()).get("status");
      }
    }
    throw new AssertionError("no watch event at " + rv + " in " + seen);
  }
}
