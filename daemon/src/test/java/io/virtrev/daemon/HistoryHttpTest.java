package io.virtrev.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.fixtures.ApiClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads of the past over real HTTP: Exact lists, GET at a revision, history, diff, and their errors. */
class HistoryHttpTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  @TempDir Path dir;
  private FakeDaemon d;
  private String web;
  private String db;
  /** Revision -> the full list body the daemon served while it was current. */
  private final Map<Long, JsonNode> listAt = new LinkedHashMap<>();

  @BeforeEach
  void start() throws Exception {
    d = FakeDaemon.start(dir, c -> c.withStore(c.store().withHistoryRetention(1000)));
    web = step(() -> d.source.defineTiny("web-1"));
    db = step(() -> d.source.defineTiny("db-1"));
    step(() -> d.source.redefine(web, 64));
    step(() -> d.source.start(web));
    step(() -> d.source.undefine(db));
    step(() -> d.source.redefine(web, 128));
  }

  private void step(Runnable change) {
    step(() -> {
      change.run();
      return null;
    });
  }

  /**
   * Makes a change, waits for it to commit and records the list at that revision. The revision is read
   * before the change: read after it, it may already include the change, and the wait would never end.
   */
  private <T> T step(java.util.function.Supplier<T> change) {
    long before = d.revision();
    T result = change.get();
    await().atMost(WAIT).until(() -> d.revision() > before);
    JsonNode l = ok(d.api.get("/api/v1/domains"));
    listAt.put(l.at("/metadata/resourceVersion").asLong(), l);
    return result;
  }

  @AfterEach
  void stop() {
    d.close();
  }

  @Test
  void anExactListIsTheStateThatWasCurrentAtThatRevision() {
    assertThat(listAt).hasSize(6);
    listAt.forEach((rv, was) -> {
      JsonNode exact = ok(d.api.get("/api/v1/domains?resourceVersion=" + rv + "&resourceVersionMatch=Exact"));
      assertThat(exact.at("/metadata/resourceVersion").asLong()).isEqualTo(rv);
      assertThat(exact.get("items")).as("Exact at %d", rv).isEqualTo(was.get("items"));
    });
    // Exact pages too: limit 1 at revision 3 (two domains then).
    JsonNode p1 = ok(d.api.get("/api/v1/domains?resourceVersion=3&resourceVersionMatch=Exact&limit=1"));
    JsonNode p2 = ok(d.api.get("/api/v1/domains?limit=1&continue=" + p1.at("/metadata/continue").asText()));
    assertThat(List.of(p1.at("/items/0"), p2.at("/items/0"))).containsExactlyElementsOf(listAt.get(3L).get("items"));
    assertThat(p2.at("/metadata/continue").isMissingNode()).isTrue();
    // NotOlderThan is "at least": the current state.
    JsonNode not = ok(d.api.get("/api/v1/domains?resourceVersion=3&resourceVersionMatch=NotOlderThan"));
    assertThat(not.at("/metadata/resourceVersion").asLong()).isEqualTo(d.revision());
  }

  @Test
  void getAtARevisionIsTheDomainAsItWasThen() {
    ApiClient.Response r = d.api.get("/api/v1/domains/web-1?resourceVersion=4");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().at("/metadata/resourceVersion").asText()).isEqualTo("4");
    assertThat(r.header("etag")).isEqualTo("\"4\"");
    assertThat(r.json().at("/spec/xml").asText()).contains("65536"); // 64 MiB in KiB
    // At revision 4 web-1 was started; at 5 (db-1 deleted) it is still the version of 4.
    assertThat(d.api.get("/api/v1/domains/" + web + "?resourceVersion=6").header("etag")).isEqualTo("\"5\"");
    ApiClient.Response xml = d.api.get("/api/v1/domains/web-1?resourceVersion=2", "Accept", "application/xml");
    assertThat(xml.header("content-type")).startsWith("application/xml");
    assertThat(xml.body()).startsWith("<?virtrev-base generation=\"1\"?>\n<domain")
        .contains("<name>web-1</name>").contains("32768");
    // A deleted domain, by name and by uuid, as it was before its deletion.
    assertThat(ok(d.api.get("/api/v1/domains/db-1?resourceVersion=5")).at("/metadata/uuid").asText()).isEqualTo(db);
    assertThat(d.api.get("/api/v1/domains/" + db + "?resourceVersion=3").status()).isEqualTo(200);
    assertError(d.api.get("/api/v1/domains/db-1?resourceVersion=6"), 404, "NotFound", "not found at revision 6");
    assertError(d.api.get("/api/v1/domains/db-1?resourceVersion=2"), 404, "NotFound", "not found at revision 2");
    assertError(d.api.get("/api/v1/domains/web-1?resourceVersion=x"), 400, "BadRequest", "resourceVersion");
  }

  @Test
  void historyIsNewestFirstAndPaginates() {
    JsonNode h = ok(d.api.get("/api/v1/domains/web-1/history"));
    assertThat(h.get("kind").asText()).isEqualTo("DomainHistory");
    assertThat(h.get("apiVersion").asText()).isEqualTo("virtrev.io/v1");
    assertThat(h.at("/metadata/resourceVersion").asLong()).isEqualTo(d.revision());
    assertThat(h.at("/metadata/storeId").asText()).isEqualTo(d.daemon.store().snapshot().storeId());
    assertThat(h.at("/metadata/compactedRevision").asText()).isEqualTo("1");
    assertThat(h.get("items")).extracting(i -> i.get("type").asText() + "@" + i.at("/object/metadata/resourceVersion").asText())
        .containsExactly("MODIFIED@7", "MODIFIED@5", "MODIFIED@4", "ADDED@2");
    Instant.parse(h.at("/items/0/time").asText()); // ISO-8601
    List<JsonNode> paged = new ArrayList<>();
    String token = null;
    do {
      JsonNode p = ok(d.api.get("/api/v1/domains/" + web + "/history?limit=1" + (token == null ? "" : "&continue=" + token)));
      p.get("items").forEach(paged::add);
      token = p.at("/metadata/continue").isMissingNode() ? null : p.at("/metadata/continue").asText();
      d.source.reboot(web); // new revisions between pages do not show up
    } while (token != null);
    assertThat(paged).containsExactlyElementsOf(h.get("items"));
    // A deleted domain's history by uuid (and by its last name).
    JsonNode gone = ok(d.api.get("/api/v1/domains/" + db + "/history"));
    assertThat(gone.get("items")).extracting(i -> i.get("type").asText()).containsExactly("DELETED", "ADDED");
    assertThat(ok(d.api.get("/api/v1/domains/db-1/history")).get("items")).isEqualTo(gone.get("items"));
    assertError(d.api.get("/api/v1/domains/nope/history"), 404, "NotFound", "\"nope\"");
  }

  @Test
  void diffIsAUnifiedDiffOfTheConfigXml() {
    ApiClient.Response r = d.api.get("/api/v1/domains/web-1/diff?from=2&to=4");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("content-type")).startsWith("text/plain");
    assertThat(r.body()).startsWith("--- rev 2\n+++ rev 4\n@@ ")
        .contains("\n-  <memory unit='KiB'>32768</memory>\n").contains("\n+  <memory unit='KiB'>65536</memory>\n");
    // Defaults: to = current, from = the version before the one at "to" (revision 4, started: same XML).
    ApiClient.Response def = d.api.get("/api/v1/domains/web-1/diff");
    assertThat(def.body()).startsWith("--- rev 5\n+++ rev " + d.revision() + "\n")
        .contains("-  <memory unit='KiB'>65536</memory>").contains("+  <memory unit='KiB'>131072</memory>");
    assertThat(d.api.get("/api/v1/domains/web-1/diff?from=4&to=5").body()).isEmpty(); // a start changes no config
    assertThat(d.api.get("/api/v1/domains/web-1/diff?to=2").body()).startsWith("--- rev 1\n+++ rev 2\n")
        .contains("+<domain");
    assertError(d.api.get("/api/v1/domains/web-1/diff?from=5&to=4"), 400, "BadRequest", "from=5 is after to=4");
    assertError(d.api.get("/api/v1/domains/web-1/diff?from=abc"), 400, "BadRequest", "from");
    assertError(d.api.get("/api/v1/domains/db-1/diff?from=3&to=6"), 404, "NotFound", "at revision 6");
  }

  @Test
  void compactedRevisionsAreGoneEverywhere() throws Exception {
    JsonNode p1 = ok(d.api.get("/api/v1/domains?limit=1&resourceVersion=3&resourceVersionMatch=Exact"));
    JsonNode h1 = ok(d.api.get("/api/v1/domains/web-1/history?limit=1"));
    for (int i = 0; i < 20; i++) {
      long before = d.revision();
      d.source.redefine(web, 200 + i);
      await().atMost(WAIT).until(() -> d.revision() > before);
    }
    d.close(); // reopen with a small window so that everything above is compacted
    d = FakeDaemon.start(dir, d.source, c -> c.withStore(c.store().withHistoryRetention(5)));
    long c = d.daemon.store().compactNow().get(10, TimeUnit.SECONDS).value();
    assertThat(c).isEqualTo(d.revision() - 5);
    assertError(d.api.get("/api/v1/domains?limit=1&continue=" + p1.at("/metadata/continue").asText()), 410, "Expired",
        "The provided continue parameter is too old");
    assertError(d.api.get("/api/v1/domains/web-1/history?limit=1&continue=" + h1.at("/metadata/continue").asText()),
        410, "Expired", "continue parameter is too old");
    assertError(d.api.get("/api/v1/domains?resourceVersion=4&resourceVersionMatch=Exact"), 410, "Expired", "too old");
    assertError(d.api.get("/api/v1/domains/web-1?resourceVersion=4"), 410, "Expired", "too old resource version: 4");
    assertError(d.api.get("/api/v1/domains/web-1/diff?from=4"), 410, "Expired", "too old");
    // At the compacted revision itself everything still answers: its state is kept.
    assertThat(ok(d.api.get("/api/v1/domains?resourceVersion=" + c + "&resourceVersionMatch=Exact")).get("items")).hasSize(1);
    JsonNode h = ok(d.api.get("/api/v1/domains/web-1/history"));
    assertThat(h.at("/metadata/compactedRevision").asLong()).isEqualTo(c);
    assertThat(h.get("items")).hasSize(6); // 5 after the mark, and the version the mark holds
  }

  @Test
  void badListParametersAreRefused() {
    assertError(d.api.get("/api/v1/domains?resourceVersionMatch=Exact"), 400, "BadRequest",
        "resourceVersionMatch is forbidden unless resourceVersion is provided");
    assertError(d.api.get("/api/v1/domains?resourceVersion=3&resourceVersionMatch=Newest"), 400, "BadRequest",
        "Unsupported value: \"Newest\"");
    assertError(d.api.get("/api/v1/domains?resourceVersion=0&resourceVersionMatch=Exact"), 400, "BadRequest",
        "forbidden for resourceVersion \"0\"");
    assertError(d.api.get("/api/v1/domains?limit=-1"), 400, "BadRequest", "limit");
    JsonNode p1 = ok(d.api.get("/api/v1/domains?limit=1&resourceVersion=3&resourceVersionMatch=Exact"));
    String token = p1.at("/metadata/continue").asText();
    assertThat(token).isNotEmpty();
    assertError(d.api.get("/api/v1/domains?limit=1&resourceVersion=4&continue=" + token), 400, "BadRequest",
        "resourceVersion is not allowed when using continue");
    assertError(d.api.get("/api/v1/domains?limit=1&fieldSelector=metadata.name%3Dx&continue=" + token), 400,
        "BadRequest", "differs from the one the list started with");
    assertError(d.api.get("/api/v1/domains?continue=not-a-token"), 400, "BadRequest", "continue token is malformed");
    String json = new String(Base64.getUrlDecoder().decode(token));
    String edited = Base64.getUrlEncoder().withoutPadding().encodeToString(
        json.replace("\"rv\":\"" + p1.at("/metadata/resourceVersion").asText() + "\"", "\"rv\":\"1\"").getBytes());
    assertThat(edited).isNotEqualTo(token);
    assertError(d.api.get("/api/v1/domains?continue=" + edited), 400, "BadRequest", "was modified");
    assertError(d.api.get("/api/v1/domains/web-1/history?continue=" + token), 400, "BadRequest", "not a history");
  }

  /**
   * History tokens are checked against the store as list tokens are: a forged token (valid CRC) naming a
   * future revision, a "before" beyond its revision, or a compacted mark ahead of the store's is 400; a
   * real token after compaction moved is 410.
   */
  @Test
  void aForgedHistoryTokenIsRefusedAgainstTheStore() throws Exception {
    JsonNode h1 = ok(d.api.get("/api/v1/domains/web-1/history?limit=1"));
    String token = h1.at("/metadata/continue").asText();
    assertThat(token).isNotEmpty();
    long now = d.revision();
    String future = Long.toString(now + 100);
    assertError(d.api.get("/api/v1/domains/web-1/history?limit=1&continue=" + forge(token, "rv", future)), 400,
        "BadRequest", "continue token names revision " + future + ", beyond the store's current " + now);
    assertError(d.api.get("/api/v1/domains/web-1/history?limit=1&continue="
        + forge(token, "before", Long.toString(now + 1))), 400, "BadRequest", "malformed or was modified");
    assertError(d.api.get("/api/v1/domains/web-1/history?limit=1&continue="
        + forge(token, "compacted", Long.toString(now))), 400, "BadRequest", "malformed or was modified");
    assertThat(d.api.get("/api/v1/domains/web-1/history?limit=1&continue=" + forge(token, "rv",
        h1.at("/metadata/resourceVersion").asText())).status()).as("the forger re-encodes faithfully").isEqualTo(200);
  }

  /** Re-encodes a continue token with {@code field} set to {@code value} and a matching CRC (as a forger would). */
  @SuppressWarnings("unchecked")
  private static String forge(String token, String field, String value) throws Exception {
    Map<String, Object> m = io.virtrev.api.Json.mapper().readValue(Base64.getUrlDecoder().decode(token),
        LinkedHashMap.class);
    m.remove("crc");
    m.put(field, value);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(m.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    m.put("crc", crc.getValue());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(io.virtrev.api.Json.bytes(m));
  }

  @Test
  void aTokenFromAnotherStoreIsRefused(@TempDir Path other) throws Exception {
    String token = ok(d.api.get("/api/v1/domains?limit=1&resourceVersion=3&resourceVersionMatch=Exact"))
        .at("/metadata/continue").asText();
    assertThat(token).isNotEmpty();
    try (FakeDaemon o = FakeDaemon.start(other, c -> c)) {
      o.source.defineTiny("x");
      o.awaitRevision(2);
      assertError(o.api.get("/api/v1/domains?continue=" + token), 400, "BadRequest", "is from store "
          + d.daemon.store().snapshot().storeId());
    }
  }

  @Test
  void anExactRevisionNotReachedIsATimeout() {
    long beyond = d.revision() + 100;
    assertError(d.api.get("/api/v1/domains?resourceVersion=" + beyond + "&resourceVersionMatch=Exact"), 504, "Timeout",
        "Too large resource version: " + beyond);
  }

  private static JsonNode ok(ApiClient.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  private static void assertError(ApiClient.Response r, int code, String reason, String message) {
    assertThat(r.status()).as(r.body()).isEqualTo(code);
    JsonNode j = r.json();
    assertThat(j.get("kind").asText()).isEqualTo("Status");
    assertThat(j.get("reason").asText()).isEqualTo(reason);
    assertThat(j.get("code").asInt()).isEqualTo(code);
    assertThat(j.get("message").asText()).contains(message);
  }
}
