package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** The answer to a list of storage pools: every item as of one snapshot, {@code metadata.resourceVersion}. */
@JsonClassDescription("A list of storage pools, all as of one snapshot (metadata.resourceVersion).")
public record StoragePoolList(
    @JsonPropertyDescription("APIVersion defines the versioned schema of this representation of an object: virtrev.io/v1.")
    String apiVersion,
    @JsonPropertyDescription("Kind is the type of this object: StoragePoolList.")
    String kind,
    @JsonPropertyDescription("The snapshot's revision and the list's paging state.")
    ListMeta metadata,
    @JsonPropertyDescription("The pools, sorted by name.")
    List<StoragePool> items) {
  public static StoragePoolList of(ListMeta metadata, List<StoragePool> items) {
    return new StoragePoolList(Domain.API_VERSION, "StoragePoolList", metadata, List.copyOf(items));
  }
}
