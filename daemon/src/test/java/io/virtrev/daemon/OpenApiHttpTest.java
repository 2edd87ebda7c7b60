package io.virtrev.daemon;

import static io.virtrev.daemon.ApiHttpTest.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.virtrev.api.Json;
import io.virtrev.daemon.security.TokenFile;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.DomainXml;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI documents over the real Netty server: served as the apiserver serves them (JSON, 406 for
 * protobuf only, hash ETags, immutable hashed URLs, the same authentication as discovery), describing
 * every route the server has, and matching the objects the API really returns: each one (list, get,
 * watch events, a Status, history) validates against the served schema with every object schema closed
 * ({@code additionalProperties: false}), so a field a real object has and the schema lacks fails.
 */
class OpenApiHttpTest {
  static final String GROUP = "/apis/virtrev.io/v1/domains";
  static final String V3_GROUP = "/openapi/v3/apis/virtrev.io/v1";
  /** What client-go's OpenAPISchema() sends for /openapi/v2 (kubectl's client-side validation). */
  static final String PROTOBUF_V2 = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

  @TempDir Path dir;

  @Test
  void servesTheDocumentsWithTheApiserversCaching() throws Exception {
    try (FakeDaemon d = FakeDaemon.start(dir, c -> c)) {
      ApiClient.Response index = d.api.get("/openapi/v3", "Accept", "application/json");
      assertThat(index.status()).as(index.body()).isEqualTo(200);
      assertThat(index.header("content-type")).isEqualTo("application/json");
      List<String> keys = new ArrayList<>();
      index.json().get("paths").fieldNames().forEachRemaining(keys::add);
      assertThat(keys).containsExactly("apis/virtrev.io/v1");
      String url = index.json().at("/paths/apis~1virtrev.io~1v1/serverRelativeURL").asText();
      assertThat(url).matches("/openapi/v3/apis/virtrev\\.io/v1\\?hash=[0-9A-F]{128}");
      String hash = url.substring(url.indexOf("hash=") + 5);

      ApiClient.Response hashed = d.api.get(url, "Accept", "application/json");
      assertThat(hashed.status()).isEqualTo(200);
      assertThat(sha512(hashed.body())).as("the hash is the document's SHA-512").isEqualTo(hash);
      assertThat(hashed.header("etag")).isEqualTo("\"" + hash + "\"");
      assertThat(hashed.header("cache-control")).isEqualTo("public, immutable");
      assertThat(hashed.header("expires")).isNotBlank();
      assertThat(hashed.json().get("openapi").asText()).isEqualTo("3.0.0");

      ApiClient.Response plain = d.api.get(V3_GROUP);
      assertThat(plain.body()).isEqualTo(hashed.body());
      assertThat(plain.header("etag")).isEqualTo("\"" + hash + "\"");
      assertThat(plain.header("cache-control")).as("only a hashed URL is immutable").isNull();
      assertThat(d.api.get(V3_GROUP, "If-None-Match", "\"" + hash + "\"").status()).isEqualTo(304);
      assertThat(d.api.get(V3_GROUP, "If-None-Match", "\"not-the-hash\"").status()).isEqualTo(200);

      ApiClient.Response stale = d.api.get(V3_GROUP + "?hash=ABC");
      assertThat(stale.status()).as("an old hash: the current document's URL").isEqualTo(301);
      assertThat(stale.header("location")).isEqualTo(url);

      ApiClient.Response v2 = d.api.get("/openapi/v2", "Accept", "application/json");
      assertThat(v2.status()).isEqualTo(200);
      assertThat(v2.json().get("swagger").asText()).isEqualTo("2.0");
      assertThat(v2.header("etag")).isEqualTo("\"" + sha512(v2.body()) + "\"");
      assertThat(d.api.get("/openapi/v2", "If-None-Match", v2.header("etag")).status()).isEqualTo(304);
      assertThat(d.api.get("/openapi/v2").body()).as("no Accept: JSON").isEqualTo(v2.body());

      assertStatus(d.api.get("/openapi/v2", "Accept", PROTOBUF_V2), 406, "NotAcceptable", "it serves: application/json");
      assertStatus(d.api.get(V3_GROUP, "Accept", "application/com.github.proto-openapi.spec.v3@v1.0+protobuf"),
          406, "NotAcceptable", PROTOBUF_V2.replace("v2", "v3"));
      assertThat(d.api.get("/openapi/v2", "Accept", PROTOBUF_V2 + ", application/json;q=0.5").status())
          .as("JSON when the client takes it too").isEqualTo(200);
      assertThat(d.api.send("HEAD", "/openapi/v3", null, null).status()).isEqualTo(200);
      ApiClient.Response post = d.api.send("POST", "/openapi/v2", "application/json", "{}");
      assertStatus(post, 405, "MethodNotAllowed", "method POST is not allowed on /openapi/v2");
    }
  }

