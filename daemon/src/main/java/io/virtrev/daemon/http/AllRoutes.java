package io.virtrev.daemon.http;

import io.virtrev.api.Revision;
import io.virtrev.versioning.FieldSelector;
import java.util.Optional;

/**
 * {@code GET /apis/virtrev.io/v1/all} without watch: every object of every kind at one revision, as a
 * Kubernetes {@code List} (kind by kind: domains, networks, storage pools, volumes, snapshots; each item
 * with its own {@code kind}). {@code resourceVersion} unset: the current state; set (NotOlderThan, the only
 * match taken): a state at least that new, waiting for it as a domain list does. Its
 * {@code metadata.resourceVersion} is where a watch of every kind starts to miss nothing.
 */
final class AllRoutes {
  private AllRoutes() {}

  static Reply list(Call c) {
    Representation.negotiate(c.req(), Representation.JSON_ONLY);
    Optional<String> match = c.query().get("resourceVersionMatch").filter(s -> !s.isEmpty());
    if (match.isPresent() && !match.get().equals(ListRoutes.NOT_OLDER_THAN)) {
      throw Query.bad("resourceVersionMatch: Unsupported value: \"" + match.get() + "\": a list of every kind"
          + " supports \"" + ListRoutes.NOT_OLDER_THAN + "\" only");
    }
    Optional<Revision> rv = c.query().revision("resourceVersion");
    return RevisionWait.atRevision(c.req(), c.api(), rv, snap -> {
      AllList body = AllList.of(new io.virtrev.api.ListMeta(snap.revision(), snap.storeId(), c.api().store().compacted()),
          WatchRoutes.state(snap, null, FieldSelector.EVERYTHING));
      return Reply.json(body).withStoreId(snap.storeId());
    });
  }

}
