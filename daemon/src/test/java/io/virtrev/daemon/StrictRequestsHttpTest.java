package io.virtrev.daemon;

import static io.virtrev.daemon.ApiHttpTest.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.DomainXml;
import io.virtrev.fixtures.WatchClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing is silently ignored: every route family refuses a query parameter it does not take (400
 * naming it and the endpoint), takes what kubectl, client-go and fabric8 send, refuses an Accept it
 * cannot serve (406), and its Status carries the details clients parse.
 */
class StrictRequestsHttpTest {
  static final String G = "/apis/virtrev.io/v1/domains";
  @TempDir Path dir;
  private FakeDaemon d;
  private String uuid;

  @BeforeEach
  void start() throws Exception {
    d = FakeDaemon.start(dir, c -> c.withHttp(c.http().withMaxWatchers(1)));
    uuid = d.source.defineTiny("web-1");
    d.awaitRevision(2);
  }

  @AfterEach
  void stop() {
    d.close();
  }

  private record Call(String method, String path, String endpoint) {}

  @Test
  void anUnknownQueryParameterIs400NamingItAndTheEndpointOnEveryRoute() {
    long rev = d.revision();
    List<Call> calls = List.of(
        new Call("GET", G + "?bogus=1", "GET " + G),
        new Call("GET", G + "?watch=true&limit=5&bogus=1", "a watch of " + G),
        new Call("GET", G + "/web-1?bogus=1", "GET " + G + "/{name}"),
        new Call("GET", G + "/web-1?watch=1&bogus=1", "a watch of " + G + "/{name}"),
        new Call("GET", G + "/web-1/history?bogus=1", "GET " + G + "/{name}/history"),
        new Call("GET", G + "/web-1/diff?bogus=1", "GET " + G + "/{name}/diff"),
        new Call("PUT", G + "/web-1?bogus=1", "PUT " + G + "/{name}"),
        new Call("POST", G + "?bogus=1", "POST " + G),
        new Call("DELETE", G + "/web-1?bogus=1", "DELETE " + G + "/{name}"),
        new Call("POST", G + "/web-1/start?bogus=1", "POST " + G + "/{name}/start"),
        new Call("GET", "/apis?bogus=1", "GET /apis"),
        new Call("GET", "/api?bogus=1", "GET /api"),
        new Call("GET", "/apis/virtrev.io/v1?bogus=1", "GET /apis/virtrev.io/v1"),
        new Call("GET", "/version?bogus=1", "GET /version"),
        new Call("GET", "/healthz?bogus=1", "GET /healthz"),
        new Call("GET", "/readyz?verbose=1&bogus=1", "GET /readyz"),
        new Call("GET", "/api/v1/domains/web-1?bogus=1", "GET " + G + "/{name}"));
    for (Call c : calls) {
      ApiClient.Response r = c.method().equals("GET") ? d.api.get(c.path())
          : d.api.send(c.method(), c.path(), "application/xml", DomainXml.tiny("web-1", uuid, 48));
      assertStatus(r, 400, "BadRequest", "\"bogus\"");
      assertThat(r.json().get("message").asText()).as(c.path()).contains(" for " + c.endpoint() + "; it takes ");
    }
    assertStatus(d.api.get(G + "?limit=5&follow=1&bogus=2"), 400, "BadRequest",
        "unknown query parameters \"bogus\", \"follow\" for GET " + G);
    assertStatus(d.api.get(G + "?limit=5&timeoutSeconds=3"), 400, "BadRequest", "\"timeoutSeconds\"");
    assertStatus(d.api.get(G + "/web-1?limit=1"), 400, "BadRequest", "\"limit\"");
    assertStatus(d.api.get(G + "/web-1/diff?limit=1"), 400, "BadRequest", "it takes from, timeout, to");
    assertStatus(d.api.get("/apis?timeout=soon"), 400, "BadRequest", "timeout=soon is not a duration");
    assertStatus(d.api.get(G + "?timeout=-1s"), 400, "BadRequest", "timeout=-1s is not a duration");
    assertStatus(d.api.get(G + "?pretty=very"), 400, "BadRequest", "pretty=very is not a boolean");
    assertThat(d.revision()).as("nothing was changed").isEqualTo(rev);
    assertThat(d.source.writeCalls()).isZero();
  }

  /** What kubectl 1.32, client-go's reflector and fabric8's informer send (seen with kubectl -v=8). */
  @Test
  void whatStandardClientsSendIsTaken() {
    for (String ok : List.of(
        G + "?limit=500",
        G + "?resourceVersion=0",
        G + "?limit=500&resourceVersion=0&pretty=true",
        G + "?fieldSelector=metadata.name%3Dweb-1&limit=500",
        G + "?labelSelector=&limit=500",
        G + "/web-1",
        G + "/web-1?resourceVersion=2",
        G + "/web-1/history?limit=10",
        G + "/web-1/diff?to=2",
        "/apis?timeout=32s",
        "/api?timeout=32s",
        "/apis/virtrev.io/v1?timeout=32s",
        "/apis/virtrev.io?timeout=1m0s",
        "/version?pretty=true",
        "/healthz",
        "/readyz")) {
      assertThat(d.api.get(ok).status()).as(ok).isEqualTo(200);
    }
    ApiClient.Response w = d.api.get(G + "?allowWatchBookmarks=true&resourceVersion=2&timeoutSeconds=1&watch=true"
        + "&fieldSelector=&labelSelector=");
    assertThat(w.status()).as(w.body()).isEqualTo(200);
    ApiClient.Response waitWatch = d.api.get(G + "?allowWatchBookmarks=true&fieldSelector=metadata.name%3Dweb-1"
        + "&resourceVersion=2&timeoutSeconds=1&watch=true"); // kubectl wait
    assertThat(waitWatch.status()).as(waitWatch.body()).isEqualTo(200);
  }

