package io.virtrev.daemon.http;

import io.virtrev.api.Domain;
import io.virtrev.api.ListMeta;
import java.time.Instant;
import java.util.List;

/**
 * The answer to {@code GET /apis/virtrev.io/v1/domains/{id}/history}: retained revisions of one domain, newest
 * first, each shaped like a watch event plus its commit time.
 */
record DomainHistory(String apiVersion, String kind, ListMeta metadata, List<Item> items) {
  /** One revision: its type (ADDED, MODIFIED, DELETED), commit time, and the domain as it was. */
  record Item(String type, Instant time, Domain object) {}

  static DomainHistory of(ListMeta metadata, List<Item> items) {
    return new DomainHistory(Domain.API_VERSION, "DomainHistory", metadata, List.copyOf(items));
  }
}
