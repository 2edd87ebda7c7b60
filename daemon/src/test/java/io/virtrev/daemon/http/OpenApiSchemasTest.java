package io.virtrev.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.virtrev.api.Domain;
import io.virtrev.api.Json;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The schemas are the model classes: every component of every record reachable from an object the API
 * returns or takes is a property of its schema, with a description (what {@code kubectl explain} prints),
 * and nothing else is; the strict decoder ({@link UnknownFields}) knows exactly the same properties. A
 * component added to a record without the schema following would fail here (it cannot: the schema is
 * generated from the record).
 */
class OpenApiSchemasTest {
  private static final OpenApiDocuments DOCS = OpenApiDocuments.build();

  @Test
  void everyRecordComponentIsADescribedPropertyInBothDocuments() throws Exception {
    JsonNode v3 = Json.mapper().readTree(DOCS.v3Group().json()).get("components").get("schemas");
    JsonNode v2 = Json.mapper().readTree(DOCS.v2().json()).get("definitions");
    List<Class<?>> records = reachableRecords();
    assertThat(records).as("the model classes the documents cover")
        .contains(Domain.class, io.virtrev.api.DomainMeta.class, io.virtrev.api.DomainSpec.class,
            io.virtrev.api.DomainStatus.class, io.virtrev.api.LibvirtEvent.class, io.virtrev.api.DomainList.class,
            io.virtrev.api.ListMeta.class, io.virtrev.api.Status.class, io.virtrev.api.WatchEvent.class,
            io.virtrev.api.DeleteOptions.class, io.virtrev.api.DeleteOptions.Preconditions.class,
            DomainHistory.class, DomainHistory.Item.class);
    for (Class<?> r : records) {
      for (JsonNode schemas : List.of(v3, v2)) {
        JsonNode schema = schemas.get(OpenApiSchemas.name(r));
        assertThat(schema).as("schema of " + r.getName()).isNotNull();
        assertThat(schema.path("description").asText()).as(r.getName() + " is described").isNotBlank();
        Set<String> names = new LinkedHashSet<>();
        for (RecordComponent c : r.getRecordComponents()) {
          String name = jsonName(c);
          names.add(name);
          JsonNode p = schema.path("properties").path(name);
          assertThat(p.isMissingNode()).as(r.getSimpleName() + "." + c.getName() + " is in the schema as " + name).isFalse();
          assertThat(p.path("description").asText()).as(r.getSimpleName() + "." + name + " is described").isNotBlank();
        }
        for (java.lang.reflect.Method m : r.getMethods()) {
          com.fasterxml.jackson.annotation.JsonProperty jp = m.getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
          if (jp != null && m.getParameterCount() == 0 && !names.contains(jp.value())) { // written from a method (DomainMeta.uid)
            names.add(jp.value());
            assertThat(schema.path("properties").path(jp.value()).path("description").asText())
                .as(r.getSimpleName() + "." + jp.value() + " is described").isNotBlank();
          }
        }
        List<String> inSchema = new ArrayList<>();
        schema.path("properties").fieldNames().forEachRemaining(inSchema::add);
        assertThat(inSchema).as("the properties of " + r.getSimpleName() + ": its components, nothing else")
            .containsExactlyInAnyOrderElementsOf(names);
        assertThat(UnknownFields.properties(Json.mapper().constructType(r)).keySet())
            .as("what strict decoding of " + r.getSimpleName() + " knows").containsExactlyInAnyOrderElementsOf(names);
      }
    }
  }

