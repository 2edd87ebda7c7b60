package io.virtrev.versioning;

import io.virtrev.api.Domain;
import io.virtrev.api.Revision;
import io.virtrev.api.WatchEvent;
import io.virtrev.api.source.DomainObservation;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.pcollections.PMap;

/**
 * The writer's scratch state while it applies one batch of commands: persistent maps derived from
 * the snapshot's (O(log n) per change, the rest shared), dense revisions, and the events to commit.
 * Confined to the writer thread.
 */
final class WorkingState {
  private final Snapshot base;
  private final Clock clock;
  private PMap<String, Domain> byUuid; // persistent: each change is a new map sharing the rest
  private PMap<String, String> uuidByName;
  private long revision;
  private final List<StoredEvent> events = new ArrayList<>();

  WorkingState(Snapshot base, Clock clock) {
    this.base = base;
    this.clock = clock;
    this.byUuid = base.byUuidMap();
    this.uuidByName = base.uuidByNameMap();
    this.revision = base.revision().value();
  }

  Domain get(String uuid) {
    return byUuid.get(uuid);
  }

  Iterable<String> uuids() {
    return new ArrayList<>(byUuid.keySet());
  }

  /** Applies one observation (null = the source has no such domain); returns the event or null. */
  StoredEvent observe(String uuid, DomainObservation observed, Cause cause) {
    if (observed != null && !observed.uuid().equals(uuid)) {
      throw new IllegalArgumentException("observation of " + observed.uuid() + " submitted for " + uuid);
    }
    Revision next = Revision.of(revision + 1);
    Instant now = clock.instant(); // the revision's commit time, and the creation time of an ADDED object
    ChangeDetector.Change c = ChangeDetector.detect(byUuid.get(uuid), observed, cause, next, now);
    if (c == null) {
      return null;
    }
    return apply(c, now);
  }

  private StoredEvent apply(ChangeDetector.Change c, Instant now) {
    Domain old = put(c.type(), c.object());
    StoredEvent e = StoredEvent.of(c.type(), c.object(), old, now);
    events.add(e);
    return e;
  }

  /**
   * Applies an event that is already committed (read back from the file), as it is: it must carry the
   * next revision. It is not added to {@link #events()} (nothing to commit).
   */
  void replay(StoredEvent e) {
    if (e.revision().value() != revision + 1) {
      throw new IllegalStateException("revision " + e.revision() + " does not follow " + revision);
    }
    put(e.type(), e.object());
  }

  /** The revision of the state as it is now. */
  long revision() {
    return revision;
  }

  /** Puts {@code d} (or removes it, for DELETED) and moves to its revision; returns the object it replaced. */
  private Domain put(String type, Domain d) {
    Domain old = byUuid.get(d.uuid());
    if (old != null && d.uuid().equals(uuidByName.get(old.name()))) {
      uuidByName = uuidByName.minus(old.name());
    }
    if (type.equals(WatchEvent.DELETED)) {
      byUuid = byUuid.minus(d.uuid());
    } else {
      byUuid = byUuid.plus(d.uuid(), d);
      uuidByName = uuidByName.plus(d.name(), d.uuid());
    }
    revision = d.resourceVersion().value();
    return old;
  }

  List<StoredEvent> events() {
    return events;
  }

  boolean changed() {
    return !events.isEmpty();
  }

  Snapshot freeze(Revision compacted) {
    return new Snapshot(base.storeId(), Revision.of(revision), compacted, byUuid, uuidByName);
  }
}
