package io.virtrev.api.source;

/**
 * One read of a storage pool from the hypervisor: everything the versioned object is built from.
 * {@code configXml} is the persistent definition ({@code VIR_STORAGE_XML_INACTIVE}); {@code liveXml} is the
 * running definition, null while the pool is inactive. {@code state} is libvirt's {@code virStoragePoolState}
 * name in lower case: {@code inactive}, {@code building}, {@code running}, {@code degraded},
 * {@code inaccessible}. Sizes are bytes as libvirt last measured them (a refresh measures again; an inactive
 * pool reports what libvirt has, often 0). The uuid is in lower-case canonical form.
 */
public record StoragePoolObservation(
    String uuid,
    String name,
    String configXml,
    String liveXml,
    String state,
    boolean persistent,
    boolean autostart,
    long capacity,
    long allocation,
    long available) {

  public StoragePoolObservation {
    if (uuid == null || name == null || configXml == null || state == null) {
      throw new IllegalArgumentException("uuid, name, configXml and state are required");
    }
  }

  /** True unless the pool is {@code inactive}. */
  public boolean active() {
    return !"inactive".equals(state);
  }
}