  @Test
  void kindsCarryTheirGroupVersionKindAndReferencesKeepTheirDescriptions() throws Exception {
    JsonNode v3 = Json.mapper().readTree(DOCS.v3Group().json()).get("components").get("schemas");
    assertThat(v3.at("/io.virtrev.v1.Domain/x-kubernetes-group-version-kind/0").toString())
        .isEqualTo("{\"group\":\"virtrev.io\",\"kind\":\"Domain\",\"version\":\"v1\"}");
    assertThat(v3.at("/io.virtrev.v1.DomainList/x-kubernetes-group-version-kind/0/kind").asText()).isEqualTo("DomainList");
    assertThat(v3.at("/io.k8s.apimachinery.pkg.apis.meta.v1.Status/x-kubernetes-group-version-kind/0").toString())
        .isEqualTo("{\"group\":\"\",\"kind\":\"Status\",\"version\":\"v1\"}");
    assertThat(v3.at("/io.virtrev.v1.DomainSpec/x-kubernetes-group-version-kind").isMissingNode())
        .as("only kinds carry a GVK").isTrue();
    // kube-openapi's shapes: v3 wraps a described $ref in allOf, v2 keeps it beside the description.
    assertThat(v3.at("/io.virtrev.v1.Domain/properties/spec/allOf/0/$ref").asText())
        .isEqualTo("#/components/schemas/io.virtrev.v1.DomainSpec");
    assertThat(v3.at("/io.virtrev.v1.Domain/properties/spec/description").asText()).startsWith("The persistent definition");
    JsonNode v2 = Json.mapper().readTree(DOCS.v2().json()).get("definitions");
    assertThat(v2.at("/io.virtrev.v1.Domain/properties/spec/$ref").asText()).isEqualTo("#/definitions/io.virtrev.v1.DomainSpec");
    assertThat(v2.at("/io.virtrev.v1.Domain/properties/metadata/description").asText()).isNotBlank();
    // Revision is written as its @JsonValue: a string.
    assertThat(v3.at("/io.virtrev.v1.DomainMeta/properties/resourceVersion/type").asText()).isEqualTo("string");
    assertThat(v3.at("/io.virtrev.v1.DomainMeta/properties/generation/format").asText()).isEqualTo("int64");
    assertThat(v3.at("/io.virtrev.v1.LibvirtEvent/properties/time/format").asText()).isEqualTo("date-time");
  }

  /**
   * Every kind besides domains is a schema root with its group-version-kind, and an object of each with
   * every status field set (events, request) validates against its generated schema with every object
   * schema closed: a field the object has and the schema lacks fails.
   */
  @Test
  void theOtherKindsAreRootsAndTheirObjectsValidateAgainstTheirSchemas() throws Exception {
    JsonNode v3 = Json.mapper().readTree(DOCS.v3Group().json()).get("components").get("schemas");
    io.virtrev.api.LibvirtEvent ev = new io.virtrev.api.LibvirtEvent("network", "started", null,
        java.time.Instant.parse("2026-12-02T09:59:00Z"));
    io.virtrev.api.ApiRequest req = new io.virtrev.api.ApiRequest("POST", "/apis/virtrev.io/v1/networks", "alice");
    io.virtrev.api.Network n = KindTableTest.network();
    n = io.virtrev.api.Network.of(n.metadata(), n.spec(), new io.virtrev.api.NetworkStatus(true, true, "virbr7",
        "<network/>", ev, List.of(ev), 3, req));
    io.virtrev.api.DomainSnapshot s = KindTableTest.snapshot();
    s = io.virtrev.api.DomainSnapshot.of(s.metadata(), s.spec(), new io.virtrev.api.DomainSnapshotStatus("vm1",
        s.status().domainUid(), null, false, "shutoff", s.status().creationTime(), ev, List.of(ev), 1, req));
    io.virtrev.api.StoragePool p = KindTableTest.pool();
    p = io.virtrev.api.StoragePool.of(p.metadata(), p.spec(), new io.virtrev.api.StoragePoolStatus("running", 1, 1, 0,
        true, "<pool/>", ev, List.of(ev), 2, new io.virtrev.api.ApiRequest("PUT", "/apis/virtrev.io/v1/storagepools/p", null)));
    Object[][] cases = {
        {"Network", n}, {"NetworkList", io.virtrev.api.NetworkList.of(listMeta(), List.of(n))},
        {"StoragePool", p}, {"StoragePoolList", io.virtrev.api.StoragePoolList.of(listMeta(), List.of(p))},
        {"StorageVolume", KindTableTest.volume()},
        {"StorageVolumeList", io.virtrev.api.StorageVolumeList.of(listMeta(), List.of(KindTableTest.volume()))},
        {"DomainSnapshot", s}, {"DomainSnapshotList", io.virtrev.api.DomainSnapshotList.of(listMeta(), List.of(s))}};
    for (Object[] c : cases) {
      String name = OpenApiSchemas.GROUP_PREFIX + c[0];
      assertThat(v3.at("/" + name + "/x-kubernetes-group-version-kind/0").toString()).as(name)
          .isEqualTo("{\"group\":\"virtrev.io\",\"kind\":\"" + c[0] + "\",\"version\":\"v1\"}");
      JsonNode instance = Json.mapper().valueToTree(c[1]);
      assertThat(instance.path("kind").asText()).isEqualTo(c[0]);
      assertThat(closedErrors(v3, name, instance)).as(name + ": " + instance).isEmpty();
    }
    // The check can fail: a field outside the schema is an error.
    JsonNode extra = ((com.fasterxml.jackson.databind.node.ObjectNode) Json.mapper().valueToTree(n)).put("colour", "red");
    assertThat(closedErrors(v3, OpenApiSchemas.GROUP_PREFIX + "Network", extra)).isNotEmpty();
  }

