package io.virtrev.daemon.e2e;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One fleet object as a fleet client saw it (an event, or an item of a list, then {@code type} is
 * ADDED): its fleet name {@code <host>.<name>}, its host, its name on that host, the host's resource
 * version (annotation {@code virtrev.io/host-resource-version}) and the fleet's (an etcd revision).
 */
record FleetEvent(String type, String fleetName, String host, String name, long hostRv, long fleetRv) {
  static final String HOST_LABEL = "virtrev.io/host";
  static final String HOST_RV = "virtrev.io/host-resource-version";

  /** From a watch event's or list item's object; a BOOKMARK has only a resource version. */
  static FleetEvent of(String type, JsonNode object) {
    JsonNode m = object.path("metadata");
    long fleetRv = Long.parseLong(m.path("resourceVersion").asText());
    if (type.equals("BOOKMARK")) {
      return new FleetEvent(type, null, null, null, -1, fleetRv);
    }
    String fleetName = m.path("name").asText();
    String host = m.path("labels").path(HOST_LABEL).asText(null);
    if (host == null || !fleetName.startsWith(host + ".")) {
      throw new AssertionError("a fleet object without its host label, or not named <host>.<name>: " + object);
    }
    if (!host.equals(object.path("status").path("host").asText(null))) {
      throw new AssertionError("status.host is not the label " + HOST_LABEL + "=" + host + ": " + object);
    }
    String hostRv = m.path("annotations").path(HOST_RV).asText(null);
    if (hostRv == null) {
      throw new AssertionError("a fleet object without annotation " + HOST_RV + ": " + object);
    }
    return new FleetEvent(type, fleetName, host, fleetName.substring(host.length() + 1), Long.parseLong(hostRv),
        fleetRv);
  }

  boolean bookmark() {
    return type.equals("BOOKMARK");
  }
}
