package io.virtrev.daemon.http;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.virtrev.api.Domain;
import io.virtrev.api.ListMeta;
import java.time.Instant;
import java.util.List;

/**
 * The answer to {@code GET /apis/virtrev.io/v1/domains/{id}/history}: retained revisions of one domain, newest
 * first, each shaped like a watch event plus its commit time.
 */
@JsonClassDescription("The retained revisions of one domain, newest first.")
record DomainHistory(
    @JsonPropertyDescription("virtrev.io/v1")
    String apiVersion,
    @JsonPropertyDescription("DomainHistory")
    String kind,
    @JsonPropertyDescription("The revision the history was read at and its paging state.")
    ListMeta metadata,
    @JsonPropertyDescription("One entry per retained revision, newest first.")
    List<Item> items) {
  /** One revision: its type (ADDED, MODIFIED, DELETED), commit time, and the domain as it was. */
  @JsonClassDescription("One revision of a domain.")
  record Item(
      @JsonPropertyDescription("ADDED, MODIFIED or DELETED.")
      String type,
      @JsonPropertyDescription("When the revision was committed (RFC 3339).")
      Instant time,
      @JsonPropertyDescription("The object as it was at this revision (a Domain in a domain's history, a Network"
          + " in a network's, ...).")
      Object object) {}

  static DomainHistory of(ListMeta metadata, List<Item> items) {
    return new DomainHistory(Domain.API_VERSION, "DomainHistory", metadata, List.copyOf(items));
  }
}