  private static io.virtrev.api.ListMeta listMeta() {
    return new io.virtrev.api.ListMeta(io.virtrev.api.Revision.of(12), "store", io.virtrev.api.Revision.of(3));
  }

  /** What the validator finds wrong with {@code instance} as {@code name}, every object schema closed. */
  static Set<String> closedErrors(JsonNode schemas, String name, JsonNode instance) {
    com.fasterxml.jackson.databind.node.ObjectNode components = Json.mapper().createObjectNode();
    components.set("schemas", schemas.deepCopy());
    close(components);
    com.fasterxml.jackson.databind.node.ObjectNode root = Json.mapper().createObjectNode();
    root.putArray("allOf").addObject().put("$ref", "#/components/schemas/" + name);
    root.set("components", components);
    return com.networknt.schema.JsonSchemaFactory.getInstance(com.networknt.schema.SpecVersion.VersionFlag.V7)
        .getSchema(root).validate(instance).stream().map(com.networknt.schema.ValidationMessage::getMessage)
        .collect(java.util.stream.Collectors.toSet());
  }

  private static void close(JsonNode n) {
    if (n instanceof com.fasterxml.jackson.databind.node.ObjectNode o && o.has("properties")
        && !o.has("additionalProperties")) {
      o.put("additionalProperties", false);
    }
    n.forEach(OpenApiSchemasTest::close);
  }