  @Test
  void needTheSameAuthenticationAsDiscovery() throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens"), "monitor read " + TokenFile.hashLine("r-secret") + "\n");
    try (FakeDaemon d = FakeDaemon.start(dir.resolve("store"), c -> c.withAccess(c.access().withTokens(tokens)))) {
      for (String p : List.of("/apis", "/openapi/v2", "/openapi/v3", V3_GROUP)) {
        assertStatus(d.api.get(p), 401, "Unauthorized", "authentication required");
        assertThat(d.api.get(p, "Authorization", "Bearer r-secret").status()).as(p).isEqualTo(200);
      }
    }
  }

  @Test
  void everyOperationTheDocumentDescribesIsRouted() throws Exception {
    try (FakeDaemon d = FakeDaemon.start(dir, c -> c)) {
      JsonNode paths = d.api.get(V3_GROUP).json().get("paths");
      List<String> seen = new ArrayList<>();
      for (Iterator<String> it = paths.fieldNames(); it.hasNext(); ) {
        String path = it.next();
        for (Iterator<String> m = paths.get(path).fieldNames(); m.hasNext(); ) {
          String method = m.next();
          if (method.equals("parameters")) {
            continue;
          }
          String url = path.replace("{name}", "no-such-domain").replace("{pool}", "no-such-pool")
              .replace("{domain}", "no-such-domain");
          ApiClient.Response r = d.api.send(method.toUpperCase(Locale.ROOT), url,
              method.equals("get") || method.equals("delete") ? null : method.equals("patch") ? "application/merge-patch+json"
              : "application/json", method.equals("get")
                  || method.equals("delete") ? null : "{}");
          assertThat(r.status()).as(method + " " + path + ": " + r.body()).isNotEqualTo(405);
          assertThat(r.body()).as(method + " " + path).doesNotContain("no such path");
          seen.add(method + " " + path);
        }
      }
      assertThat(seen).contains("get " + GROUP, "post " + GROUP, "get " + GROUP + "/{name}", "put " + GROUP + "/{name}",
          "delete " + GROUP + "/{name}", "get " + GROUP + "/{name}/history", "get " + GROUP + "/{name}/diff",
          "post " + GROUP + "/{name}/start", "post " + GROUP + "/{name}/reset");
    }
  }

  @Test
  void everyObjectTheApiReturnsValidatesAgainstTheServedSchemaWithNoFieldOutsideIt() throws Exception {
    try (FakeDaemon d = FakeDaemon.start(dir, c -> c)) {
      String web = d.source.defineTiny("web");
      d.source.defineTiny("db");
      d.source.start(web); // id, liveXml, lastEvent
      await().atMost(Duration.ofSeconds(10)).until(() -> d.api.get(GROUP + "/web").json().at("/status/state").asText()
          .equals("running") && d.api.get(GROUP + "/db").status() == 200);
      JsonNode doc = d.api.get(V3_GROUP).json();

      List<JsonNode> checked = new ArrayList<>();
      JsonNode page = d.api.get(GROUP + "?limit=1").json();
      assertThat(page.at("/metadata/continue").isTextual()).as("a page with continue and remainingItemCount").isTrue();
      checked.add(valid(doc, "io.virtrev.v1.DomainList", page));
      checked.add(valid(doc, "io.virtrev.v1.DomainList", d.api.get(GROUP).json()));
      JsonNode running = d.api.get(GROUP + "/web").json();
      assertThat(running.at("/status/lastEvent/time").isTextual()).isTrue();
      assertThat(running.at("/status/liveXml").isTextual()).isTrue();
      checked.add(valid(doc, "io.virtrev.v1.Domain", running));
      String dbRevision = d.api.get(GROUP + "/db").json().at("/metadata/resourceVersion").asText();
      checked.add(valid(doc, "io.virtrev.v1.Domain", d.api.get(GROUP + "/db?resourceVersion=" + dbRevision).json()));
      ApiClient.Response missing = d.api.get(GROUP + "/nope");
      assertThat(missing.status()).isEqualTo(404);
      checked.add(valid(doc, "io.k8s.apimachinery.pkg.apis.meta.v1.Status", missing.json()));
      ObjectNode stale = running.deepCopy();
      stale.<ObjectNode>withObject("/metadata").put("resourceVersion", "1");
      ApiClient.Response conflict = d.api.send("PUT", GROUP + "/web", "application/json", stale.toString());
      assertThat(conflict.status()).as(conflict.body()).isEqualTo(409);
      checked.add(valid(doc, "io.k8s.apimachinery.pkg.apis.meta.v1.Status", conflict.json()));
      JsonNode history = d.api.get(GROUP + "/web/history").json();
      assertThat(history.get("items")).isNotEmpty();
      checked.add(valid(doc, "io.virtrev.v1.DomainHistory", history));

      HttpResponse<Stream<String>> watch = d.api.http().send(HttpRequest.newBuilder(
          URI.create(d.api.base() + GROUP + "?watch=true&timeoutSeconds=20")).build(), HttpResponse.BodyHandlers.ofLines());
      try (Stream<String> lines = watch.body()) {
        Iterator<String> it = lines.iterator();
        List<JsonNode> events = new ArrayList<>();
        events.add(Json.mapper().readTree(it.next()));
        events.add(Json.mapper().readTree(it.next()));
        d.source.suspend(web);
        events.add(Json.mapper().readTree(it.next()));
        assertThat(events.stream().map(e -> e.get("type").asText())).containsExactly("ADDED", "ADDED", "MODIFIED");
        for (JsonNode e : events) {
          checked.add(valid(doc, "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent", e));
          checked.add(valid(doc, "io.virtrev.v1.Domain", e.get("object")));
        }
      }
      assertThat(checked.size()).as("objects checked").isEqualTo(13);

      // The check is not vacuous: one field more than the model has, anywhere, is refused.
      ObjectNode extra = running.deepCopy();
      extra.<ObjectNode>withObject("/status/lastEvent").put("severity", "high");
      assertThat(errors(doc, "io.virtrev.v1.Domain", extra)).singleElement().asString().contains("severity");
    }
  }

  @Test
  void unknownFieldsInADomainObjectFollowFieldValidation() throws Exception {
    try (FakeDaemon d = FakeDaemon.start(dir, c -> c)) {
      String uuid = UUID.randomUUID().toString();
      String body = "{\"apiVersion\":\"virtrev.io/v1\",\"kind\":\"Domain\",\"metadata\":{\"name\":\"web\",\"colour\":\"red\"},"
          + "\"spec\":{\"xml\":" + Json.mapper().writeValueAsString(DomainXml.tiny("web", uuid, 32)) + ",\"foo\":1}}";
      long before = d.revision();
      assertStatus(d.api.send("POST", GROUP + "?fieldValidation=Strict", "application/json", body), 400, "BadRequest",
          "Domain in version \"v1\" cannot be handled as a Domain: strict decoding error: unknown field"
              + " \"metadata.colour\", unknown field \"spec.foo\"");
      assertThat(d.revision()).as("nothing changed").isEqualTo(before);
      assertThat(d.api.get(GROUP + "/web").status()).isEqualTo(404);

      ApiClient.Response warned = d.api.send("POST", GROUP, "application/json", body);
      assertThat(warned.status()).as("no fieldValidation: Warn, as the apiserver's default").isEqualTo(201);
      assertThat(warned.headers().allValues("warning").stream().collect(Collectors.joining(", ")))
          .isEqualTo("299 - \"unknown field \\\"metadata.colour\\\"\", 299 - \"unknown field \\\"spec.foo\\\"\"");

      JsonNode current = warned.json();
      ObjectNode put = current.deepCopy();
      put.<ObjectNode>withObject("/status").put("mood", "calm");
      assertStatus(d.api.send("PUT", GROUP + "/web?fieldValidation=Strict", "application/json", put.toString()), 400,
          "BadRequest", "strict decoding error: unknown field \"status.mood\"");
      ApiClient.Response ignored = d.api.send("PUT", GROUP + "/web?fieldValidation=Ignore", "application/json", put.toString());
      assertThat(ignored.status()).as(ignored.body()).isEqualTo(200);
      assertThat(ignored.header("warning")).isNull();
      ApiClient.Response clean = d.api.send("PUT", GROUP + "/web?fieldValidation=Strict", "application/json",
          ignored.json().toString());
      assertThat(clean.status()).as("a real object has no unknown field: " + clean.body()).isEqualTo(200);
      assertThat(clean.header("warning")).isNull();

      // A PATCH is judged by its result: what the patch adds that the model lacks.
      long beforePatch = d.revision();
      assertStatus(d.api.send("PATCH", GROUP + "/web?fieldValidation=Strict", "application/merge-patch+json",
          "{\"spec\":{\"colour\":\"red\"}}"), 400, "BadRequest", "strict decoding error: unknown field \"spec.colour\"");
      assertThat(d.revision()).as("a refused patch changes nothing").isEqualTo(beforePatch);
      ApiClient.Response patchWarned = d.api.send("PATCH", GROUP + "/web", "application/json-patch+json",
          "[{\"op\":\"add\",\"path\":\"/metadata/colour\",\"value\":\"red\"}]");
      assertThat(patchWarned.status()).as(patchWarned.body()).isEqualTo(200);
      assertThat(patchWarned.header("warning")).isEqualTo("299 - \"unknown field \\\"metadata.colour\\\"\"");
      ApiClient.Response patchIgnored = d.api.send("PATCH", GROUP + "/web?fieldValidation=Ignore",
          "application/merge-patch+json", "{\"spec\":{\"colour\":\"red\"}}");
      assertThat(patchIgnored.status()).as(patchIgnored.body()).isEqualTo(200);
      assertThat(patchIgnored.header("warning")).isNull();
    }
  }

  /** {@code instance}, after checking it validates against the served schema {@code name}, closed. */
  private static JsonNode valid(JsonNode doc, String name, JsonNode instance) {
    assertThat(errors(doc, name, instance)).as(name + ": " + instance).isEmpty();
    return instance;
  }

  /**
   * What the JSON-schema validator finds wrong with {@code instance} as {@code name} of the served
   * document, in the test's view: every object schema with properties is closed
   * ({@code additionalProperties: false}), so any field outside the schema is an error.
   */
  private static Set<String> errors(JsonNode doc, String name, JsonNode instance) {
    ObjectNode components = doc.get("components").deepCopy();
    close(components);
    ObjectNode root = Json.mapper().createObjectNode();
    root.putArray("allOf").addObject().put("$ref", "#/components/schemas/" + name);
    root.set("components", components);
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(root).validate(instance).stream()
        .map(ValidationMessage::getMessage).collect(Collectors.toSet());
  }

  private static void close(JsonNode n) {
    if (n instanceof ObjectNode o && o.has("properties") && !o.has("additionalProperties")) {
      o.put("additionalProperties", false);
    }
    n.forEach(OpenApiHttpTest::close);
  }

  private static String sha512(String body) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(body.getBytes(StandardCharsets.UTF_8)))
        .toUpperCase(Locale.ROOT);
  }
}
