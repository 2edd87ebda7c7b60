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
