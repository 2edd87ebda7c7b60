package io.virtrev.versioning;

import io.virtrev.api.Domain;
import io.virtrev.api.Revision;
import io.virtrev.api.WatchEvent;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;

/**
 * The writer's scratch state while it applies one batch of commands: persistent maps derived from
 * the snapshot's (O(log n) per change, the rest shared), dense revisions, and the events to commit.
 * Confined to the writer thread.
 *
 * <p>Ownership: when a domain or a storage pool is DELETED, every object that belongs to it (its
 * snapshots, its volumes) is DELETED first, each as its own revision carrying the same cause, so no
 * revision holds an object whose owner is gone.
 */
final class WorkingState {
  private final Snapshot base;
  private final Clock clock;
  private PMap<Kind, PMap<String, Object>> byUid; // persistent: each change is a new map sharing the rest
  private PMap<Kind, PMap<String, String>> uidByName;
  private long revision;
  private final List<StoredEvent> events = new ArrayList<>();

  WorkingState(Snapshot base, Clock clock) {
    this.base = base;
    this.clock = clock;
    this.byUid = base.byUidMaps();
    this.uidByName = base.uidByNameMaps();
    this.revision = base.revision().value();
  }

  Domain get(String uuid) {
    return get(Kinds.DOMAINS, uuid);
  }

  <T> T get(KindModel<?, T> kind, String uid) {
    Object o = map(kind.kind()).get(uid);
    return o == null ? null : kind.type().cast(o);
  }

  /** The uids of a kind (of {@code ownerUid}'s objects only, unless it is null), sorted, as a copy. */
  List<String> uids(KindModel<?, ?> kind, String ownerUid) {
    List<String> out = new ArrayList<>();
    for (var e : map(kind.kind()).entrySet()) {
      if (ownerUid == null || ownerUid.equals(view(kind, e.getValue()).ownerUid())) {
        out.add(e.getKey());
      }
    }
    out.sort(null); // a deterministic order of deletions
    return out;
  }

  /** Applies one observation of a domain (null = the source has no such domain); returns the event or null. */
  StoredEvent observe(String uuid, io.virtrev.api.source.DomainObservation observed, Cause cause) {
    return observe(Kinds.DOMAINS, uuid, observed, cause);
  }

  /**
   * Applies one observation of {@code kind} (null = the source has no such object); returns its event or
   * null. A deletion of an owner first deletes what belongs to it (those events are in {@link #events()}).
   */
  <O, T> StoredEvent observe(KindModel<O, T> kind, String uid, O observed, Cause cause) {
    if (observed != null && !kind.uid(observed).equals(uid)) {
      throw new IllegalArgumentException(kind.kind() + ": observation of " + kind.uid(observed) + " submitted for "
          + uid);
    }
    T current = get(kind, uid);
    if (observed == null && current != null) {
      deleteOwned(kind.kind(), uid, cause);
    }
    Revision next = Revision.of(revision + 1);
    Instant now = clock.instant(); // the revision's commit time, and the creation time of an ADDED object
    KindModel.Change<T> c = kind.next(current, observed, cause, next, now);
    if (c == null) {
      return null;
    }
    T old = put(kind, c.type(), c.object());
    StoredEvent e = StoredEvent.of(kind, c.type(), c.object(), old, now);
    events.add(e);
    return e;
  }

  private void deleteOwned(Kind owner, String ownerUid, Cause cause) {
    Kind owned = Kinds.ownedBy(owner);
    if (owned == null) {
      return;
    }
    KindModel<?, ?> model = Kinds.of(owned);
    for (String uid : uids(model, ownerUid)) {
      observe(model, uid, null, cause);
    }
  }

  /**
   * Applies an event that is already committed (read back from the file), as it is: it must carry the
   * next revision. It is not added to {@link #events()} (nothing to commit).
   */
  void replay(StoredEvent e) {
    if (e.revision().value() != revision + 1) {
      throw new IllegalStateException("revision " + e.revision() + " does not follow " + revision);
    }
    replay(Kinds.of(e.kind()), e);
  }

  private <T> void replay(KindModel<?, T> kind, StoredEvent e) {
    put(kind, e.type(), e.object(kind.type()));
  }

  /** The revision of the state as it is now. */
  long revision() {
    return revision;
  }

  /** Puts {@code o} (or removes it, for DELETED) and moves to its revision; returns the object it replaced. */
  private <T> T put(KindModel<?, T> kind, String type, T o) {
    StoredObject v = kind.view(o);
    PMap<String, Object> objects = map(kind.kind());
    PMap<String, String> names = uidByName.get(kind.kind());
    names = names == null ? HashTreePMap.empty() : names;
    Object oldObject = objects.get(v.uid());
    T old = oldObject == null ? null : kind.type().cast(oldObject);
    if (old != null) {
      StoredObject ov = kind.view(old);
      String key = Snapshot.nameKey(ov.ownerUid(), ov.name());
      if (v.uid().equals(names.get(key))) {
        names = names.minus(key);
      }
    }
    if (type.equals(WatchEvent.DELETED)) {
      objects = objects.minus(v.uid());
    } else {
      objects = objects.plus(v.uid(), o);
      names = names.plus(Snapshot.nameKey(v.ownerUid(), v.name()), v.uid());
    }
    byUid = byUid.plus(kind.kind(), objects);
    uidByName = uidByName.plus(kind.kind(), names);
    revision = v.resourceVersion().value();
    return old;
  }

  private PMap<String, Object> map(Kind kind) {
    PMap<String, Object> m = byUid.get(kind);
    return m == null ? HashTreePMap.empty() : m;
  }

  @SuppressWarnings("unchecked")
  private static <T> StoredObject view(KindModel<?, T> kind, Object o) {
    return kind.view((T) o);
  }

  List<StoredEvent> events() {
    return events;
  }

  boolean changed() {
    return !events.isEmpty();
  }

  Snapshot freeze(Revision compacted) {
    return new Snapshot(base.storeId(), Revision.of(revision), compacted, byUid, uidByName);
  }
}
