package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** The answer to a list of domain snapshots: every item as of one snapshot of the store, {@code metadata.resourceVersion}. */
@JsonClassDescription("A list of domain snapshots, all as of one revision of the store (metadata.resourceVersion).")
public record DomainSnapshotList(
    @JsonPropertyDescription("APIVersion defines the versioned schema of this representation of an object: virtrev.io/v1.")
    String apiVersion,
    @JsonPropertyDescription("Kind is the type of this object: DomainSnapshotList.")
    String kind,
    @JsonPropertyDescription("The list's revision and paging state.")
    ListMeta metadata,
    @JsonPropertyDescription("The snapshots, sorted by domain name, then snapshot name.")
    List<DomainSnapshot> items) {
  public static final String KIND = "DomainSnapshotList";

  public static DomainSnapshotList of(ListMeta metadata, List<DomainSnapshot> items) {
    return new DomainSnapshotList(Domain.API_VERSION, KIND, metadata, List.copyOf(items));
  }
}
