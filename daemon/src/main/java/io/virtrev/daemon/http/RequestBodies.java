package io.virtrev.daemon.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.virtrev.api.ApiException;
import io.virtrev.api.EditBase;
import io.virtrev.api.Json;
import io.virtrev.api.Revision;
import io.virtrev.versioning.StoreException;
import io.virtrev.versioning.DryRun;
import io.virtrev.versioning.ObjectMetaValidation;
import io.virtrev.versioning.ObjectMetaXml;
import io.virtrev.versioning.Precondition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Reads what mutating requests carry: a domain definition, and preconditions from headers or body. */
final class RequestBodies {
  /**
   * A definition as sent: the XML, and the Kubernetes-style precondition if it came as a JSON object.
   * {@code keepsObjectMeta}: a raw XML without virtrev's element, whose labels and annotations are then
   * the domain's current ones (a PUT decides that on the writer's lane, {@link #withObjectMeta(String,
   * Map, Map)}; a POST has none). {@code object}: the JSON object as sent, null for an XML body.
   */
  record Definition(String xml, Precondition pre, String metadataName, String metadataUid, boolean keepsObjectMeta,
      JsonNode object) {}

  private RequestBodies() {}

  /**
   * The domain XML of a PUT or POST: {@code application/xml} (the XML itself) or {@code application/json}
   * (a Domain object as returned by GET, {@code spec.xml} holding the XML and
   * {@code metadata.resourceVersion}, if present, a precondition that fails with 409; its
   * {@code metadata.labels} and {@code metadata.annotations} written into the XML, see
   * {@link #withObjectMeta(String, JsonNode)}). A raw XML's own virtrev element is its labels and
   * annotations; without one a PUT keeps the domain's ({@link Definition#keepsObjectMeta}). Labels and
   * annotations are checked either way (422). An
   * edit-base marker at the start of the XML ({@link EditBase}) is removed and becomes a precondition on
   * the domain's generation that fails with 409.
   */
  static Definition definition(FullHttpRequest req) {
    return definition(mediaType(req), req.content().toString(StandardCharsets.UTF_8));
  }

  /** As {@link #definition(FullHttpRequest)}, from a body of media type {@code type} (also a patched object). */
  static Definition definition(String type, String body) {
    if (body.isBlank()) {
      throw bad("a request body is required: the object's libvirt XML (application/xml) or the object"
          + " as JSON (application/json)");
    }
    switch (type) {
      case "application/xml", "text/xml" -> {
        EditBase.Parsed x = EditBase.parse(body);
        Optional<ObjectMetaXml.Maps> element = ObjectMetaXml.element(x.xml());
        element.ifPresent(ObjectMetaValidation::check);
        return new Definition(x.xml(), basedOn(x), null, null, element.isEmpty(), null);
      }
      case "application/json" -> {
        JsonNode j = json(body);
        JsonNode xml = j.at("/spec/xml");
        if (!xml.isTextual() || xml.asText().isBlank()) {
          throw bad("the object has no spec.xml (its libvirt XML)");
        }
        String rv = revisionText(j.at("/metadata/resourceVersion"), "metadata.resourceVersion");
        Precondition pre = Precondition.NONE;
        if (rv != null && !rv.isEmpty()) {
          pre = new Precondition(Revision.parse(rv), null, StoreException.Reason.CONFLICT);
        }
        EditBase.Parsed x = EditBase.parse(xml.asText());
        String uuid = text(j.at("/metadata/uuid"));
        return new Definition(withObjectMeta(x.xml(), j), pre.and(basedOn(x)), text(j.at("/metadata/name")),
            uuid != null ? uuid : text(j.at("/metadata/uid")), false, j); // uid: the same, under Kubernetes' name
      }
      default -> throw new ApiException(ApiException.Reason.UNSUPPORTED_MEDIA_TYPE,
          "Content-Type " + (type.isEmpty() ? "(none)" : type)
              + " is not supported here: send application/xml or application/json");
    }
  }

  /** What a DELETE body (DeleteOptions) asks for. */
  record DeleteOptions(Precondition pre, DryRun dryRun) {
    static final DeleteOptions NONE = new DeleteOptions(Precondition.NONE, DryRun.NONE);
  }

  /** The DeleteOptions fields kubectl and client libraries send; any other is a 400 naming it. */
  private static final Set<String> DELETE_FIELDS = Set.of("kind", "apiVersion", "preconditions", "dryRun",
      "propagationPolicy", "gracePeriodSeconds", "orphanDependents");

  /** The precondition an XML's edit-base marker carries: its generation, failing with 409; none without one. */
  private static Precondition basedOn(EditBase.Parsed xml) {
    return xml.generation().isPresent() ? Precondition.generation(xml.generation().getAsLong()) : Precondition.NONE;
  }

