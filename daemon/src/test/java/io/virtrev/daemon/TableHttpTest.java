package io.virtrev.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.api.Json;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.DomainXml;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Table output ({@code Accept: application/json;as=Table;v=v1;g=meta.k8s.io}) of list, get and watch over
 * the real server and HTTP client: every cell of known domains, includeObject, Accept negotiation, 406.
 */
class TableHttpTest {
  /** What kubectl 1.32 sends for {@code kubectl get} with a human-readable output (get.go transformRequests). */
  static final String KUBECTL_ACCEPT = "application/json;as=Table;v=v1;g=meta.k8s.io,"
      + "application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
  static final String TABLE_V1 = "application/json;as=Table;v=v1;g=meta.k8s.io";

  @TempDir Path dir;
  private FakeDaemon d;
  private String webUuid;
  private String bigUuid;

  @BeforeEach
  void start() throws Exception {
    d = FakeDaemon.start(dir, c -> c);
    webUuid = d.source.defineTiny("web-1"); // 32 MiB, 1 vcpu, shutoff
    bigUuid = UUID.randomUUID().toString();
    // 4 vcpus of which 2 at start; memory in GiB: the unit attribute is honoured.
    d.source.define(DomainXml.tiny("big", bigUuid, 32)
        .replace("<memory unit='KiB'>32768</memory>", "<memory unit='GiB'>2</memory>")
        .replace("<vcpu placement='static'>1</vcpu>", "<vcpu placement='static' current='2'>4</vcpu>"), true);
    d.awaitRevision(3);
    d.source.start(bigUuid); // running / booted
    d.awaitRevision(4);
  }

  @AfterEach
  void stop() {
    d.close();
  }

