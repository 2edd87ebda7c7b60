package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.List;

/** The answer to a list: every item as of one snapshot, {@code metadata.resourceVersion}. */
@JsonClassDescription("A list of domains, all as of one snapshot (metadata.resourceVersion).")
public record DomainList(
    @JsonPropertyDescription("APIVersion defines the versioned schema of this representation of an object: virtrev.io/v1.")
    String apiVersion,
    @JsonPropertyDescription("Kind is the type of this object: DomainList.")
    String kind,
    @JsonPropertyDescription("The snapshot's revision and the list's paging state.")
    ListMeta metadata,
    @JsonPropertyDescription("The domains, sorted by name.")
    List<Domain> items) {
  public static DomainList of(ListMeta metadata, List<Domain> items) {
    return new DomainList(Domain.API_VERSION, "DomainList", metadata, List.copyOf(items));
  }
}