  /**
   * The operations the documents describe are exactly the route table's under the group (GET, HEAD's
   * twin, not listed; a choice segment as one path per value), each with exactly the query parameters its
   * route takes (the read's and, for a GET that can watch, the watch's).
   */
  @Test
  void everyOperationDescribesExactlyTheQueryParametersItsRouteTakes() throws Exception {
    PathTemplate root = PathTemplate.of(ApiGroup.ROOT);
    java.util.Map<String, Set<String>> expected = new java.util.LinkedHashMap<>();
    for (Route r : RouteTable.API.routes()) {
      if (!r.path().startsWith(root) || r.path().segments().size() == root.segments().size()) {
        continue; // not a resource of the group (health, discovery, the documents themselves)
      }
      r.operations().forEach((method, op) -> {
        if (method.equals(io.netty.handler.codec.http.HttpMethod.HEAD)) {
          return;
        }
        Set<String> params = method.equals(io.netty.handler.codec.http.HttpMethod.GET) && r.watch() != null
            ? union(op.params(), r.watch().params()) : op.params();
        r.path().openApiPaths().forEach(p -> expected.put(method.name().toLowerCase(java.util.Locale.ROOT) + " " + p, params));
      });
    }
    assertThat(expected).containsKeys("get " + ApiGroup.DOMAINS, "patch " + ApiGroup.DOMAINS + "/{name}",
        "post " + ApiGroup.DOMAINS + "/{name}/reset", "get " + ApiGroup.DOMAINS + "/{name}/diff");
    for (JsonNode doc : List.of(Json.mapper().readTree(DOCS.v3Group().json()), Json.mapper().readTree(DOCS.v2().json()))) {
      java.util.Map<String, Set<String>> described = new java.util.LinkedHashMap<>();
      doc.get("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
        if (!op.getKey().equals("parameters")) {
          Set<String> names = new java.util.TreeSet<>();
          op.getValue().path("parameters").forEach(p -> {
            if (p.path("in").asText().equals("query")) {
              names.add(p.path("name").asText());
            }
          });
          described.put(op.getKey() + " " + path.getKey(), names);
        }
      }));
      assertThat(described.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
      expected.forEach((op, params) -> assertThat(described.get(op)).as(op).containsExactlyInAnyOrderElementsOf(params));
    }
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> u = new java.util.TreeSet<>(a);
    u.addAll(b);
    return u;
  }

  @Test
  void thePatchOperationTellsKubectlThatTheServerValidatesFields() throws Exception {
    JsonNode paths = Json.mapper().readTree(DOCS.v3Group().json()).get("paths");
    JsonNode patch = paths.path("/apis/virtrev.io/v1/domains/{name}").path("patch");
    assertThat(patch.path("x-kubernetes-group-version-kind").toString())
        .isEqualTo("{\"group\":\"virtrev.io\",\"kind\":\"Domain\",\"version\":\"v1\"}");
    List<String> params = new ArrayList<>();
    patch.path("parameters").forEach(p -> params.add(p.path("in").asText() + ":" + p.path("name").asText()));
    assertThat(params).contains("query:fieldValidation", "query:dryRun", "query:fieldManager");
    List<String> types = new ArrayList<>();
    patch.at("/requestBody/content").fieldNames().forEachRemaining(types::add);
    assertThat(types).as("no strategic merge patch: kubectl apply sends a merge patch")
        .containsExactlyInAnyOrder("application/json-patch+json", "application/merge-patch+json");
    List<String> list = new ArrayList<>();
    paths.at("/~1apis~1virtrev.io~1v1~1domains/get/parameters").forEach(p -> list.add(p.path("name").asText()));
    assertThat(list).contains("labelSelector", "fieldSelector", "limit", "continue", "resourceVersion", "watch",
        "allowWatchBookmarks", "timeoutSeconds");
    assertThat(paths.at("/~1apis~1virtrev.io~1v1~1domains/get/responses/200/content/application~1json/schema/$ref").asText())
        .isEqualTo("#/components/schemas/io.virtrev.v1.DomainList");
  }

  /**
   * Both documents are valid by their specifications as swagger-parser (the parser of swagger-codegen and
   * openapi-generator) reads them, with nothing it could not resolve: what a client generator gets.
   */
  @Test
  void bothDocumentsParseCleanlyAsOpenApiAndSwagger() throws Exception {
    io.swagger.v3.parser.core.models.ParseOptions options = new io.swagger.v3.parser.core.models.ParseOptions();
    options.setResolve(true);
    io.swagger.v3.parser.core.models.SwaggerParseResult v3 = new io.swagger.v3.parser.OpenAPIV3Parser()
        .readContents(new String(DOCS.v3Group().json(), java.nio.charset.StandardCharsets.UTF_8), null, options);
    assertThat(v3.getMessages()).as("OpenAPI 3.0 problems").isEmpty();
    assertThat(v3.getOpenAPI().getPaths()).containsKey("/apis/virtrev.io/v1/domains/{name}");
    io.swagger.v3.oas.models.media.Schema<?> domain = v3.getOpenAPI().getComponents().getSchemas().get("io.virtrev.v1.Domain");
    assertThat(List.copyOf(domain.getProperties().keySet())).contains("metadata", "spec", "status");
    io.swagger.v3.parser.core.models.SwaggerParseResult v2 = new io.swagger.parser.OpenAPIParser()
        .readContents(new String(DOCS.v2().json(), java.nio.charset.StandardCharsets.UTF_8), null, options);
    assertThat(v2.getMessages()).as("Swagger 2.0 problems").isEmpty();
    assertThat(v2.getOpenAPI().getPaths().get("/apis/virtrev.io/v1/domains").getGet().getOperationId())
        .isEqualTo("listVirtrevIoV1Domain");
  }

  /** The component's JSON name: @JsonProperty's (Java puts it on the component's field and accessor). */
  private static String jsonName(RecordComponent c) {
    JsonProperty p = c.getAccessor().getAnnotation(JsonProperty.class);
    return p != null && !p.value().isEmpty() ? p.value() : c.getName();
  }

  /** The records reachable from the schema roots through record components (and their type arguments). */
  private static List<Class<?>> reachableRecords() {
    Set<Class<?>> seen = new LinkedHashSet<>();
    Deque<Type> todo = new ArrayDeque<>(OpenApiSchemas.ROOTS.keySet());
    while (!todo.isEmpty()) {
      Type t = todo.pop();
      if (t instanceof ParameterizedType p) {
        todo.addAll(List.of(p.getActualTypeArguments()));
      } else if (t instanceof Class<?> c && c.isRecord() && c.getName().startsWith("io.virtrev.")
          && !c.getName().equals("io.virtrev.api.Revision") && seen.add(c)) {
        for (RecordComponent rc : c.getRecordComponents()) {
          todo.add(rc.getGenericType());
        }
      }
    }
    return List.copyOf(seen);
  }
}
