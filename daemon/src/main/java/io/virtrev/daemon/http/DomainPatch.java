package io.virtrev.daemon.http;

import io.virtrev.api.ApiException;
import io.virtrev.api.Domain;
import io.virtrev.api.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonPatch;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * One PATCH body, parsed: a JSON Merge Patch (RFC 7386, {@code application/merge-patch+json}) or a JSON
 * Patch (RFC 6902, {@code application/json-patch+json}), applied with Jakarta JSON Processing's
 * implementation (Eclipse Parsson). Immutable; {@link #applyTo} may run on any thread.
 *
 * <p>The media types and errors are the apiserver's for a custom resource: a strategic merge patch or a
 * server-side apply is 415 with its message (kubectl's edit, label and annotate then use a merge patch),
 * a body that is not a patch of its type is 400, a JSON Patch that cannot be applied (a failed
 * {@code test}, a missing path) is 422, more than 10,000 operations 413.
 */
final class DomainPatch {
  static final String MERGE = "application/merge-patch+json";
  static final String JSON_PATCH = "application/json-patch+json";
  /** What the apiserver accepts for custom resources, less server-side apply, which is not served. */
  static final List<String> ACCEPTED = List.of(JSON_PATCH, MERGE);
  /** RFC 6902's operations. */
  static final List<String> OPERATIONS = List.of("add", "remove", "replace", "move", "copy", "test");
  /** The apiserver's limit on the operations of one JSON Patch. */
  static final int MAX_OPERATIONS = 10_000;

  private final JsonValue merge; // a merge patch, or null
  private final JsonPatch patch; // a JSON Patch, or null

  private DomainPatch(JsonValue merge, JsonPatch patch) {
    this.merge = merge;
    this.patch = patch;
  }

  /**
   * The patch a PATCH request carries, checked for form (not yet applied).
   *
   * @param mediaType the request's Content-Type without parameters, lower case
   * @throws ApiException 415 for any media type but the two patch types, 400 for a malformed body, 413
   *     for too many operations
   */
  static DomainPatch parse(String mediaType, byte[] body) {
    if (!mediaType.equals(MERGE) && !mediaType.equals(JSON_PATCH)) {
      throw new ApiException(ApiException.Reason.UNSUPPORTED_MEDIA_TYPE,
          "the body of the request was in an unknown format - accepted media types include: "
              + String.join(", ", ACCEPTED));
    }
    if (body.length == 0) {
      throw bad("a PATCH needs a body: a JSON merge patch (" + MERGE + ") or a JSON Patch (" + JSON_PATCH + ")");
    }
    JsonValue v = read(body);
    if (mediaType.equals(MERGE)) {
      if (v.getValueType() != JsonValue.ValueType.OBJECT) {
        // Anything else would replace the whole object (RFC 7386): never a valid Domain.
        throw bad("a merge patch of a domain must be a JSON object, not " + typeOf(v));
      }
      return new DomainPatch(v, null);
    }
    if (v.getValueType() != JsonValue.ValueType.ARRAY) {
      throw bad("a JSON Patch must be a JSON array of operations, not " + typeOf(v));
    }
    JsonArray ops = v.asJsonArray();
    if (ops.size() > MAX_OPERATIONS) {
      throw new ApiException(ApiException.Reason.REQUEST_ENTITY_TOO_LARGE,
          "The allowed maximum operations in a JSON patch is " + MAX_OPERATIONS + ", got " + ops.size());
    }
    for (int i = 0; i < ops.size(); i++) {
      JsonValue op = ops.get(i);
      if (op.getValueType() != JsonValue.ValueType.OBJECT
          || !(op.asJsonObject().get("op") instanceof JsonString)
          || !(op.asJsonObject().get("path") instanceof JsonString)) {
        throw bad("JSON Patch operation " + i + " must be an object with the strings \"op\" and \"path\": " + op);
      }
      String name = op.asJsonObject().getString("op");
      if (!OPERATIONS.contains(name)) {
        throw bad("JSON Patch operation " + i + " has an unknown op \"" + name + "\" (RFC 6902 defines "
            + String.join(", ", OPERATIONS) + ")");
      }
    }
    try {
      return new DomainPatch(null, jakarta.json.Json.createPatch(ops));
    } catch (JsonException | IllegalArgumentException | NullPointerException | ClassCastException e) {
      throw bad("malformed JSON Patch: " + e.getMessage());
    }
  }

  /**
   * The object {@code current} with this patch applied, as JSON, or null if the patch changes nothing.
   * The object is patched as served (so its {@code spec.xml} carries the edit-base marker of
   * {@code current}'s generation).
   *
   * @throws ApiException 422 Invalid when a JSON Patch cannot be applied (a failed {@code test}, a path
   *     that does not exist), or the patch changes {@code apiVersion}, {@code kind},
   *     {@code metadata.uuid}, {@code metadata.uid}, {@code spec.persistent} or {@code spec.autostart}
   *     (what else a PUT ignores, {@code status} and the server-set metadata, is ignored here too)
   */
  String applyTo(Domain current) {
    return applyToObject(current);
  }

  /**
   * As {@link #applyTo(Domain)} for an object of any kind (its {@code kind} names it in messages):
   * {@code spec.autostart} is not writable either (POST .../autostart sets it).
   */
  String applyToObject(Object current) {
    JsonObject before = read(Json.bytes(current)).asJsonObject();
    String kind = before.getString("kind", "Domain");
    String name = member(before.get("metadata"), "name") instanceof jakarta.json.JsonString js ? js.getString() : "";
    JsonValue after;
    try {
      after = merge != null ? jakarta.json.Json.createMergePatch(merge).apply(before) : patch.apply(before);
    } catch (JsonException | IllegalArgumentException | ClassCastException e) {
      throw new ApiException(ApiException.Reason.INVALID, (merge != null ? "the merge patch" : "the JSON Patch")
          + " cannot be applied: " + e.getMessage(),
          Map.of("name", name, "kind", kind), null);
    }
    if (after.equals(before)) {
      return null;
    }
    if (after.getValueType() != JsonValue.ValueType.OBJECT) {
      throw new ApiException(ApiException.Reason.INVALID, "the patched object is " + typeOf(after)
          + ", not a " + kind + " object");
    }
    JsonObject o = after.asJsonObject();
    immutable(before, o, "apiVersion", null);
    immutable(before, o, "kind", null);
    immutable(before, o, "metadata", "uuid");
    immutable(before, o, "metadata", "uid");
    // Only spec.xml is written (as by a PUT); these would be silently lost.
    notWritable(before, o, "persistent", "it follows from libvirt (define makes a domain persistent, undefine of a"
        + " running one transient)");
    notWritable(before, o, "autostart", kind.equals("Domain") ? "set it with virsh autostart"
        : "set it with POST .../autostart?enabled=true|false");
    return o.toString();
  }

  private static void immutable(JsonObject before, JsonObject after, String key, String child) {
    JsonValue was = child == null ? before.get(key) : member(before.get(key), child);
    JsonValue now = child == null ? after.get(key) : member(after.get(key), child);
    if (!Objects.equals(was, now)) {
      String field = child == null ? key : key + "." + child;
      throw invalid(field, field + ": field is immutable (was " + was + ", the patch makes it " + now + ")");
    }
  }

  private static void notWritable(JsonObject before, JsonObject after, String key, String how) {
    JsonValue was = member(before.get("spec"), key);
    JsonValue now = member(after.get("spec"), key);
    if (!Objects.equals(was, now)) {
      String field = "spec." + key;
      throw invalid(field, field + ": cannot be changed through the API (was " + was + ", the patch makes it "
          + now + "); only spec.xml is written: " + how);
    }
  }

  private static ApiException invalid(String field, String message) {
    return new ApiException(ApiException.Reason.INVALID, "Domain is invalid: " + message, Map.of("kind", "domains",
        "causes", List.of(Map.of("reason", "FieldValueInvalid", "field", field, "message", message))), null);
  }

  private static JsonValue member(JsonValue object, String key) {
    return object != null && object.getValueType() == JsonValue.ValueType.OBJECT ? object.asJsonObject().get(key)
        : null;
  }

  private static JsonValue read(byte[] body) {
    try (JsonReader r = jakarta.json.Json.createReader(new ByteArrayInputStream(body))) {
      return r.readValue();
    } catch (JsonException | NoSuchElementException e) { // JsonParsingException is a JsonException
      throw bad("malformed patch: " + e.getMessage());
    }
  }

  private static String typeOf(JsonValue v) {
    return switch (v.getValueType()) {
      case OBJECT -> "an object";
      case ARRAY -> "an array";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case TRUE, FALSE -> "a boolean";
      case NULL -> "null";
    };
  }

  private static ApiException bad(String message) {
    return new ApiException(ApiException.Reason.BAD_REQUEST, message);
  }
}
