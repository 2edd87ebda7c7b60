package io.virtrev.daemon.http;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.virtrev.api.ListMeta;
import java.util.List;

/** The answer to {@code GET /apis/virtrev.io/v1/all}: every object of every kind at one revision. */
@JsonClassDescription("Every object of every kind (domains, networks, storage pools, storage volumes, domain"
    + " snapshots) at one revision (metadata.resourceVersion).")
record AllList(
    @JsonPropertyDescription("v1")
    String apiVersion,
    @JsonPropertyDescription("List")
    String kind,
    @JsonPropertyDescription("The revision every item is at; a watch of every kind from it misses nothing.")
    ListMeta metadata,
    @JsonPropertyDescription("The objects, kind by kind (domains first), each with its own kind and apiVersion.")
    List<Object> items) {
  static AllList of(ListMeta metadata, List<Object> items) {
    return new AllList("v1", "List", metadata, List.copyOf(items));
  }
}
