package io.virtrev.daemon.http;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.virtrev.api.ApiException;
import io.virtrev.api.Domain;
import io.virtrev.api.Json;
import io.virtrev.versioning.FieldValidation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Kubernetes' strict decoding of a Domain object sent as JSON (POST, PUT): a field the model does not
 * have is unknown, named by its path ({@code unknown field "spec.foo"}). Known means: Jackson writes a
 * property of that name for the class, the same properties {@link OpenApiSchemas} describes, so the
 * served schema and this check cannot disagree. A map takes any key; a value typed {@code Object}, any
 * JSON. Type mismatches are not judged here (the body's reader refuses what it cannot use).
 *
 * <p>What happens to unknown fields is {@code fieldValidation}, as the apiserver decides it: Strict
 * refuses (400 BadRequest, every unknown field named), Warn (the apiserver's default when the parameter
 * is absent) answers with a {@code Warning} per field, Ignore says nothing. The daemon's
 * {@code --field-validation} default governs libvirt's XML schema check only. Stateless.
 */
final class UnknownFields {
  private UnknownFields() {}

  /** The request's {@code fieldValidation} for unknown fields: Warn when absent, as the apiserver. */
  static FieldValidation mode(Query query) {
    return query.get("fieldValidation").filter(v -> !v.isEmpty()).map(FieldValidation::parse)
        .orElse(FieldValidation.WARN);
  }

  /**
   * Judges a Domain object (a POST or PUT body, or a PATCH's result) under {@code mode}; an XML body
   * ({@code body} null) has no fields to judge.
   *
   * @return the warnings, empty if none or under Ignore
   * @throws ApiException BAD_REQUEST under Strict, naming every unknown field
   */
  static List<String> judge(JsonNode body, FieldValidation mode) {
    if (body == null || mode == FieldValidation.IGNORE) {
      return List.of();
    }
    List<String> unknown = find(body, Domain.class).stream().map(p -> "unknown field \"" + p + "\"").toList();
    if (unknown.isEmpty() || mode == FieldValidation.WARN) {
      return unknown;
    }
    throw new ApiException(ApiException.Reason.BAD_REQUEST, Domain.KIND + " in version \"" + ApiGroup.VERSION
        + "\" cannot be handled as a " + Domain.KIND + ": strict decoding error: "
        + unknown.stream().collect(Collectors.joining(", ")));
  }

  /** The paths ({@code spec.foo}, {@code items[0].bar}) of the fields in {@code json} that {@code type} lacks. */
  static List<String> find(JsonNode json, Class<?> type) {
    List<String> out = new ArrayList<>();
    walk(json, Json.mapper().constructType(type), "", out);
    return out;
  }

  private static void walk(JsonNode n, JavaType t, String path, List<String> out) {
    if (n == null || n.isNull() || t.getRawClass() == Object.class) {
      return;
    }
    if (t.isMapLikeType()) {
      if (n.isObject()) {
        n.properties().forEach(e -> walk(e.getValue(), t.getContentType(), join(path, e.getKey()), out));
      }
      return;
    }
    if (t.isCollectionLikeType() || t.isArrayType()) {
      if (n.isArray()) {
        for (int i = 0; i < n.size(); i++) {
          walk(n.get(i), t.getContentType(), path + "[" + i + "]", out);
        }
      }
      return;
    }
    if (!n.isObject() || t.isPrimitive() || t.getRawClass().getName().startsWith("java.")) {
      return;
    }
    Map<String, JavaType> known = properties(t);
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      JavaType child = known.get(e.getKey());
      if (child == null) {
        out.add(join(path, e.getKey()));
      } else {
        walk(e.getValue(), child, join(path, e.getKey()), out);
      }
    }
  }

  /** The properties Jackson serializes for {@code t}, by JSON name. */
  static Map<String, JavaType> properties(JavaType t) {
    BeanDescription d = Json.mapper().getSerializationConfig().introspect(t);
    Map<String, JavaType> m = new HashMap<>();
    for (BeanPropertyDefinition p : d.findProperties()) {
      if (p.couldSerialize()) {
        m.put(p.getName(), p.getPrimaryType());
      }
    }
    return m;
  }

  private static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }
}
