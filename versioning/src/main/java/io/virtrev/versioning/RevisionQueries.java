package io.virtrev.versioning;

import io.virtrev.api.Revision;
import io.virtrev.versioning.sqlite.Queries;
import java.util.Optional;

/**
 * Reads of the state at a revision: a list page (cut from the published {@link Snapshot} at its revision,
 * else reconstructed from history), an object's row at or before a revision, its history, and which
 * uid had a name. Everything but a list at the current revision is one read transaction on SQLite
 * ({@link Queries}) that checks the compacted mark it sees: it blocks, not for event-loop threads.
 *
 * <p>Threads: any; no lock, no state of its own.
 */
final class RevisionQueries {
  private final PublishedState published;
  private final Queries queries;

  RevisionQueries(PublishedState published, Queries queries) {
    this.published = published;
    this.queries = queries;
  }

  /** See {@link VersionedStore#list(KindModel, String, Revision, ListKey, FieldSelector, int)}. */
  <T> ListPage<T> list(KindModel<?, T> kind, String ownerUid, Revision at, ListKey after, FieldSelector selector,
      int limit) {
    Snapshot s = published.snapshot();
    if (at.isAfter(s.revision())) {
      throw StoreException.tooNew(at, s.revision());
    }
    published.checkRetained(at);
    if (at.equals(s.revision())) {
      return ListPage.of(s, kind, ownerUid, after, selector, limit);
    }
    return queries.stateAt(kind, ownerUid, at.value(), after, selector, limit);
  }

  Optional<StoredEvent> versionAt(Kind kind, String uid, Revision at) {
    return queries.versionAt(kind, uid, at.value());
  }

  Optional<StoredEvent> versionBefore(Kind kind, String uid, Revision version) {
    return queries.versionBefore(kind, uid, version.value());
  }

  Optional<String> uidNamedAt(Kind kind, String ownerUid, String name, Revision at) {
    return queries.uidNamedAt(kind, ownerUid, name, at.value());
  }

  Optional<String> lastUidNamed(Kind kind, String ownerUid, String name) {
    return queries.lastUidNamed(kind, ownerUid, name);
  }

  HistoryPage history(Kind kind, String uid, Revision at, Revision before, int limit) {
    return queries.historyOf(kind, uid, at.value(), before == null ? Long.MAX_VALUE : before.value(), limit);
  }
}
