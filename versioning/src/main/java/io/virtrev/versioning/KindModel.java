package io.virtrev.versioning;

import io.virtrev.api.DomainMeta;
import io.virtrev.api.Revision;
import java.time.Instant;

/**
 * How one kind plugs into the store: what uid and owner an observation of it has, how an observation
 * becomes the served object (and whether it is a change at all), and the store's view of that object.
 * Every kind the store keeps has exactly one model ({@link Kinds}); the store, its writer, its lists and
 * its history are written against this interface and know no kind by name. Implementations are pure and
 * immutable: the writer thread calls them while it applies a batch.
 *
 * @param <O> what a source reports about one object ({@code NetworkObservation}, ...)
 * @param <T> the served object ({@code Network}, ...): an immutable record with a {@link DomainMeta}
 */
public interface KindModel<O, T> {
  /** The kind: the store's key, and the plural resource name. */
  Kind kind();

  /** The served object's class: what history rows of this kind are parsed as. */
  Class<T> type();

  /** The uid of the object {@code observed} describes (libvirt's uuid, or {@link io.virtrev.api.Uids}'). */
  String uid(O observed);

  /** The uid of the object {@code observed}'s object belongs to (a volume's pool, ...); null for kinds that belong to nothing. */
  String ownerUid(O observed);

  /** The object's metadata (name, uid, resourceVersion, generation, creation). */
  DomainMeta meta(T object);

  /** The store's view of {@code object}: its key, name, owner, revision, state and labels. */
  StoredObject view(T object);

  /**
   * Decides whether {@code observed} is a change of {@code current}, and builds the next version.
   * Provenance ({@code status.lastEvent/events/eventsOmitted/request}) is {@code cause} and never a
   * change by itself; {@code metadata.generation} moves only when the spec's XML changes (compared
   * canonically); {@code creationTimestamp} is {@code now} for an ADDED object and kept otherwise.
   *
   * @param current the stored object, null if the store has none with this uid
   * @param observed what the source reports now, null if the source has no such object
   * @param cause what led to the read (events, request), {@link Cause#NONE} for a resync's read
   * @param rev the revision the change gets
   * @param now the commit time
   * @return the change (ADDED, MODIFIED, DELETED with the object as it was last seen, carrying
   *     {@code cause}), or null if nothing observable changed (also when both are null)
   */
  Change<T> next(T current, O observed, Cause cause, Revision rev, Instant now);

  /** A change the writer commits: its watch type and the object at its new revision. */
  record Change<T>(String type, T object) {}
}
