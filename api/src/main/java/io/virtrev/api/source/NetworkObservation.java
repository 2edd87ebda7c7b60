package io.virtrev.api.source;

/**
 * One read of a virtual network from the hypervisor: everything the versioned object is built from.
 * {@code configXml} is the persistent definition ({@code VIR_NETWORK_XML_INACTIVE}; for a transient
 * network, the only definition it has); {@code liveXml} is the running definition, null unless the
 * network is active. The uuid is in lower-case canonical form.
 */
public record NetworkObservation(
    String uuid,
    String name,
    String configXml,
    String liveXml,
    boolean active,
    boolean persistent,
    boolean autostart) {

  public NetworkObservation {
    if (uuid == null || name == null || configXml == null) {
      throw new IllegalArgumentException("uuid, name and configXml are required: " + uuid + ", " + name);
    }
    if (active != (liveXml != null)) {
      throw new IllegalArgumentException("liveXml is present exactly while active: active=" + active
          + ", liveXml " + (liveXml == null ? "absent" : "present") + " for " + name);
    }
  }
}