  /**
   * {@code xml} with its virtrev element (re)written from the body's {@code metadata.labels} and
   * {@code metadata.annotations}, which are authoritative: an absent or null map means none (as a
   * Kubernetes PUT), unless the XML itself carries a virtrev element (XML from {@code virsh dumpxml}),
   * whose map is then used. A map given both ways must be the same in both.
   *
   * @throws ApiException BAD_REQUEST if a map is not an object of strings; INVALID (422) naming a bad
   *     key or value, or both maps when the body's and the element's differ
   */
  private static String withObjectMeta(String xml, JsonNode body) {
    Map<String, String> labels = stringMap(body.at("/metadata/labels"), "metadata.labels");
    Map<String, String> annotations = stringMap(body.at("/metadata/annotations"), "metadata.annotations");
    Optional<ObjectMetaXml.Maps> element = ObjectMetaXml.element(xml);
    if (element.isPresent()) {
      labels = agreed("labels", labels, element.get().labels());
      annotations = agreed("annotations", annotations, element.get().annotations());
    }
    return withObjectMeta(xml, labels == null ? Map.of() : labels, annotations == null ? Map.of() : annotations);
  }

  /**
   * {@code xml} with its virtrev element replaced by one holding {@code labels} and {@code annotations}
   * (none: no element), after checking them as Kubernetes does.
   *
   * @throws ApiException INVALID (422) naming a bad key or value; BAD_REQUEST if {@code xml} is malformed
   */
  static String withObjectMeta(String xml, Map<String, String> labels, Map<String, String> annotations) {
    ObjectMetaXml.Maps maps = new ObjectMetaXml.Maps(labels, annotations);
    ObjectMetaValidation.check(maps);
    Optional<ObjectMetaXml.Maps> element = ObjectMetaXml.element(xml);
    boolean same = element.isPresent() ? element.get().equals(maps) : maps.equals(ObjectMetaXml.Maps.NONE);
    return same ? xml : ObjectMetaXml.write(xml, maps);
  }

  /** The body's map of {@code kind} if given (it must equal the element's), else the element's. */
  private static Map<String, String> agreed(String kind, Map<String, String> body, Map<String, String> element) {
    if (body == null) {
      return element;
    }
    if (!new TreeMap<>(body).equals(element)) {
      throw new ApiException(ApiException.Reason.INVALID, "metadata." + kind + " " + new TreeMap<>(body)
          + " and the " + kind + " of spec.xml's virtrev element (<metadata> namespace " + ObjectMetaXml.NAMESPACE
          + ") " + element + " differ: give them once (metadata." + kind + "), or the same in both",
          Map.of("kind", "domains", "causes", java.util.List.of(Map.of("reason", "FieldValueInvalid",
              "field", "metadata." + kind, "message", "differs from spec.xml's virtrev element"))), null);
    }
    return body;
  }

