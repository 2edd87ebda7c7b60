package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** The answer to a list of networks: every item as of one snapshot, {@code metadata.resourceVersion}. */
@JsonClassDescription("A list of virtual networks, all as of one snapshot (metadata.resourceVersion).")
public record NetworkList(
    @JsonPropertyDescription("APIVersion defines the versioned schema of this representation of an object: virtrev.io/v1.")
    String apiVersion,
    @JsonPropertyDescription("Kind is the type of this object: NetworkList.")
    String kind,
    @JsonPropertyDescription("The snapshot's revision and the list's paging state.")
    ListMeta metadata,
    @JsonPropertyDescription("The networks, sorted by name.")
    List<Network> items) {
  public static final String KIND = "NetworkList";

  public static NetworkList of(ListMeta metadata, List<Network> items) {
    return new NetworkList(Domain.API_VERSION, KIND, metadata, List.copyOf(items));
  }
}
