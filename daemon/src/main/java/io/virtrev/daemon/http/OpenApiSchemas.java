package io.virtrev.daemon.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.classmate.ResolvedType;
import com.github.victools.jsonschema.generator.CustomDefinition;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaBuilder;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonModule;
import com.github.victools.jsonschema.module.jackson.JacksonOption;
import io.virtrev.api.DeleteOptions;
import io.virtrev.api.Domain;
import io.virtrev.api.DomainList;
import io.virtrev.api.DomainSnapshot;
import io.virtrev.api.DomainSnapshotList;
import io.virtrev.api.Network;
import io.virtrev.api.NetworkList;
import io.virtrev.api.StoragePool;
import io.virtrev.api.StoragePoolList;
import io.virtrev.api.StorageVolume;
import io.virtrev.api.StorageVolumeList;
import io.virtrev.api.Status;
import io.virtrev.api.WatchEvent;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The schemas of every object the API returns or takes, generated from the model classes (the records
 * in {@code io.virtrev.api} and the daemon's answer records) with victools' jsonschema-generator and its
 * Jackson module: a property is a record component as Jackson serializes it ({@code @JsonProperty}
 * names), its description the component's {@code @JsonPropertyDescription}, a type's description its
 * {@code @JsonClassDescription}. Nothing here lists a field: a component added to a record is in the
 * next document. Stateless; the output is a new tree on every call.
 *
 * <p>Names follow the apiserver's for a custom resource: {@code io.virtrev.v1.<Kind>} for the group's
 * types, {@code io.k8s.apimachinery.pkg.apis.meta.v1.<Kind>} for the meta/v1 kinds (Status,
 * DeleteOptions, Preconditions, WatchEvent). Top-level kinds carry {@code x-kubernetes-group-version-kind}.
 *
 * <p>Shapes follow kube-openapi: a property that refers to another schema is {@code {"$ref": …,
 * "description": …}} in Swagger 2.0 and {@code {"allOf": [{"$ref": …}], "description": …}} in
 * OpenAPI 3.0 (where siblings of $ref are ignored). No schema sets {@code additionalProperties: false}
 * (the apiserver's do not); unknown fields are judged by {@link UnknownFields}.
 */
final class OpenApiSchemas {
  /** A top-level kind: its group, version, kind. */
  record Gvk(String group, String version, String kind) {}

  static final String META_V1 = "io.k8s.apimachinery.pkg.apis.meta.v1.";
  static final String GROUP_PREFIX = "io.virtrev.v1.";

  /** The types whose names are meta/v1's, as the apiserver names them in a custom resource's document. */
  private static final Map<Class<?>, String> META_NAMES = Map.of(
      Status.class, META_V1 + "Status",
      DeleteOptions.class, META_V1 + "DeleteOptions",
      DeleteOptions.Preconditions.class, META_V1 + "Preconditions",
      WatchEvent.class, META_V1 + "WatchEvent");

  /** The roots: every object an answer or a request body is, and the kinds each carries. */
  static final Map<Class<?>, List<Gvk>> ROOTS = roots();

  private OpenApiSchemas() {}

  private static Map<Class<?>, List<Gvk>> roots() {
    Map<Class<?>, List<Gvk>> m = new LinkedHashMap<>();
    m.put(Domain.class, List.of(new Gvk(ApiGroup.GROUP, ApiGroup.VERSION, Domain.KIND)));
    m.put(DomainList.class, List.of(new Gvk(ApiGroup.GROUP, ApiGroup.VERSION, "DomainList")));
    m.put(DomainHistory.class, List.of(new Gvk(ApiGroup.GROUP, ApiGroup.VERSION, "DomainHistory")));
    // The other kinds and their lists (ApiKinds: the same routes as domains).
    for (Class<?> k : List.of(Network.class, NetworkList.class, StoragePool.class, StoragePoolList.class,
        StorageVolume.class, StorageVolumeList.class, DomainSnapshot.class, DomainSnapshotList.class)) {
      m.put(k, List.of(new Gvk(ApiGroup.GROUP, ApiGroup.VERSION, k.getSimpleName())));
    }
    m.put(AllList.class, List.of(new Gvk("", "v1", "List")));
    m.put(Status.class, List.of(new Gvk("", "v1", "Status")));
    m.put(DeleteOptions.class, List.of(new Gvk("", "v1", "DeleteOptions"),
        new Gvk(ApiGroup.GROUP, ApiGroup.VERSION, "DeleteOptions")));
    m.put(WatchEvent.class, List.of(new Gvk("", "v1", "WatchEvent"),
        new Gvk(ApiGroup.GROUP, ApiGroup.VERSION, "WatchEvent")));
    return m;
  }

  /** The wire record of {@code k}'s objects. */
  static Class<?> kindClass(ApiKind k) {
    return switch (k) {
      case DOMAINS -> Domain.class;
      case NETWORKS -> Network.class;
      case STORAGE_POOLS -> StoragePool.class;
      case STORAGE_VOLUMES -> StorageVolume.class;
      case DOMAIN_SNAPSHOTS -> DomainSnapshot.class;
    };
  }

  /** The wire record of a list of {@code k}'s objects. */
  static Class<?> listClass(ApiKind k) {
    return switch (k) {
      case DOMAINS -> DomainList.class;
      case NETWORKS -> NetworkList.class;
      case STORAGE_POOLS -> StoragePoolList.class;
      case STORAGE_VOLUMES -> StorageVolumeList.class;
      case DOMAIN_SNAPSHOTS -> DomainSnapshotList.class;
    };
  }

  /** The schema name of a model class. */
  static String name(Class<?> type) {
    String meta = META_NAMES.get(type);
    if (meta != null) {
      return meta;
    }
    // Nested records join their names: DomainHistory.Item is DomainHistoryItem.
    String simple = type.getName().substring(type.getPackageName().length() + 1).replace("$", "");
    return GROUP_PREFIX + simple;
  }

  /** Swagger 2.0's {@code definitions}: refs are {@code #/definitions/<name>}. */
  static ObjectNode swagger2() {
    ObjectNode defs = generate("definitions");
    defs.forEach(s -> rewriteRefs(s, false));
    return defs;
  }

  /** OpenAPI 3.0's {@code components.schemas}: refs are {@code #/components/schemas/<name>}. */
  static ObjectNode openApi3() {
    ObjectNode defs = generate("components/schemas");
    defs.forEach(s -> rewriteRefs(s, true));
    return defs;
  }

  /** {@code {"$ref": "<prefix><name of type>"}} for a path's request or response. */
  static ObjectNode ref(String prefix, Class<?> type) {
    return JsonNodeFactory.instance.objectNode().put("$ref", prefix + name(type));
  }

  static ArrayNode gvkExtension(List<Gvk> gvks) {
    ArrayNode a = JsonNodeFactory.instance.arrayNode();
    for (Gvk g : gvks) {
      a.addObject().put("group", g.group()).put("kind", g.kind()).put("version", g.version());
    }
    return a;
  }

  private static ObjectNode generate(String definitionPath) {
    SchemaGeneratorConfigBuilder b = new SchemaGeneratorConfigBuilder(SchemaVersion.DRAFT_7, OptionPreset.PLAIN_JSON)
        .with(new JacksonModule(JacksonOption.RESPECT_JSONPROPERTY_ORDER))
        .with(Option.DEFINITIONS_FOR_ALL_OBJECTS, Option.EXTRA_OPEN_API_FORMAT_VALUES, Option.MAP_VALUES_AS_ADDITIONAL_PROPERTIES)
        .without(Option.SCHEMA_VERSION_INDICATOR, Option.DEFINITIONS_FOR_MEMBER_SUPERTYPES);
    b.forTypesInGeneral()
        .withCustomDefinitionProvider((type, context) -> {
          Method value = jsonValue(type);
          if (value == null) {
            return null;
          }
          // A value type written as what its @JsonValue method returns (Revision: a decimal string).
          return new CustomDefinition(context.createDefinition(context.getTypeContext().resolve(value.getGenericReturnType())),
              CustomDefinition.INLINE_DEFINITION, CustomDefinition.INCLUDING_ATTRIBUTES);
        })
        .withCustomDefinitionProvider((type, context) -> type.getErasedType() == Object.class
            // Any JSON value (WatchEvent.object, Status.details' values): no constraint.
            ? new CustomDefinition(context.getGeneratorConfig().createObjectNode(), CustomDefinition.INLINE_DEFINITION,
                CustomDefinition.INCLUDING_ATTRIBUTES)
            : null)
        .withCustomDefinitionProvider((type, context) -> Map.class.isAssignableFrom(type.getErasedType())
            ? new CustomDefinition(mapSchema(type, context), CustomDefinition.INLINE_DEFINITION,
                CustomDefinition.INCLUDING_ATTRIBUTES)
            : null)
        .withDefinitionNamingStrategy((key, context) -> name(key.getType().getErasedType()));
    SchemaGenerator generator = new SchemaGenerator(b.build());
    SchemaBuilder schemas = generator.buildMultipleSchemaDefinitions();
    for (Class<?> root : ROOTS.keySet()) {
      schemas.createSchemaReference(root);
    }
    ObjectNode defs = schemas.collectDefinitions(definitionPath);
    addMethodProperties(defs);
    for (Map.Entry<Class<?>, List<Gvk>> root : ROOTS.entrySet()) {
      ((ObjectNode) defs.get(name(root.getKey()))).set("x-kubernetes-group-version-kind", gvkExtension(root.getValue()));
    }
    return defs;
  }

  /**
   * Properties Jackson writes from a {@code @JsonProperty} method rather than a record component
   * ({@code DomainMeta.uid}), which the generator does not see: added to their type's schema with the
   * method's {@code @JsonPropertyDescription}. Only string-valued ones exist; any other fails here, loudly.
   */
  private static void addMethodProperties(ObjectNode defs) {
    for (Class<?> c : reachableRecords()) {
      JsonNode schema = defs.get(name(c));
      if (schema == null) {
        continue;
      }
      for (Method m : c.getMethods()) {
        JsonProperty p = m.getAnnotation(JsonProperty.class);
        if (p == null || m.getParameterCount() != 0 || isComponent(c, m.getName())) {
          continue;
        }
        if (m.getReturnType() != String.class) {
          throw new IllegalStateException(c.getName() + "." + m.getName() + ": only string-valued @JsonProperty methods are described");
        }
        ObjectNode prop = ((ObjectNode) schema).withObject("/properties").putObject(p.value().isEmpty() ? m.getName() : p.value());
        prop.put("type", "string");
        JsonPropertyDescription d = m.getAnnotation(JsonPropertyDescription.class);
        if (d != null) {
          prop.put("description", d.value());
        }
      }
    }
  }

  /** Every record reachable from {@link #ROOTS} through record components and their type arguments. */
  static java.util.Set<Class<?>> reachableRecords() {
    java.util.Set<Class<?>> seen = new java.util.LinkedHashSet<>();
    java.util.ArrayDeque<java.lang.reflect.Type> todo = new java.util.ArrayDeque<>(ROOTS.keySet());
    while (!todo.isEmpty()) {
      java.lang.reflect.Type t = todo.pop();
      if (t instanceof java.lang.reflect.ParameterizedType pt) {
        todo.addAll(List.of(pt.getActualTypeArguments()));
        todo.add(pt.getRawType());
      } else if (t instanceof Class<?> c && c.isRecord() && seen.add(c)) {
        for (java.lang.reflect.RecordComponent rc : c.getRecordComponents()) {
          todo.add(rc.getGenericType());
        }
      }
    }
    return seen;
  }

  private static boolean isComponent(Class<?> c, String name) {
    for (java.lang.reflect.RecordComponent rc : c.getRecordComponents()) {
      if (rc.getName().equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static ObjectNode mapSchema(ResolvedType type,
      com.github.victools.jsonschema.generator.SchemaGenerationContext context) {
    ObjectNode s = context.getGeneratorConfig().createObjectNode().put("type", "object");
    List<ResolvedType> params = type.typeParametersFor(Map.class);
    ResolvedType value = params == null || params.size() < 2 ? null : params.get(1);
    s.set("additionalProperties", value == null || value.getErasedType() == Object.class
        ? context.getGeneratorConfig().createObjectNode() : context.createDefinition(value));
    return s;
  }

  private static Method jsonValue(ResolvedType type) {
    Class<?> c = type.getErasedType();
    if (c.isPrimitive() || c.getName().startsWith("java.")) {
      return null;
    }
    for (Method m : c.getMethods()) {
      if (m.isAnnotationPresent(JsonValue.class)) {
        return m;
      }
    }
    return null;
  }

  /**
   * Turns victools' draft-7 shape of a described reference ({@code {"allOf": [{"$ref"}, {"description"}]}}
   * or {@code {"$ref", "description"}}) into kube-openapi's: v3 {@code {"allOf": [{"$ref"}], "description"}},
   * v2 {@code {"$ref", "description"}}. Recurses into properties, items and additionalProperties.
   */
  private static void rewriteRefs(JsonNode node, boolean v3) {
    if (!(node instanceof ObjectNode o)) {
      return;
    }
    JsonNode allOf = o.get("allOf");
    if (allOf instanceof ArrayNode parts) {
      String ref = null;
      List<JsonNode> rest = new ArrayList<>();
      for (JsonNode p : parts) {
        if (p.has("$ref") && ref == null) {
          ref = p.get("$ref").asText();
        } else {
          rest.add(p);
        }
      }
      if (ref != null) {
        o.remove("allOf");
        for (JsonNode p : rest) {
          o.setAll((ObjectNode) p);
        }
        o.put("$ref", ref);
      }
    }
    if (o.has("$ref") && o.size() > 1 && v3) {
      String ref = o.remove("$ref").asText();
      o.putArray("allOf").addObject().put("$ref", ref);
    }
    JsonNode props = o.get("properties");
    if (props != null) {
      for (Iterator<JsonNode> it = props.elements(); it.hasNext(); ) {
        rewriteRefs(it.next(), v3);
      }
    }
    rewriteRefs(o.get("items"), v3);
    rewriteRefs(o.get("additionalProperties"), v3);
  }
}
