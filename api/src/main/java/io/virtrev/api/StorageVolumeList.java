package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** The answer to a list of storage volumes: every item as of one snapshot, {@code metadata.resourceVersion}. */
@JsonClassDescription("A list of storage volumes, all as of one snapshot (metadata.resourceVersion).")
public record StorageVolumeList(
    @JsonPropertyDescription("APIVersion defines the versioned schema of this representation of an object: virtrev.io/v1.")
    String apiVersion,
    @JsonPropertyDescription("Kind is the type of this object: StorageVolumeList.")
    String kind,
    @JsonPropertyDescription("The snapshot's revision and the list's paging state.")
    ListMeta metadata,
    @JsonPropertyDescription("The volumes, sorted by pool name, then name.")
    List<StorageVolume> items) {
  public static StorageVolumeList of(ListMeta metadata, List<StorageVolume> items) {
    return new StorageVolumeList(Domain.API_VERSION, "StorageVolumeList", metadata, List.copyOf(items));
  }
}
