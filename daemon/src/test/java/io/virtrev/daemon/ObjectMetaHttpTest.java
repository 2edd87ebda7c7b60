package io.virtrev.daemon;

import static io.virtrev.daemon.ApiHttpTest.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.virtrev.api.Json;
import io.virtrev.fixtures.ApiClient;
import io.virtrev.fixtures.DomainXml;
import io.virtrev.fixtures.WatchClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kubernetes object metadata over the real server and HTTP client: labels and annotations written into
 * the XML the source gets, the rule between a body's metadata maps and its XML, 422 for bad keys, the
 * generation of a labels-only change, labelSelector on list (pages too) and watch with enter/leave,
 * fieldSelector on metadata.uid.
 */
class ObjectMetaHttpTest {
  private static final String DOMAINS = "/apis/virtrev.io/v1/domains";
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String NS = "https://virtrev.io/xmlns/domain/v1";

  @TempDir Path dir;
  private FakeDaemon d;

  @BeforeEach
  void start() throws Exception {
    d = FakeDaemon.start(dir, c -> c);
  }

  @AfterEach
  void stop() {
    d.close();
  }

  @Test
  void postAndPutWriteLabelsIntoTheXmlTheSourceDefines() {
    String uuid = UUID.randomUUID().toString();
    ObjectNode body = domain(DomainXml.tiny("web", uuid, 32));
    ((ObjectNode) body.get("metadata")).set("labels", Json.mapper().valueToTree(Map.of("tier", "web")));
    ((ObjectNode) body.get("metadata")).set("annotations",
        Json.mapper().valueToTree(Map.of("example.com/note", "a & b")));
    ApiClient.Response created = post(body);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode m = created.json().get("metadata");
    assertThat(m.get("labels")).isEqualTo(Json.mapper().valueToTree(Map.of("tier", "web")));
    assertThat(m.at("/annotations/example.com~1note").asText()).isEqualTo("a & b");
    assertThat(m.get("uid").asText()).isEqualTo(uuid).isEqualTo(m.get("uuid").asText());
    assertThat(m.get("creationTimestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    assertThat(sourceXml(uuid)).contains("<virtrev:object xmlns:virtrev=\"" + NS + "\">"
        + "<virtrev:label key=\"tier\">web</virtrev:label>"
        + "<virtrev:annotation key=\"example.com/note\">a &amp; b</virtrev:annotation></virtrev:object>");

    // A PUT that changes only a label: one revision, the generation stays (metadata, not spec).
    JsonNode got = d.api.get(DOMAINS + "/web").json();
    long rv = got.at("/metadata/resourceVersion").asLong();
    ObjectNode relabel = (ObjectNode) got.deepCopy();
    ((ObjectNode) relabel.get("metadata")).set("labels", Json.mapper().valueToTree(Map.of("tier", "db")));
    ApiClient.Response put = put("web", relabel);
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    assertThat(put.json().at("/metadata/resourceVersion").asLong()).isEqualTo(rv + 1);
    assertThat(put.json().at("/metadata/generation").asLong()).isEqualTo(1);
    assertThat(put.json().at("/metadata/labels/tier").asText()).isEqualTo("db");
    assertThat(put.json().at("/metadata/annotations/example.com~1note").asText()).as("given as served: kept")
        .isEqualTo("a & b");
    assertThat(d.revision()).isEqualTo(rv + 1);
    assertThat(sourceXml(uuid)).contains("<virtrev:label key=\"tier\">db</virtrev:label>").doesNotContain("\">web<");

    // A body whose XML carries the element (virsh dumpxml) and no metadata maps: the element's are used.
    String dumped = sourceXml(uuid).replace(">db<", ">cache<");
    ApiClient.Response fromXml = put("web", domain(dumped));
    assertThat(fromXml.status()).as(fromXml.body()).isEqualTo(200);
    assertThat(fromXml.json().at("/metadata/labels/tier").asText()).isEqualTo("cache");
    assertThat(fromXml.json().at("/metadata/annotations/example.com~1note").asText()).isEqualTo("a & b");
    // Raw XML: its element is used.
    ApiClient.Response raw = d.api.send("PUT", DOMAINS + "/web", "application/xml", dumped.replace(">cache<", ">raw<"));
    assertThat(raw.status()).as(raw.body()).isEqualTo(200);
    assertThat(raw.json().at("/metadata/labels/tier").asText()).isEqualTo("raw");
    // Both given and different: 422 naming both, nothing changed.
    long before = d.revision();
    ObjectNode both = domain(dumped);
    ((ObjectNode) both.get("metadata")).set("labels", Json.mapper().valueToTree(Map.of("tier", "other")));
    assertStatus(put("web", both), 422, "Invalid", "metadata.labels {tier=other} and the labels of spec.xml's"
        + " virtrev element (<metadata> namespace " + NS + ") {tier=cache} differ");
    assertThat(d.revision()).isEqualTo(before);
    // A JSON body without metadata maps, its XML as served (no element): no labels, no annotations.
    ApiClient.Response none = put("web", domain(d.api.get(DOMAINS + "/web").json().at("/spec/xml").asText()));
    assertThat(none.status()).as(none.body()).isEqualTo(200);
    assertThat(none.json().get("metadata").has("labels")).isFalse();
    assertThat(none.json().get("metadata").has("annotations")).isFalse();
    assertThat(sourceXml(uuid)).doesNotContain(NS);
  }

  @Test
  void servedXmlNeverCarriesTheElementWhileMetadataHoldsTheLabels() throws Exception {
    String uuid = d.source.defineTiny("web");
    d.awaitRevision(2);
    try (WatchClient w = WatchClient.open(d.api, DOMAINS + "?watch=true&resourceVersion=2")) {
      assertThat(w.status(WAIT)).isEqualTo(200);
      setLabels(uuid, "<virtrev:label key='tier'>web</virtrev:label>");
      await().atMost(WAIT).until(() -> w.events().size() == 1);
      JsonNode watched = Json.mapper().readTree(w.events().get(0).objectJson());
      assertServed(watched);
    }
    assertThat(sourceXml(uuid)).as("stored as it was").contains(NS);
    assertServed(d.api.get(DOMAINS + "/web").json());
    assertServed(d.api.get(DOMAINS).json().get("items").get(0));
    assertServed(d.api.get(DOMAINS + "/web/history").json().at("/items/0/object"));
    for (String path : new String[] {DOMAINS + "/web", DOMAINS + "/web?resourceVersion=" + d.revision()}) {
      ApiClient.Response xml = d.api.get(path, "Accept", "application/xml");
      assertThat(xml.status()).as(xml.body()).isEqualTo(200);
      assertThat(xml.body()).startsWith("<?virtrev-base generation=\"1\"?>\n<domain").doesNotContain(NS)
          .doesNotContain("<metadata");
    }
  }

  @Test
  void patchRemovesLabelsWithANullMapOrAJsonPatchRemove() {
    String uuid = d.source.defineTiny("web");
    d.awaitRevision(2);
    setLabels(uuid, "<virtrev:label key='tier'>web</virtrev:label><virtrev:annotation key='n'>a</virtrev:annotation>");
    ApiClient.Response merged = d.api.send("PATCH", DOMAINS + "/web", "application/merge-patch+json",
        "{\"metadata\":{\"labels\":null}}");
    assertThat(merged.status()).as(merged.body()).isEqualTo(200);
    assertThat(merged.json().get("metadata").has("labels")).isFalse();
    assertThat(merged.json().at("/metadata/annotations/n").asText()).isEqualTo("a");
    assertThat(sourceXml(uuid)).contains(NS).doesNotContain("tier");
    ApiClient.Response removed = d.api.send("PATCH", DOMAINS + "/web", "application/json-patch+json",
        "[{\"op\":\"remove\",\"path\":\"/metadata/annotations\"}]");
    assertThat(removed.status()).as(removed.body()).isEqualTo(200);
    assertThat(removed.json().get("metadata").has("annotations")).isFalse();
    assertThat(sourceXml(uuid)).doesNotContain(NS).doesNotContain("<metadata");
    // A dry run answers what the real one does.
    setLabels(uuid, "<virtrev:label key='tier'>web</virtrev:label>");
    long rv = d.revision();
    ApiClient.Response dry = d.api.send("PATCH", DOMAINS + "/web?dryRun=All", "application/json-patch+json",
        "[{\"op\":\"remove\",\"path\":\"/metadata/labels\"}]");
    assertThat(dry.status()).as(dry.body()).isEqualTo(200);
    assertThat(dry.json().get("metadata").has("labels")).isFalse();
    assertThat(dry.json().at("/spec/xml").asText()).doesNotContain(NS);
    assertThat(d.revision()).isEqualTo(rv);
    assertThat(sourceXml(uuid)).contains(NS);
  }

  @Test
  void aRawXmlPutWithoutTheElementKeepsLabelsSetMeanwhile() {
    String uuid = d.source.defineTiny("web");
    d.awaitRevision(2);
    setLabels(uuid, "<virtrev:label key='tier'>web</virtrev:label>");
    String read = d.api.get(DOMAINS + "/web", "Accept", "application/xml").body();
    ApiClient.Response label = d.api.send("PATCH", DOMAINS + "/web", "application/merge-patch+json",
        "{\"metadata\":{\"labels\":{\"tier\":\"db\"},\"annotations\":{\"n\":\"later\"}}}");
    assertThat(label.status()).as(label.body()).isEqualTo(200);
    ApiClient.Response put = d.api.send("PUT", DOMAINS + "/web", "application/xml",
        read.replace(">32768<", ">65536<"));
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    assertThat(put.json().at("/metadata/labels")).isEqualTo(Json.mapper().valueToTree(Map.of("tier", "db")));
    assertThat(put.json().at("/metadata/annotations/n").asText()).isEqualTo("later");
    assertThat(sourceXml(uuid)).contains(">65536<").contains(">db</virtrev:label>").contains(">later<");
  }

  private static void assertServed(JsonNode o) {
    assertThat(o.at("/metadata/labels/tier").asText()).as(o.toString()).isEqualTo("web");
    assertThat(o.at("/spec/xml").asText()).as(o.toString()).startsWith("<?virtrev-base").doesNotContain(NS)
        .doesNotContain("<metadata");
  }

  @Test
  void badLabelsAre422NamingTheKeyAndChangeNothing() {
    String uuid = d.source.defineTiny("web");
    d.awaitRevision(2);
    ObjectNode body = domain(DomainXml.tiny("web", uuid, 64));
    ((ObjectNode) body.get("metadata")).set("labels", Json.mapper().valueToTree(Map.of("bad key!", "v")));
    assertStatus(put("web", body), 422, "Invalid", "metadata.labels: Invalid value: \"bad key!\"");
    ((ObjectNode) body.get("metadata")).set("labels", Json.mapper().valueToTree(Map.of("k", "x".repeat(64))));
    assertStatus(put("web", body), 422, "Invalid", "(label k): must be no more than 63 characters");
    ((ObjectNode) body.get("metadata")).set("labels", Json.mapper().valueToTree(Map.of("k", 1)));
    assertStatus(put("web", body), 400, "BadRequest", "metadata.labels[\"k\"] must be a string");
    ObjectNode otherUid = domain(DomainXml.tiny("web", uuid, 64));
    ((ObjectNode) otherUid.get("metadata")).put("uid", UUID.randomUUID().toString());
    assertStatus(put("web", otherUid), 400, "BadRequest", "does not match the domain in the URL (" + uuid + ")");
    String rawBad = DomainXml.tiny("web", uuid, 64).replace("</uuid>", "</uuid><metadata><virtrev:object"
        + " xmlns:virtrev='" + NS + "'><virtrev:annotation key='-x'>v</virtrev:annotation></virtrev:object>"
        + "</metadata>");
    ApiClient.Response r = d.api.send("POST", DOMAINS, "application/xml",
        rawBad.replace(uuid, UUID.randomUUID().toString()).replace("<name>web</name>", "<name>other</name>"));
    assertStatus(r, 422, "Invalid", "metadata.annotations: Invalid value: \"-x\"");
    assertThat(r.json().at("/details/causes/0/field").asText()).isEqualTo("metadata.annotations");
    assertThat(d.revision()).isEqualTo(2);
    assertThat(sourceXml(uuid)).doesNotContain(NS).contains(">32768<");
  }

  @Test
  void labelSelectorOnListAndWatchWithEnterAndLeave() throws Exception {
    String a = d.source.defineTiny("a");
    String b = d.source.defineTiny("b");
    String c = d.source.defineTiny("c");
    d.awaitRevision(4);
    setLabels(a, "<virtrev:label key='tier'>db</virtrev:label>");
    setLabels(c, "<virtrev:label key='tier'>web</virtrev:label><virtrev:label key='legacy'>y</virtrev:label>");
    long start = d.revision();
    try (WatchClient web = WatchClient.open(d.api, DOMAINS + "?watch=true&resourceVersion=" + start
            + "&labelSelector=" + enc("tier=web"));
        WatchClient all = WatchClient.open(d.api, DOMAINS + "?watch=true&resourceVersion=" + start)) {
      setLabels(a, "<virtrev:label key='tier'>web</virtrev:label>"); // a enters
      setLabels(b, "<virtrev:label key='other'>x</virtrev:label>"); // b: never matches
      setLabels(c, "<virtrev:label key='tier'>web</virtrev:label>"); // c: still matches
      setLabels(a, "<virtrev:label key='tier'>db</virtrev:label>"); // a leaves
      await().atMost(WAIT).until(() -> all.events().size() >= 4 && web.events().size() >= 3);
      assertThat(all.events()).extracting(e -> e.type() + " " + e.name())
          .containsExactly("MODIFIED a", "MODIFIED b", "MODIFIED c", "MODIFIED a");
      assertThat(web.events()).extracting(e -> e.type() + " " + e.name())
          .containsExactly("ADDED a", "MODIFIED c", "DELETED a");
      assertThat(web.events().get(2).objectJson()).as("the object as it is now, no longer matching")
          .contains("\"tier\":\"db\"");
    }
    try (WatchClient initial = WatchClient.open(d.api, DOMAINS + "?watch=true&labelSelector=" + enc("tier"))) {
      await().atMost(WAIT).until(() -> initial.events().size() >= 2);
      assertThat(initial.events()).extracting(e -> e.type() + " " + e.name()).containsExactly("ADDED a", "ADDED c");
    }
    assertThat(names("tier=web")).containsExactly("c");
    assertThat(names("tier in (web,db)")).containsExactly("a", "c");
    assertThat(names("tier notin (web)")).containsExactly("a", "b");
    assertThat(names("!tier")).containsExactly("b");
    assertThat(names("tier!=db,other")).containsExactly("b");
    // Every page of a paginated list applies it; a continue with another selector is refused.
    JsonNode first = d.api.get(DOMAINS + "?limit=1&labelSelector=" + enc("tier")).json();
    assertThat(first.get("items")).extracting(i -> i.at("/metadata/name").asText()).containsExactly("a");
    String token = first.at("/metadata/continue").asText();
    JsonNode second = d.api.get(DOMAINS + "?limit=1&continue=" + token).json();
    assertThat(second.get("items")).extracting(i -> i.at("/metadata/name").asText()).containsExactly("c");
    assertStatus(d.api.get(DOMAINS + "?limit=1&labelSelector=" + enc("!tier") + "&continue=" + token), 400,
        "BadRequest", "labelSelector \"!tier\" differs from the one the list started with (\"tier\")");
  }

  @Test
  void badSelectorsAre400NamingTheSelector() {
    assertStatus(d.api.get(DOMAINS + "?labelSelector=" + enc("tier in web")), 400, "BadRequest",
        "unable to parse labelSelector \"tier in web\": expected '(' after in/notin for key \"tier\"");
    assertStatus(d.api.get(DOMAINS + "?watch=true&labelSelector=" + enc("a=b c")), 400, "BadRequest",
        "unable to parse labelSelector \"a=b c\"");
    assertStatus(d.api.get(DOMAINS + "?fieldSelector=" + enc("metadata.labels=x")), 400, "BadRequest",
        "fieldSelector field \"metadata.labels\" is not supported");
  }

  @Test
  void fieldSelectorOnMetadataUid() throws Exception {
    String a = d.source.defineTiny("a");
    String b = d.source.defineTiny("b");
    d.awaitRevision(3);
    assertThat(d.api.get(DOMAINS + "?fieldSelector=" + enc("metadata.uid=" + a.toUpperCase())).json().get("items"))
        .extracting(i -> i.at("/metadata/name").asText()).containsExactly("a");
    assertThat(d.api.get(DOMAINS + "?fieldSelector=" + enc("metadata.uid!=" + a)).json().get("items"))
        .extracting(i -> i.at("/metadata/name").asText()).containsExactly("b");
    try (WatchClient w = WatchClient.open(d.api, DOMAINS + "?watch=true&resourceVersion=3&fieldSelector="
        + enc("metadata.uid==" + b))) {
      d.source.start(a);
      d.awaitRevision(4);
      d.source.start(b);
      await().atMost(WAIT).until(() -> w.events().size() == 1);
      assertThat(w.events()).extracting(e -> e.type() + " " + e.name()).containsExactly("MODIFIED b");
    }
  }

  private void setLabels(String uuid, String elementBody) {
    long before = d.revision();
    d.source.setMetadata(uuid, "<metadata><virtrev:object xmlns:virtrev='" + NS + "'>" + elementBody
        + "</virtrev:object></metadata>");
    d.awaitRevision(before + 1);
  }

  private java.util.List<String> names(String labelSelector) {
    ApiClient.Response r = d.api.get(DOMAINS + "?labelSelector=" + enc(labelSelector));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    java.util.List<String> out = new java.util.ArrayList<>();
    r.json().get("items").forEach(i -> out.add(i.at("/metadata/name").asText()));
    return out;
  }

  private String sourceXml(String uuid) {
    return d.source.get(uuid).orElseThrow().configXml();
  }

  private static ObjectNode domain(String xml) {
    ObjectNode o = Json.mapper().createObjectNode();
    o.put("apiVersion", "virtrev.io/v1").put("kind", "Domain");
    o.putObject("metadata");
    o.putObject("spec").put("xml", xml);
    return o;
  }

  private ApiClient.Response post(JsonNode body) {
    return d.api.send("POST", DOMAINS, "application/json", body.toString());
  }

  private ApiClient.Response put(String name, JsonNode body) {
    return d.api.send("PUT", DOMAINS + "/" + name, "application/json", body.toString());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
