package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * A libvirt storage pool as observed at one revision (kind {@code StoragePool}, resource
 * {@code storagepools}). Immutable; a change is a new instance with a new {@code metadata.resourceVersion}.
 * Its uid is libvirt's pool uuid.
 */
@JsonClassDescription("A libvirt storage pool as observed at one revision: its persistent definition (spec) and"
    + " what libvirt reports about it (status).")
public record StoragePool(
    @JsonPropertyDescription("APIVersion defines the versioned schema of this representation of an object: virtrev.io/v1.")
    String apiVersion,
    @JsonPropertyDescription("Kind is the type of this object: StoragePool.")
    String kind,
    @JsonPropertyDescription("Identity and versioning of the pool; uid is libvirt's pool UUID.")
    DomainMeta metadata,
    @JsonPropertyDescription("The persistent definition: libvirt's inactive pool XML and autostart.")
    StoragePoolSpec spec,
    @JsonPropertyDescription("What libvirt reports about the pool. Read-only: ignored when sent.")
    StoragePoolStatus status) {
  public static final String KIND = "StoragePool";

  public StoragePool {
    if (metadata == null || spec == null || status == null) {
      throw new IllegalArgumentException("metadata, spec and status are required");
    }
  }

  public static StoragePool of(DomainMeta metadata, StoragePoolSpec spec, StoragePoolStatus status) {
    return new StoragePool(Domain.API_VERSION, KIND, metadata, spec, status);
  }
}