  /** A JSON object of strings; null if absent or null. */
  private static Map<String, String> stringMap(JsonNode n, String field) {
    if (n.isMissingNode() || n.isNull()) {
      return null;
    }
    if (!n.isObject()) {
      throw bad(field + " must be an object of strings, not " + jsonType(n));
    }
    Map<String, String> out = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw bad(field + "[\"" + e.getKey() + "\"] must be a string, not " + jsonType(e.getValue()));
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  /**
   * Kubernetes DeleteOptions from a DELETE body; no body means none. {@code preconditions} ({@code uid},
   * {@code resourceVersion}) fail with 409; {@code dryRun} as the query parameter; {@code propagationPolicy},
   * {@code gracePeriodSeconds} and {@code orphanDependents} are checked and have no effect (see
   * {@link MutationParams#checkDeleteQuery}).
   */
  static DeleteOptions deleteOptions(FullHttpRequest req) {
    String body = req.content().toString(StandardCharsets.UTF_8);
    if (body.isBlank()) {
      return DeleteOptions.NONE;
    }
    if (!mediaType(req).equals("application/json")) {
      throw new ApiException(ApiException.Reason.UNSUPPORTED_MEDIA_TYPE,
          "a DELETE body must be application/json (DeleteOptions), not " + mediaType(req));
    }
    JsonNode options = json(body);
    if (!options.isObject()) {
      throw bad("a DELETE body must be a DeleteOptions object, not " + jsonType(options));
    }
    List<String> unknown = new ArrayList<>();
    options.fieldNames().forEachRemaining(f -> {
      if (!DELETE_FIELDS.contains(f)) {
        unknown.add("\"" + LogSafe.value(f) + "\"");
      }
    });
    if (!unknown.isEmpty()) {
      throw bad("unknown DeleteOptions field(s) " + String.join(", ", unknown) + "; known: "
          + String.join(", ", new TreeSet<>(DELETE_FIELDS)));
    }
    JsonNode kind = options.path("kind");
    if (!kind.isMissingNode() && !kind.asText().equals("DeleteOptions")) {
      throw bad("a DELETE body must be kind DeleteOptions, not " + kind);
    }
    JsonNode policy = options.path("propagationPolicy");
    if (!policy.isMissingNode() && !policy.isNull()) {
      MutationParams.propagationPolicy(policy.asText(), "DeleteOptions propagationPolicy");
    }
    JsonNode grace = options.path("gracePeriodSeconds");
    if (!grace.isMissingNode() && !grace.isNull() && (!grace.isIntegralNumber() || grace.asLong() < 0)) {
      throw bad("DeleteOptions gracePeriodSeconds must be an integer >= 0, not " + grace);
    }
    JsonNode orphan = options.path("orphanDependents");
    if (!orphan.isMissingNode() && !orphan.isNull() && !orphan.isBoolean()) {
      throw bad("DeleteOptions orphanDependents must be a boolean, not " + orphan);
    }
    DryRun dryRun = MutationParams.dryRun(options.path("dryRun"));
    JsonNode p = options.path("preconditions");
    if (p.isMissingNode() || p.isNull()) {
      return new DeleteOptions(Precondition.NONE, dryRun);
    }
    String uid = text(p.path("uid"));
    String rv = revisionText(p.path("resourceVersion"), "preconditions.resourceVersion");
    return new DeleteOptions(new Precondition(rv == null ? null : Revision.parse(rv), uid, StoreException.Reason.CONFLICT),
        dryRun);
  }

  /**
   * {@code If-Match}: one quoted revision ({@code "42"}, also {@code W/"42"} or unquoted {@code 42}),
   * failing with 412; {@code *} means "if it exists", which every mutation of an existing domain requires
   * anyway.
   */
  static Precondition ifMatch(FullHttpRequest req) {
    String h = req.headers().get(HttpHeaderNames.IF_MATCH);
    if (h == null || h.isBlank() || h.trim().equals("*")) {
      return Precondition.NONE;
    }
    String v = h.trim();
    if (v.contains(",")) {
      throw bad("If-Match: give one ETag (the resourceVersion you read), not a list: " + v);
    }
    if (v.startsWith("W/")) {
      v = v.substring(2);
    }
    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
      v = v.substring(1, v.length() - 1);
    }
    try {
      return new Precondition(Revision.parse(v), null, StoreException.Reason.PRECONDITION_FAILED);
    } catch (ApiException e) {
      throw bad("If-Match: " + e.getMessage() + "; send the ETag of a GET, e.g. If-Match: \"42\"");
    }
  }

  static String mediaType(FullHttpRequest req) {
    String ct = req.headers().get(HttpHeaderNames.CONTENT_TYPE);
    if (ct == null) {
      return "";
    }
    int semi = ct.indexOf(';');
    return (semi < 0 ? ct : ct.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  private static JsonNode json(String body) {
    try {
      return Json.mapper().readTree(body);
    } catch (IOException e) {
      throw bad("malformed JSON: " + (e instanceof JsonProcessingException jp ? jp.getOriginalMessage() : e.getMessage()));
    }
  }

  /**
   * A resource version as sent: a JSON string (Kubernetes' type) or, leniently, an integer; null if
   * absent or null.
   *
   * @throws ApiException BAD_REQUEST naming {@code field} and the JSON type for anything else (an
   *     object, an array, a boolean, a fraction): such a precondition must not be silently skipped
   */
  private static String revisionText(JsonNode n, String field) {
    if (n == null || n.isMissingNode() || n.isNull()) {
      return null;
    }
    if (n.isTextual() || n.isIntegralNumber()) {
      return n.asText();
    }
    String shown = n.toString();
    throw bad(field + " must be a string holding a resourceVersion (e.g. \"42\"), not " + jsonType(n) + ": "
        + (shown.length() > 100 ? shown.substring(0, 100) + "..." : shown));
  }

  private static String jsonType(JsonNode n) {
    return switch (n.getNodeType()) {
      case OBJECT, POJO -> "an object";
      case ARRAY -> "an array";
      case BOOLEAN -> "a boolean";
      case NUMBER -> "a non-integer number";
      case BINARY -> "binary data";
      default -> n.getNodeType().toString().toLowerCase(Locale.ROOT);
    };
  }

  private static String text(JsonNode n) {
    return n == null || n.isMissingNode() || n.isNull() ? null : n.asText();
  }

  private static ApiException bad(String message) {
    return new ApiException(ApiException.Reason.BAD_REQUEST, message);
  }
}
