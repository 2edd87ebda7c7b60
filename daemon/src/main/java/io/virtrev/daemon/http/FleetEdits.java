package io.virtrev.daemon.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.virtrev.api.ApiException;
import io.virtrev.api.Json;
import io.virtrev.fleet.FleetKeys;
import io.virtrev.fleet.FleetObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The translation of a client's request to the fleet into the owning host's request (docs/fleet.md,
 * "Mutations"): fleet preconditions checked against the object's current fleet state and replaced by the
 * host's, fleet-only fields (the name's host prefix, the fleet uid, {@code status.host}, the label
 * {@code virtrev.io/host}, the annotation {@code virtrev.io/host-resource-version}) translated or removed.
 * Pure functions of their arguments; any thread.
 */
final class FleetEdits {
  private static final String META_RV = "/metadata/resourceVersion";
  /** JSON Patch paths of fields the fleet adds: a {@code test} of them is checked here, anything else is 422. */
  private static final java.util.Set<String> FLEET_ONLY = java.util.Set.of("/metadata/uid", "/metadata/name",
      "/status/host", "/metadata/labels/virtrev.io~1host", "/metadata/annotations/virtrev.io~1host-resource-version");
  private static final Pattern XML_NAME = Pattern.compile("<name>\\s*([^<]*?)\\s*</name>");

  private FleetEdits() {}

  /** The host of the fleet name {@code <host>.<name>}; NOT_FOUND for a name that is not one. */
  static String hostOf(String fleetName, ApiKind k) {
    FleetKeys.FleetName n = FleetKeys.splitName(fleetName);
    if (n == null) {
      throw new ApiException(ApiException.Reason.NOT_FOUND, k.resource() + " \"" + fleetName + "\" not found: a"
          + " fleet name is <host>.<name>", Map.of("name", fleetName, "kind", k.resource()), null);
    }
    return n.host();
  }

  /**
   * A fleet precondition on the object's resourceVersion, from {@code If-Match} (412) or the body (409).
   *
   * @param rv the fleet resourceVersion the client saw, or null for none
   */
  record Pre(Long rv, ApiException.Reason reason) {
    static final Pre NONE = new Pre(null, ApiException.Reason.CONFLICT);

    /** @throws ApiException {@link #reason} when the object's fleet revision is no longer {@link #rv} */
    void check(FleetObject cur, ApiKind k) {
      if (rv != null && rv != cur.revision()) {
        throw conflict(reason, cur, k, rv);
      }
    }

    /** The host's If-Match for it: the host resourceVersion stored in the value the client saw. */
    Optional<String> hostHeader(FleetObject cur) {
      return rv == null ? Optional.empty() : Optional.of("\"" + hostRv(cur) + "\"");
    }
  }

