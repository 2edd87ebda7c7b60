package io.virtrev.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.fixtures.ApiClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read API over real HTTP: shapes, headers, and every error as a Status. */
class ApiHttpTest {
  @TempDir Path dir;
  private FakeDaemon d;
  private String uuid;

  @BeforeEach
  void start() throws Exception {
    d = FakeDaemon.start(dir, c -> c);
    uuid = d.source.defineTiny("web-1");
    d.source.defineTiny("db-1");
    d.awaitRevision(3); // a new store is at 1; two ADDED
  }

  @AfterEach
  void stop() {
    d.close();
  }

  @Test
  void listIsOneSnapshotWithItsRevisionAndStoreId() {
    ApiClient.Response r = d.api.get("/api/v1/domains");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("content-type")).startsWith("application/json");
    JsonNode j = r.json();
    assertThat(j.get("kind").asText()).isEqualTo("DomainList");
    assertThat(j.get("apiVersion").asText()).isEqualTo("virtrev.io/v1");
    assertThat(j.at("/metadata/resourceVersion").asText()).isEqualTo("3");
    assertThat(j.at("/metadata/storeId").asText()).isEqualTo(d.daemon.store().snapshot().storeId());
    assertThat(j.get("items")).extracting(i -> i.at("/metadata/name").asText()).containsExactly("db-1", "web-1");
    JsonNode web = j.get("items").get(1);
    assertThat(web.at("/metadata/uuid").asText()).isEqualTo(uuid);
    assertThat(web.at("/metadata/generation").asLong()).isEqualTo(1);
    assertThat(web.at("/spec/xml").asText()).contains("<name>web-1</name>");
    assertThat(web.at("/spec/persistent").asBoolean()).isTrue();
    assertThat(web.at("/status/state").asText()).isEqualTo("shutoff");
    assertThat(web.at("/status/lastEvent/event").asText()).isEqualTo("defined");
  }

  /** A POST's metadata.name or uuid that contradicts its XML is refused, not silently replaced by the XML's. */
  @Test
  void aCreateWhoseMetadataContradictsItsXmlIsRefusedAndDefinesNothing() throws Exception {
    String newUuid = java.util.UUID.randomUUID().toString();
    String xml = io.virtrev.fixtures.DomainXml.tiny("app-1", newUuid, 32);
    String wrongName = "{\"apiVersion\":\"virtrev.io/v1\",\"kind\":\"Domain\",\"metadata\":{\"name\":\"other\"},"
        + "\"spec\":{\"xml\":" + io.virtrev.api.Json.mapper().writeValueAsString(xml) + "}}";
    assertStatus(d.api.send("POST", "/apis/virtrev.io/v1/domains", "application/json", wrongName), 400, "BadRequest",
        "metadata.name \"other\" does not match the <name> of spec.xml (\"app-1\")");
    String wrongUuid = wrongName.replace("\"name\":\"other\"", "\"name\":\"app-1\",\"uuid\":\"" + uuid + "\"");
    assertStatus(d.api.send("POST", "/apis/virtrev.io/v1/domains", "application/json", wrongUuid), 400, "BadRequest",
        "does not match the <uuid> of spec.xml (" + newUuid + ")");
    assertThat(d.api.get("/apis/virtrev.io/v1/domains/app-1").status()).isEqualTo(404);
    assertThat(d.revision()).isEqualTo(3);
  }

  /** docs/watch-semantics.md: a new store is at revision 1, "created", and its compacted revision is 1 too. */
  @Test
  void aNewStoreIsAtRevisionOneAndCompactedAtOne(@TempDir Path fresh) throws Exception {
    try (FakeDaemon empty = FakeDaemon.start(fresh, c -> c)) {
      JsonNode meta = empty.api.get("/api/v1/domains").json().get("metadata");
      assertThat(meta.get("resourceVersion").asText()).isEqualTo("1");
      assertThat(meta.get("compactedRevision").asText()).isEqualTo("1");
      empty.source.defineTiny("first");
      empty.awaitRevision(2);
      // A watch from the compacted revision is valid and replays the first change.
      try (io.virtrev.fixtures.WatchClient w = io.virtrev.fixtures.WatchClient.open(empty.api,
          "/api/v1/domains?watch=true&resourceVersion=1")) {
        assertThat(w.status(Duration.ofSeconds(10))).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> w.events().stream()
            .anyMatch(e -> e.type().equals("ADDED") && e.resourceVersion() == 2));
      }
      assertThat(empty.api.get("/api/v1/domains").json().at("/metadata/compactedRevision").asText()).isEqualTo("1");
    }
  }

  /** Booleans as kube-apiserver reads them (Go's strconv.ParseBool): the Python client sends watch=True. */
  @Test
  void booleanParametersTakeGoSpellings() {
    for (String no : new String[] {"False", "FALSE", "f", "F", "0", "false"}) {
      assertThat(d.api.get("/apis/virtrev.io/v1/domains?watch=" + no).json().get("kind").asText())
          .as("watch=" + no).isEqualTo("DomainList");
    }
    for (String yes : new String[] {"True", "TRUE", "t", "T", "1", "true"}) {
      try (io.virtrev.fixtures.WatchClient w = io.virtrev.fixtures.WatchClient.open(d.api,
          "/apis/virtrev.io/v1/domains?resourceVersion=1&watch=" + yes)) {
        assertThat(w.status(Duration.ofSeconds(10))).as("watch=" + yes).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> !w.events().isEmpty());
      }
    }
    assertStatus(d.api.get("/apis/virtrev.io/v1/domains?watch=yes"), 400, "BadRequest", "watch=yes is not a boolean");
  }

  @Test
  void getByNameOrUuidWithEtagAndConditionalGet() {
    ApiClient.Response byName = d.api.get("/api/v1/domains/web-1");
    ApiClient.Response byUuid = d.api.get("/api/v1/domains/" + uuid.toUpperCase());
    assertThat(byName.status()).isEqualTo(200);
    assertThat(byUuid.body()).isEqualTo(byName.body());
    String rv = byName.json().at("/metadata/resourceVersion").asText();
    assertThat(byName.header("etag")).isEqualTo("\"" + rv + "\"");
    assertThat(d.api.get("/api/v1/domains/web-1", "If-None-Match", "\"" + rv + "\"").status()).isEqualTo(304);
    d.source.start(uuid);
    await().atMost(Duration.ofSeconds(5)).until(() ->
        d.api.get("/api/v1/domains/web-1", "If-None-Match", "\"" + rv + "\"").status() == 200);
  }

  @Test
  void xmlRepresentations() {
    ApiClient.Response xml = d.api.get("/api/v1/domains/web-1", "Accept", "application/xml");
    assertThat(xml.status()).isEqualTo(200);
    assertThat(xml.header("content-type")).startsWith("application/xml");
    // The config XML as served carries the edit-base marker of its generation, before the root element.
    assertThat(xml.body()).startsWith("<?virtrev-base generation=\"1\"?>\n<domain")
        .contains("<uuid>" + uuid + "</uuid>");
    assertThat(xml.header("etag")).isNotNull();

    ApiClient.Response live = d.api.get("/api/v1/domains/web-1?live=true", "Accept", "application/xml");
    assertThat(live.status()).isEqualTo(409);
    assertThat(live.json().get("message").asText()).contains("not active");

    d.source.start(uuid);
    await().atMost(Duration.ofSeconds(5)).until(() ->
        d.api.get("/api/v1/domains/web-1?live=true", "Accept", "application/xml").status() == 200);
  }

  @Test
  void errorsAreStatusObjects() {
    assertStatus(d.api.get("/api/v1/domains/nope"), 404, "NotFound", "domain \"nope\" not found");
    assertStatus(d.api.get("/api/v1/nothing"), 404, "NotFound", "no such path");
    assertStatus(d.api.get("/api/v1/domains?resourceVersion=abc"), 400, "BadRequest",
        "invalid resource version \"abc\"");
    assertStatus(d.api.get("/api/v1/domains?watch=maybe"), 400, "BadRequest", "watch=maybe is not a boolean");
    ApiClient.Response del = d.api.send(HttpRequest.newBuilder(URI.create(d.api.base() + "/api/v1/domains"))
        .DELETE().build());
    assertStatus(del, 405, "MethodNotAllowed", "method DELETE is not allowed");
    assertThat(del.header("allow")).isEqualTo("GET, HEAD, POST");
    ApiClient.Response post = d.api.send("POST", "/api/v1/domains/web-1", "application/json", "{}");
    assertStatus(post, 405, "MethodNotAllowed", "method POST is not allowed");
    assertThat(post.header("allow")).isEqualTo("GET, HEAD, PUT, PATCH, DELETE");
    assertStatus(d.api.send("GET", "/api/v1/domains/web-1/start", null, null), 405, "MethodNotAllowed", "allowed: POST");
    assertStatus(d.api.send("POST", "/api/v1/domains/web-1/explode", null, null), 404, "NotFound", "no such path");
  }

  @Test
  void tooLargeResourceVersionWaitsThenAnswers504() {
    long t0 = System.nanoTime();
    ApiClient.Response r = d.api.get("/api/v1/domains?resourceVersion=999");
    assertStatus(r, 504, "Timeout", "Too large resource version: 999, current: 3");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void aRevisionReachedWhileWaitingIsServed() throws Exception {
    var f = java.util.concurrent.CompletableFuture.supplyAsync(() -> d.api.get("/api/v1/domains?resourceVersion=4"));
    await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !f.isDone());
    d.source.start(uuid);
    ApiClient.Response r = f.get(5, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().at("/metadata/resourceVersion").asLong()).isGreaterThanOrEqualTo(4);
  }

  @Test
  void healthAndReadiness() {
    assertThat(d.api.get("/healthz").status()).isEqualTo(200);
    assertThat(d.api.get("/readyz").status()).isEqualTo(200);
    d.source.disconnect("libvirtd stopped");
    ApiClient.Response r = d.api.get("/readyz");
    assertStatus(r, 503, "ServiceUnavailable", "libvirtd stopped");
    assertThat(d.api.get("/healthz").status()).isEqualTo(200);
    d.source.reconnect();
    await().atMost(Duration.ofSeconds(5)).until(() -> d.api.get("/readyz").status() == 200);
  }

  static void assertStatus(ApiClient.Response r, int code, String reason, String messagePart) {
    assertThat(r.status()).as(r.body()).isEqualTo(code);
    JsonNode j = r.json();
    assertThat(j.get("kind").asText()).isEqualTo("Status");
    assertThat(j.get("status").asText()).isEqualTo("Failure");
    assertThat(j.get("code").asInt()).isEqualTo(code);
    assertThat(j.get("reason").asText()).isEqualTo(reason);
    assertThat(j.get("message").asText()).contains(messagePart);
  }
}