  /** {@code timeout} bounds a wait for a resourceVersion not reached yet (--too-large-wait is 3 s here). */
  @Test
  void timeoutIsHonouredAsTheBoundOfAWait() {
    long t0 = System.nanoTime();
    ApiClient.Response r = d.api.get(G + "?resourceVersion=999&timeout=300ms");
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    assertStatus(r, 504, "Timeout", "Too large resource version: 999");
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofMillis(2500));
  }

  @Test
  void anAcceptNoRouteServesIs406() {
    for (String path : List.of(G, G + "/web-1", G + "/web-1/history", G + "/web-1/diff", "/apis", "/api",
        "/apis/virtrev.io/v1", "/version", "/healthz", "/readyz")) {
      ApiClient.Response r = d.api.get(path, "Accept", "image/png");
      assertStatus(r, 406, "NotAcceptable", "image/png");
    }
    for (ApiClient.Response r : List.of(
        d.api.send("PUT", G + "/web-1", "application/xml", DomainXml.tiny("web-1", uuid, 48), "Accept", "application/xml"),
        d.api.send("POST", G, "application/xml", DomainXml.tiny("new-1", java.util.UUID.randomUUID().toString(), 32),
            "Accept", "text/csv"),
        d.api.send("DELETE", G + "/web-1", null, null, "Accept", "application/yaml"),
        d.api.send("POST", G + "/web-1/start", null, null, "Accept", "text/plain"))) {
      assertStatus(r, 406, "NotAcceptable", "it serves: application/json");
    }
    assertThat(d.source.writeCalls()).as("refused before any change").isZero();
    // What kubectl sends for discovery (aggregated first, JSON as fallback) is served as JSON.
    assertThat(d.api.get("/apis", "Accept", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
        + "application/json;q=0.9").status()).isEqualTo(200);
  }

  /** apiserver's Status for "Too large resource version", which client-go's reflector parses. */
  @Test
  void theTooLargeResourceVersion504HasItsCauseAndRetryAfter() {
    ApiClient.Response r = d.api.get(G + "?resourceVersion=999");
    assertStatus(r, 504, "Timeout", "Too large resource version: 999, current: 2");
    JsonNode details = r.json().get("details");
    assertThat(details.at("/causes/0/reason").asText()).isEqualTo("ResourceVersionTooLarge");
    assertThat(details.at("/causes/0/message").asText()).isEqualTo("Too large resource version");
    assertThat(details.get("retryAfterSeconds").asInt()).isEqualTo(1);
    assertThat(r.header("retry-after")).isEqualTo("1");
  }

  @Test
  void tooManyWatchesIs429WithRetryAfterInDetailsAndHeader() throws Exception {
    try (WatchClient first = WatchClient.open(d.api, G + "?watch=true")) {
      assertThat(first.status(Duration.ofSeconds(30))).as("the one watch allowed is open").isEqualTo(200);
      ApiClient.Response r = d.api.get(G + "?watch=true&timeoutSeconds=1");
      assertStatus(r, 429, "TooManyRequests", "too many watches");
      assertThat(r.json().at("/details/retryAfterSeconds").asInt()).isEqualTo(1);
      assertThat(r.header("retry-after")).isEqualTo("1");
    }
  }

  @Test
  void notFoundAndConflictNameTheObjectKindAndGroup() {
    for (ApiClient.Response r : List.of(d.api.get(G + "/nope"), d.api.send("DELETE", G + "/nope", null, null),
        d.api.get(G + "/nope/history"))) {
      assertThat(r.status()).as(r.body()).isEqualTo(404);
      assertThat(r.json().at("/details/name").asText()).isEqualTo("nope");
      assertThat(r.json().at("/details/kind").asText()).isEqualTo("domains");
      assertThat(r.json().at("/details/group").asText()).isEqualTo("virtrev.io");
    }
    ApiClient.Response conflict = d.api.send("DELETE", G + "/web-1", "application/json",
        "{\"preconditions\":{\"resourceVersion\":\"1\"}}");
    ApiClient.Response exists = d.api.send("POST", G, "application/xml", DomainXml.tiny("web-1", uuid, 32));
    ApiClient.Response libvirtRefused = d.api.send("POST", G + "/web-1/destroy", null, null); // not running
    for (ApiClient.Response r : List.of(conflict, exists, libvirtRefused)) {
      assertThat(r.status()).as(r.body()).isEqualTo(409);
      assertThat(r.json().at("/details/name").asText()).as(r.body()).isEqualTo("web-1");
      assertThat(r.json().at("/details/kind").asText()).isEqualTo("domains");
      assertThat(r.json().at("/details/group").asText()).isEqualTo("virtrev.io");
    }
  }

  @Test
  void notReadyIs503WithRetryAfter() {
    d.source.disconnect("test");
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> d.api.get("/readyz").status() == 503);
    ApiClient.Response r = d.api.get("/readyz");
    assertThat(r.json().at("/details/retryAfterSeconds").asInt()).isEqualTo(1);
    assertThat(r.header("retry-after")).isEqualTo("1");
  }
}
