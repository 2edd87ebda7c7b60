package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * A libvirt storage volume as observed at one revision (kind {@code StorageVolume}, resource
 * {@code storagevolumes}). It belongs to its pool ({@code status.pool}); libvirt gives it no uuid, so its
 * uid is {@link Uids#storageVolume} of the pool's uuid and the volume's name.
 */
@JsonClassDescription("A libvirt storage volume as observed at one revision; it belongs to a storage pool.")
public record StorageVolume(
    @JsonPropertyDescription("APIVersion defines the versioned schema of this representation of an object: virtrev.io/v1.")
    String apiVersion,
    @JsonPropertyDescription("Kind is the type of this object: StorageVolume.")
    String kind,
    @JsonPropertyDescription("Identity and versioning of the volume; uid is derived from the pool's uuid and the"
        + " volume's name (libvirt gives volumes no UUID).")
    DomainMeta metadata,
    @JsonPropertyDescription("The volume's definition: libvirt's volume XML.")
    StorageVolumeSpec spec,
    @JsonPropertyDescription("What libvirt reports about the volume. Read-only: ignored when sent.")
    StorageVolumeStatus status) {
  public static final String KIND = "StorageVolume";

  public StorageVolume {
    if (metadata == null || spec == null || status == null) {
      throw new IllegalArgumentException("metadata, spec and status are required");
    }
  }

  public static StorageVolume of(DomainMeta metadata, StorageVolumeSpec spec, StorageVolumeStatus status) {
    return new StorageVolume(Domain.API_VERSION, KIND, metadata, spec, status);
  }
}