  @Test
  void listAsTableForKubectlsAcceptHasEveryColumnOfEveryDomain() {
    ApiClient.Response r = d.api.get("/api/v1/domains", "Accept", KUBECTL_ACCEPT);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("content-type")).isEqualTo(TABLE_V1);
    JsonNode t = r.json();
    assertThat(t.get("kind").asText()).isEqualTo("Table");
    assertThat(t.get("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
    assertThat(t.at("/metadata/resourceVersion").asText()).isEqualTo("4")
        .isEqualTo(d.api.get("/api/v1/domains").json().at("/metadata/resourceVersion").asText());
    assertThat(t.get("columnDefinitions")).extracting(c -> c.get("name").asText() + "/" + c.get("type").asText()
        + "/" + c.get("priority").asInt()).containsExactly("Name/string/0", "State/string/0", "VCPUs/integer/0",
        "Memory/string/0", "Persistent/boolean/0", "UUID/string/1", "Autostart/boolean/1", "Reason/string/1");
    assertThat(t.at("/columnDefinitions/0/format").asText()).isEqualTo("name");
    assertThat(t.get("columnDefinitions")).allSatisfy(c -> assertThat(c.get("description").asText()).isNotBlank());
    JsonNode rows = t.get("rows");
    assertThat(rows).hasSize(2);
    assertThat(cells(rows.get(0))).containsExactly("big", "running", "2", "2Gi", "true", bigUuid, "false", "booted");
    assertThat(cells(rows.get(1)))
        .containsExactly("web-1", "shutoff", "1", "32Mi", "true", webUuid, "false", "unknown");
    assertThat(rows.get(0).at("/cells/2").isInt()).isTrue();
    assertThat(rows.get(0).at("/cells/4").isBoolean()).isTrue();
    // Default includeObject=Metadata: each row's object is the domain's metadata, not the domain.
    JsonNode obj = rows.get(1).get("object");
    assertThat(obj.get("kind").asText()).isEqualTo("PartialObjectMetadata");
    assertThat(obj.get("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
    assertThat(obj.at("/metadata/name").asText()).isEqualTo("web-1");
    assertThat(obj.at("/metadata/resourceVersion").asText()).isEqualTo("2");
    assertThat(obj.has("spec")).isFalse();
  }

  @Test
  void includeObjectNoneObjectMetadataAndAnUnknownValue() {
    JsonNode none = d.api.get("/api/v1/domains?includeObject=None", "Accept", TABLE_V1).json();
    assertThat(none.get("rows")).hasSize(2).allSatisfy(row -> assertThat(row.has("object")).isFalse());
    JsonNode full = d.api.get("/api/v1/domains?includeObject=Object", "Accept", TABLE_V1).json();
    assertThat(full.at("/rows/1/object/kind").asText()).isEqualTo("Domain");
    assertThat(full.at("/rows/1/object/spec/xml").asText()).contains("<name>web-1</name>");
    assertThat(full.at("/rows/0/object/status/state").asText()).isEqualTo("running");
    JsonNode meta = d.api.get("/api/v1/domains/web-1?includeObject=Metadata", "Accept", TABLE_V1).json();
    assertThat(meta.at("/rows/0/object/kind").asText()).isEqualTo("PartialObjectMetadata");
    assertThat(meta.at("/rows/0/object/metadata/uuid").asText()).isEqualTo(webUuid);

    ApiClient.Response bad = d.api.get("/api/v1/domains?includeObject=Everything", "Accept", TABLE_V1);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("reason").asText()).isEqualTo("BadRequest");
    assertThat(bad.json().get("message").asText()).contains("includeObject").contains("\"Everything\"");
    // Without a Table, includeObject has nothing to act on (the apiserver ignores it too).
    assertThat(d.api.get("/api/v1/domains?includeObject=None").json().get("kind").asText()).isEqualTo("DomainList");
  }

  @Test
  void pagesAsTablesCarryTheListsContinueAndRemainingCount() {
    JsonNode first = d.api.get("/api/v1/domains?limit=1", "Accept", KUBECTL_ACCEPT).json();
    assertThat(first.get("rows")).hasSize(1);
    assertThat(first.at("/rows/0/cells/0").asText()).isEqualTo("big");
    assertThat(first.at("/metadata/remainingItemCount").asLong()).isEqualTo(1);
    String token = first.at("/metadata/continue").asText();
    assertThat(token).isEqualTo(d.api.get("/api/v1/domains?limit=1").json().at("/metadata/continue").asText());
    assertThat(d.api.get("/api/v1/domains", "Accept", KUBECTL_ACCEPT).json().get("rows")).hasSize(2); // memoized at 4
    d.source.defineTiny("later"); // after the first page: not in the list's snapshot
    d.awaitRevision(5);
    JsonNode second = d.api.get("/api/v1/domains?limit=1&continue=" + token, "Accept", KUBECTL_ACCEPT).json();
    assertThat(second.at("/metadata/resourceVersion").asText()).isEqualTo("4");
    assertThat(second.get("rows")).extracting(row -> row.at("/cells/0").asText()).containsExactly("web-1");
    assertThat(second.at("/metadata/continue").isMissingNode()).isTrue();
    // The full list's Table is memoized per revision: the commit in between shows in the next one.
    JsonNode now = d.api.get("/api/v1/domains", "Accept", KUBECTL_ACCEPT).json();
    assertThat(now.at("/metadata/resourceVersion").asText()).isEqualTo("5");
    assertThat(now.get("rows")).extracting(row -> row.at("/cells/0").asText()).containsExactly("big", "later", "web-1");
    JsonNode none = d.api.get("/api/v1/domains?includeObject=None", "Accept", KUBECTL_ACCEPT).json();
    assertThat(none.get("rows")).hasSize(3).allSatisfy(row -> assertThat(row.has("object")).isFalse());
    // A field selector applies to the rows as to the items.
    JsonNode running = d.api.get("/api/v1/domains?fieldSelector=status.state%3Drunning", "Accept", TABLE_V1).json();
    assertThat(running.get("rows")).extracting(row -> row.at("/cells/0").asText()).containsExactly("big");
  }

  @Test
  void getAsTableIsOneRowAtTheDomainsRevisionAlsoAtAnEarlierRevision() {
    ApiClient.Response r = d.api.get("/api/v1/domains/big", "Accept", KUBECTL_ACCEPT);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("content-type")).isEqualTo(TABLE_V1);
    assertThat(r.header("etag")).isEqualTo("\"4\"");
    JsonNode t = r.json();
    assertThat(t.at("/metadata/resourceVersion").asText()).isEqualTo("4");
    assertThat(t.get("columnDefinitions")).hasSize(8);
    assertThat(t.get("rows")).hasSize(1);
    assertThat(cells(t.at("/rows/0"))).containsExactly("big", "running", "2", "2Gi", "true", bigUuid, "false", "booted");
    // At revision 3 (defined, not yet started): the Table of that version.
    JsonNode before = d.api.get("/api/v1/domains/" + bigUuid + "?resourceVersion=3", "Accept", TABLE_V1).json();
    assertThat(before.get("kind").asText()).isEqualTo("Table");
    assertThat(cells(before.at("/rows/0"))).containsExactly("big", "shutoff", "2", "2Gi", "true", bigUuid, "false",
        "unknown");
  }

  @Test
  void acceptIsNegotiatedByQualityThenSpecificityThenOrder() {
    assertThat(kindFor("application/json;q=0.9, " + TABLE_V1 + ";q=0.5")).isEqualTo("DomainList");
    assertThat(kindFor("application/json;q=0.5, " + TABLE_V1 + ";q=0.9")).isEqualTo("Table@meta.k8s.io/v1");
    assertThat(kindFor(TABLE_V1 + ";q=0, application/json")).isEqualTo("DomainList");
    assertThat(kindFor("application/json;as=Table;v=v1beta1;g=meta.k8s.io")).isEqualTo("Table@meta.k8s.io/v1beta1");
    assertThat(kindFor("application/json;as=Table;v=v1beta1;g=meta.k8s.io, " + TABLE_V1))
        .isEqualTo("Table@meta.k8s.io/v1beta1");
    // A conversion we do not serve is skipped for the next clause, not answered with a plain list.
    assertThat(kindFor("application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io, " + TABLE_V1))
        .isEqualTo("Table@meta.k8s.io/v1");
    // */* is less specific than a Table clause of the same quality.
    assertThat(kindFor("*/*, " + TABLE_V1)).isEqualTo("Table@meta.k8s.io/v1");
    assertThat(kindFor("*/*")).isEqualTo("DomainList");
    assertThat(kindFor("application/yaml, application/*;q=0.1")).isEqualTo("DomainList");
    assertThat(d.api.get("/api/v1/domains/web-1", "Accept", "application/xml;q=0.2, " + TABLE_V1 + ";q=0.4")
        .json().get("kind").asText()).isEqualTo("Table");
    assertThat(d.api.get("/api/v1/domains/web-1", "Accept", TABLE_V1 + ";q=0.2, application/xml;q=0.4").body())
        .startsWith("<?virtrev-base generation=\"1\"?>\n<domain");
  }

  @Test
  void anAcceptThatCannotBeServedIs406NamingWhatCan() {
    for (String accept : List.of("application/yaml", "application/json;as=Table;v=v1;g=other.io",
        "application/json;as=Table;g=meta.k8s.io", "application/json;as=Table;v=v2;g=meta.k8s.io",
        "application/vnd.kubernetes.protobuf", "application/json;q=0")) {
      ApiClient.Response r = d.api.get("/api/v1/domains", "Accept", accept);
      assertThat(r.status()).as(accept).isEqualTo(406);
      JsonNode s = r.json();
      assertThat(s.get("kind").asText()).isEqualTo("Status");
      assertThat(s.get("reason").asText()).isEqualTo("NotAcceptable");
      assertThat(s.get("code").asInt()).isEqualTo(406);
      assertThat(s.get("message").asText()).contains(accept).contains("application/json, " + TABLE_V1);
    }
    ApiClient.Response get = d.api.get("/api/v1/domains/web-1", "Accept", "application/yaml");
    assertThat(get.status()).isEqualTo(406);
    assertThat(get.json().get("message").asText()).contains("application/xml");
    ApiClient.Response watch = d.api.get("/api/v1/domains?watch=true", "Accept", "application/yaml");
    assertThat(watch.status()).isEqualTo(406);
    assertThat(watch.json().get("message").asText()).contains("text/event-stream");
  }

  @Test
  void watchAsTableSendsOneRowPerEventWithTheColumnsOnlyOnTheFirst() throws Exception {
    List<JsonNode> lines = new CopyOnWriteArrayList<>();
    HttpResponse<Stream<String>> res = openWatch("/api/v1/domains?watch=true&timeoutSeconds=30", KUBECTL_ACCEPT, lines);
    try {
      assertThat(res.statusCode()).isEqualTo(200);
      assertThat(res.headers().firstValue("content-type")).contains(TABLE_V1);
      await().atMost(Duration.ofSeconds(10)).until(() -> lines.size() >= 2);
      d.source.suspend(bigUuid); // paused / user
      d.awaitRevision(5);
      d.source.undefine(webUuid);
      await().atMost(Duration.ofSeconds(10)).until(() -> lines.size() >= 4);
      List<String> seen = new ArrayList<>();
      for (JsonNode l : lines) {
        JsonNode obj = l.get("object");
        assertThat(obj.get("kind").asText()).isEqualTo("Table");
        assertThat(obj.get("rows")).hasSize(1);
        seen.add(l.get("type").asText() + " " + String.join(" ", cells(obj.at("/rows/0"))) + " @"
            + obj.at("/metadata/resourceVersion").asText());
      }
      assertThat(seen).containsExactly(
          "ADDED big running 2 2Gi true " + bigUuid + " false booted @4",
          "ADDED web-1 shutoff 1 32Mi true " + webUuid + " false unknown @2",
          "MODIFIED big paused 2 2Gi true " + bigUuid + " false user @5",
          "DELETED web-1 shutoff 1 32Mi true " + webUuid + " false unknown @6");
      assertThat(lines.get(0).at("/object/columnDefinitions")).hasSize(8);
      assertThat(lines.subList(1, 4)).allSatisfy(l -> assertThat(l.get("object").has("columnDefinitions")).isFalse());
      assertThat(lines.get(2).at("/object/rows/0/object/kind").asText()).isEqualTo("PartialObjectMetadata");
    } finally {
      res.body().close();
    }
  }

  @Test
  void watchOfOneDomainAsTableWithTheWholeObject() throws Exception {
    List<JsonNode> lines = new CopyOnWriteArrayList<>();
    HttpResponse<Stream<String>> res = openWatch("/api/v1/domains/web-1?watch=true&resourceVersion=4&includeObject=Object",
        TABLE_V1, lines);
    try {
      assertThat(res.statusCode()).isEqualTo(200);
      d.source.redefine(webUuid, 64);
      await().atMost(Duration.ofSeconds(10)).until(() -> !lines.isEmpty());
      JsonNode e = lines.get(0);
      assertThat(e.get("type").asText()).isEqualTo("MODIFIED");
      assertThat(e.at("/object/columnDefinitions")).hasSize(8);
      assertThat(cells(e.at("/object/rows/0"))).containsExactly("web-1", "shutoff", "1", "64Mi", "true", webUuid,
          "false", "unknown");
      assertThat(e.at("/object/rows/0/object/spec/xml").asText()).contains("65536");
    } finally {
      res.body().close();
    }
  }

  private String kindFor(String accept) {
    ApiClient.Response r = d.api.get("/api/v1/domains", "Accept", accept);
    assertThat(r.status()).as(accept).isEqualTo(200);
    JsonNode j = r.json();
    String kind = j.get("kind").asText();
    if (kind.equals("Table")) {
      assertThat(r.header("content-type")).isEqualTo("application/json;as=Table;"
          + j.get("apiVersion").asText().replace("meta.k8s.io/", "v=") + ";g=meta.k8s.io");
      return kind + "@" + j.get("apiVersion").asText();
    }
    assertThat(r.header("content-type")).isEqualTo("application/json");
    return kind;
  }

  private static List<String> cells(JsonNode row) {
    List<String> out = new ArrayList<>();
    row.get("cells").forEach(c -> out.add(c.asText()));
    return out;
  }

  private static JsonNode parse(String line) {
    try {
      return Json.mapper().readTree(line);
    } catch (IOException e) {
      throw new IllegalStateException("not JSON: " + line, e);
    }
  }

  /** Opens a watch with {@code accept}; a daemon thread adds each parsed line to {@code lines}. */
  private HttpResponse<Stream<String>> openWatch(String path, String accept, List<JsonNode> lines) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(d.api.base().resolve(path)).header("Accept", accept).GET().build();
    HttpResponse<Stream<String>> res = d.api.http().send(req, HttpResponse.BodyHandlers.ofLines());
    Thread reader = new Thread(() -> readAll(res, lines), "table-watch");
    reader.setDaemon(true);
    reader.start();
    return res;
  }

  /** Every line of a watch until it ends; closing it from the test ends it too (not an error). */
  private static void readAll(HttpResponse<Stream<String>> res, List<JsonNode> lines) {
    try {
      res.body().forEach(l -> lines.add(parse(l)));
    } catch (java.io.UncheckedIOException closed) {
      // the test closed the stream
    }
  }
}
