package io.virtrev.api.source;

/**
 * One read of a domain from the hypervisor: everything the versioned object is built from.
 * {@code configXml} is the inactive definition ({@code VIR_DOMAIN_XML_INACTIVE}); {@code liveXml} and
 * {@code id} are null unless the domain is active. {@code state} and {@code reason} are libvirt's names
 * in lower case. The uuid is in lower-case canonical form.
 */
public record DomainObservation(
    String uuid,
    String name,
    String configXml,
    String liveXml,
    boolean persistent,
    boolean autostart,
    String state,
    String reason,
    Integer id) {

  public DomainObservation {
    if (uuid == null || name == null || configXml == null || state == null || reason == null) {
      throw new IllegalArgumentException("uuid, name, configXml, state and reason are required");
    }
  }
}
