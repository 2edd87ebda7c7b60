package io.virtrev.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.virtrev.api.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * One host object as the fleet serves it (docs/fleet.md, "Gateway"): the host's JSON from its key, with
 * the fleet's name {@code <host>.<name>}, the fleet uid, {@code resourceVersion} = the key's etcd
 * {@code mod_revision} (for a deletion: the delete's revision), {@code status.host}, the label
 * {@code virtrev.io/host} and the annotation {@code virtrev.io/host-resource-version}. Immutable: {@link #json}
 * returns a copy.
 *
 * @param kind the plural resource name
 * @param host the owning host
 * @param key the etcd key
 * @param revision the fleet resourceVersion (etcd revision)
 * @param hostObject the object exactly as the host serves it (its name, uid and RV)
 * @param fleetObject the object as the fleet serves it
 */
public record FleetObject(String kind, String host, String key, long revision, ObjectNode hostObject,
    ObjectNode fleetObject) {
  /** Label and {@code status.host}: the owning host. */
  public static final String HOST_LABEL = "virtrev.io/host";
  /** Annotation: the host's own resourceVersion of the object. */
  public static final String HOST_RV_ANNOTATION = "virtrev.io/host-resource-version";

  /**
   * The fleet object of a key's value at {@code revision}.
   *
   * @throws IllegalArgumentException a key outside the object layout or a value that is not a JSON object
   */
  public static FleetObject of(String key, byte[] value, long revision) {
    FleetKeys.ObjectKey k = FleetKeys.parse(key);
    if (k == null) {
      throw new IllegalArgumentException("not an object key: " + key);
    }
    JsonNode parsed;
    try {
      parsed = Json.mapper().readTree(value);
    } catch (IOException e) {
      throw new UncheckedIOException("value of " + key + " is not JSON", e);
    }
    if (!(parsed instanceof ObjectNode host)) {
      throw new IllegalArgumentException("value of " + key + " is not a JSON object");
    }
    return new FleetObject(k.kind(), k.host(), key, revision, host, transform(k, host, revision));
  }

  private static ObjectNode transform(FleetKeys.ObjectKey k, ObjectNode host, long revision) {
    ObjectNode o = host.deepCopy();
    ObjectNode meta = o.with("metadata");
    String name = meta.path("name").asText("");
    String hostUid = meta.hasNonNull("uid") ? meta.get("uid").asText() : meta.path("uuid").asText(k.uid());
    String hostRv = meta.path("resourceVersion").asText("");
    String fleetUid = FleetKeys.fleetUid(k.host(), k.kind(), hostUid);
    meta.put("name", FleetKeys.fleetName(k.host(), name));
    meta.put("uid", fleetUid);
    if (meta.has("uuid")) {
      meta.put("uuid", hostUid); // libvirt's UUID stays what it is: it addresses the object on its host
    }
    meta.put("resourceVersion", Long.toString(revision));
    meta.with("labels").put(HOST_LABEL, k.host());
    meta.with("annotations").put(HOST_RV_ANNOTATION, hostRv);
    o.with("status").put("host", k.host());
    return o;
  }

  /** The object's name on its host. */
  public String hostName() {
    return hostObject.path("metadata").path("name").asText("");
  }

  /** {@code <host>.<name>}. */
  public String fleetName() {
    return FleetKeys.fleetName(host, hostName());
  }

  /** The fleet uid. */
  public String fleetUid() {
    return fleetObject.path("metadata").path("uid").asText();
  }

  /** {@code status.state}, or null. */
  public String state() {
    JsonNode s = hostObject.path("status").path("state");
    return s.isTextual() ? s.asText() : null;
  }

  /** The fleet labels (the host's plus {@link #HOST_LABEL}), sorted. */
  public Map<String, String> labels() {
    Map<String, String> out = new TreeMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = fleetObject.path("metadata").path("labels").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  /** A copy of the fleet object's JSON tree. */
  public ObjectNode json() {
    return fleetObject.deepCopy();
  }

  /** The fleet object's JSON bytes. */
  public byte[] bytes() {
    return Json.bytes(fleetObject);
  }

  /** This object with another revision (a deletion is served as the last state at the delete's revision). */
  public FleetObject at(long rev) {
    ObjectNode o = fleetObject.deepCopy();
    o.with("metadata").put("resourceVersion", Long.toString(rev));
    return new FleetObject(kind, host, key, rev, hostObject, o);
  }
}
