package io.virtrev.api;

import java.util.List;

/** The answer to a list: every item as of one snapshot, {@code metadata.resourceVersion}. */
public record DomainList(String apiVersion, String kind, ListMeta metadata, List<Domain> items) {
  public static DomainList of(ListMeta metadata, List<Domain> items) {
    return new DomainList(Domain.API_VERSION, "DomainList", metadata, List.copyOf(items));
  }
}