  /** The request's If-Match as a fleet precondition (412); {@code *} or none: none. */
  static Pre ifMatch(FullHttpRequest req) {
    String h = req.headers().get(HttpHeaderNames.IF_MATCH);
    if (h == null || h.isBlank() || h.trim().equals("*")) {
      return Pre.NONE;
    }
    String v = h.trim();
    if (v.startsWith("W/")) {
      v = v.substring(2);
    }
    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
      v = v.substring(1, v.length() - 1);
    }
    return new Pre(revision(v, "If-Match"), ApiException.Reason.PRECONDITION_FAILED);
  }

  /** The 409/412 of a fleet precondition that no longer holds; nothing was forwarded. */
  static ApiException conflict(ApiException.Reason reason, FleetObject cur, ApiKind k, long seen) {
    return new ApiException(reason, "Operation cannot be fulfilled on " + k.resource() + " \"" + cur.fleetName()
        + "\": the object has been modified; please apply your changes to the latest version and try again"
        + " (resourceVersion " + seen + " was sent, the fleet's is " + cur.revision() + ")",
        Map.of("name", cur.fleetName(), "kind", k.resource(), "currentResourceVersion",
            Long.toString(cur.revision())), null);
  }

  /**
   * A PUT's JSON object for the host: {@code metadata.resourceVersion} (if sent) checked against the fleet
   * (409) and replaced by the host's; name and uid checked and replaced by the host's; the fleet's label,
   * annotation and {@code status.host} removed.
   */
  static ObjectNode object(byte[] body, FleetObject cur, ApiKind k) {
    JsonNode j = read(body);
    if (!(j instanceof ObjectNode o)) {
      throw bad("the body must be a JSON object (the " + k.singular() + " as GET returns it)");
    }
    ObjectNode meta = o.path("metadata") instanceof ObjectNode m ? m : null;
    if (meta != null) {
      JsonNode rv = meta.get("resourceVersion");
      if (rv != null && !rv.isNull() && !rv.asText().isEmpty()) {
        new Pre(revision(rv.asText(), "metadata.resourceVersion"), ApiException.Reason.CONFLICT).check(cur, k);
        meta.put("resourceVersion", hostRv(cur));
      }
      JsonNode name = meta.get("name");
      if (name != null && !name.isNull()) {
        if (!name.asText().equals(cur.fleetName()) && !name.asText().equals(cur.hostName())) {
          throw bad("metadata.name \"" + name.asText() + "\" does not match the " + k.singular() + " in the URL (\""
              + cur.fleetName() + "\")");
        }
        meta.put("name", cur.hostName());
      }
      JsonNode uid = meta.get("uid");
      if (uid != null && !uid.isNull()) {
        if (!uid.asText().equals(cur.fleetUid()) && !uid.asText().equals(hostUid(cur))) {
          throw bad("metadata.uid " + uid.asText() + " does not match the " + k.singular() + " in the URL ("
              + cur.fleetUid() + ")");
        }
        meta.put("uid", hostUid(cur));
      }
      stripFleetMaps(meta);
    }
    stripStatusHost(o);
    return o;
  }

  /** A merge patch for the host: as {@link #object}, where it names those fields (null deletes stay null). */
  static ObjectNode mergePatch(byte[] body, FleetObject cur, ApiKind k) {
    ObjectNode o = (ObjectNode) read(body);
    if (o.path("metadata") instanceof ObjectNode meta) {
      JsonNode rv = meta.get("resourceVersion");
      if (rv != null && !rv.isNull() && !rv.asText().isEmpty()) {
        new Pre(revision(rv.asText(), "metadata.resourceVersion"), ApiException.Reason.CONFLICT).check(cur, k);
        meta.put("resourceVersion", hostRv(cur));
      }
      JsonNode name = meta.get("name");
      if (name != null && (name.asText().equals(cur.fleetName()) || name.asText().equals(cur.hostName()))) {
        meta.remove("name"); // names it as it is: no change
      }
      JsonNode uid = meta.get("uid");
      if (uid != null && (uid.asText().equals(cur.fleetUid()) || uid.asText().equals(hostUid(cur)))) {
        meta.remove("uid");
      }
      stripFleetMaps(meta);
    }
    stripStatusHost(o);
    return o;
  }

  /**
   * A JSON Patch for the host: operations on {@code /metadata/resourceVersion} carry the fleet RV (a
   * precondition: 409) and get the host's; a {@code test} of a fleet-only field is
   * checked here against the fleet object (422 if it fails) and dropped; any other operation on one is 422.
   */
  static ArrayNode jsonPatch(byte[] body, FleetObject cur, ApiKind k) {
    ArrayNode ops = (ArrayNode) read(body);
    ArrayNode out = Json.mapper().createArrayNode();
    ObjectNode fleet = cur.json();
    for (int i = 0; i < ops.size(); i++) {
      ObjectNode op = (ObjectNode) ops.get(i);
      String path = op.path("path").asText();
      String verb = op.path("op").asText();
      if (path.equals(META_RV) && op.has("value")) {
        long rv = revision(op.get("value").asText(), "operation " + i + " (" + verb + " " + META_RV + ")");
        new Pre(rv, ApiException.Reason.CONFLICT).check(cur, k); // a test, or a replace that the host checks
        op.put("value", hostRv(cur));
      } else if (FLEET_ONLY.contains(path) || path.startsWith("/status/host/")) {
        if (!verb.equals("test")) {
          throw new ApiException(ApiException.Reason.INVALID, "operation " + i + " (" + verb + " " + path + "): "
              + path + " is set by the fleet and cannot be changed");
        }
        JsonNode at = fleetAt(fleet, path);
        if (!at.equals(op.get("value"))) {
          throw new ApiException(ApiException.Reason.INVALID, "the server rejected our request due to an error in"
              + " our request: testing value " + path + " failed: " + at + " is not " + op.get("value"));
        }
        continue;
      }
      out.add(op);
    }
    return out;
  }

  /** DeleteOptions for the host: {@code preconditions.resourceVersion} and {@code uid} checked and translated. */
  static ObjectNode deleteOptions(byte[] body, FleetObject cur, ApiKind k) {
    ObjectNode o = (ObjectNode) read(body);
    if (o.path("preconditions") instanceof ObjectNode p) {
      JsonNode rv = p.get("resourceVersion");
      if (rv != null && !rv.isNull() && !rv.asText().isEmpty()) {
        new Pre(revision(rv.asText(), "preconditions.resourceVersion"), ApiException.Reason.CONFLICT).check(cur, k);
        p.put("resourceVersion", hostRv(cur));
      }
      JsonNode uid = p.get("uid");
      if (uid != null && !uid.isNull() && !uid.asText().isEmpty()) {
        if (!uid.asText().equals(cur.fleetUid())) {
          throw new ApiException(ApiException.Reason.CONFLICT, "Precondition failed: UID in precondition: "
              + uid.asText() + ", UID in object meta: " + cur.fleetUid(), Map.of("name", cur.fleetName(), "kind",
              k.resource()), null);
        }
        p.put("uid", hostUid(cur));
      }
    }
    return o;
  }

  /** A create's host and its body for the host. */
  record Created(String host, byte[] body) {}

  /**
   * A create's host, from the object's fleet name: {@code metadata.name} of a JSON body (or, without one,
   * the name in its {@code spec.xml}), the XML's {@code <name>} of an XML body. The body for the host names
   * the object without the host prefix (in metadata and in the XML) and carries no fleet-only field.
   *
   * @throws ApiException BAD_REQUEST (400) when the name has no host prefix
   */
  static Created create(String type, byte[] body, ApiKind k) {
    if (type.equals("application/json")) {
      JsonNode j = read(body);
      if (!(j instanceof ObjectNode o)) {
        throw bad("the body must be a JSON object (a " + k.kind() + ")");
      }
      ObjectNode meta = o.with("metadata");
      String xml = o.at("/spec/xml").asText("");
      String fleetName = meta.hasNonNull("name") ? meta.get("name").asText() : xmlName(xml);
      String host = createHost(fleetName, k);
      String name = fleetName.substring(host.length() + 1);
      meta.put("name", name);
      meta.remove("uid");
      meta.remove("resourceVersion");
      stripFleetMaps(meta);
      stripStatusHost(o);
      if (!xml.isEmpty()) {
        ((ObjectNode) o.get("spec")).put("xml", renamed(xml, fleetName, name));
      }
      return new Created(host, Json.bytes(o));
    }
    String xml = new String(body, StandardCharsets.UTF_8);
    String fleetName = xmlName(xml);
    String host = createHost(fleetName, k);
    return new Created(host, renamed(xml, fleetName, fleetName.substring(host.length() + 1))
        .getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The body of a create under an owner (a volume, a snapshot) for the host: the object keeps its own name (its
   * owner in the path picks the host); a JSON body loses the fleet-only fields ({@code uid},
   * {@code resourceVersion}, the host label and annotation, {@code status.host}); an XML body goes as sent.
   */
  static byte[] createOwned(String type, byte[] body, ApiKind k) {
    if (!type.equals("application/json")) {
      return body;
    }
    JsonNode j = read(body);
    if (!(j instanceof ObjectNode o)) {
      throw bad("the body must be a JSON object (a " + k.kind() + ")");
    }
    if (o.path("metadata") instanceof ObjectNode meta) {
      meta.remove("uid");
      meta.remove("resourceVersion");
      stripFleetMaps(meta);
    }
    stripStatusHost(o);
    return Json.bytes(o);
  }

  private static String createHost(String fleetName, ApiKind k) {
    FleetKeys.FleetName n = FleetKeys.splitName(fleetName);
    if (n == null) {
      throw bad("a " + k.singular() + " created through the fleet is named <host>.<name> (the host that creates"
          + " it, then its name there); got " + (fleetName == null ? "no name" : "\"" + fleetName + "\""));
    }
    return n.host();
  }

  /** The first {@code <name>} of an XML (the object's: it comes before any nested one), or null. */
  private static String xmlName(String xml) {
    Matcher m = XML_NAME.matcher(xml);
    return m.find() ? m.group(1) : null;
  }

  /** {@code xml} with its first {@code <name>} changed from {@code from} to {@code to}. */
  private static String renamed(String xml, String from, String to) {
    Matcher m = XML_NAME.matcher(xml);
    if (m.find() && m.group(1).equals(from)) {
      return xml.substring(0, m.start()) + "<name>" + escape(to) + "</name>" + xml.substring(m.end());
    }
    return xml;
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static void stripFleetMaps(ObjectNode meta) {
    if (meta.path("labels") instanceof ObjectNode l) {
      l.remove(FleetObject.HOST_LABEL);
    }
    if (meta.path("annotations") instanceof ObjectNode a) {
      a.remove(FleetObject.HOST_RV_ANNOTATION);
    }
  }

  private static void stripStatusHost(ObjectNode o) {
    if (o.path("status") instanceof ObjectNode s) {
      s.remove("host");
    }
  }

  /** The value at a JSON Patch path of a fleet-only field, in the fleet object. */
  private static JsonNode fleetAt(ObjectNode fleet, String path) {
    return switch (path) {
      case "/metadata/labels/virtrev.io~1host" -> fleet.path("metadata").path("labels").path(FleetObject.HOST_LABEL);
      case "/metadata/annotations/virtrev.io~1host-resource-version" ->
          fleet.path("metadata").path("annotations").path(FleetObject.HOST_RV_ANNOTATION);
      default -> fleet.at(path);
    };
  }

  private static String hostRv(FleetObject cur) {
    return cur.hostObject().path("metadata").path("resourceVersion").asText();
  }

  private static String hostUid(FleetObject cur) {
    JsonNode m = cur.hostObject().path("metadata");
    return m.hasNonNull("uid") ? m.get("uid").asText() : m.path("uuid").asText();
  }

  private static long revision(String text, String where) {
    try {
      long v = Long.parseLong(text.strip());
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw bad(where + ": \"" + LogSafe.value(text) + "\" is not a resourceVersion (a positive decimal integer, as"
        + " the fleet serves it)");
  }

  private static JsonNode read(byte[] body) {
    try {
      JsonNode j = Json.mapper().readTree(body);
      if (j == null) {
        throw bad("a request body is required");
      }
      return j;
    } catch (IOException e) {
      throw bad("the body is not JSON: " + e.getMessage());
    }
  }

  private static ApiException bad(String message) {
    return new ApiException(ApiException.Reason.BAD_REQUEST, message);
  }
}
