package io.virtrev.versioning;

import io.virtrev.api.DomainMeta;
import io.virtrev.api.Revision;
import io.virtrev.api.WatchEvent;
import java.time.Instant;

/**
 * The change rule every kind but domains shares: an observation is a change iff the object it builds
 * differs from the stored one other than in provenance (name, spec, status fields as compared by the
 * records' equality; the spec's XML compared canonically, so a reformatting is no change); the
 * generation moves iff the spec's XML changed. A kind gives how an observation and a version are built.
 */
abstract class ObservedModel<O, T> implements KindModel<O, T> {
  /** The object's name as the source reports it. */
  abstract String name(O observed);

  /** The spec's XML in an observation. */
  abstract String specXml(O observed);

  /** The spec's XML of a stored version. */
  abstract String storedXml(T object);

  /** The version {@code observed} describes, with {@code meta}, spec XML {@code xml} and provenance {@code cause}. */
  abstract T build(DomainMeta meta, O observed, String xml, Cause cause);

  /** {@code object} with other metadata and provenance {@code cause} (everything else kept). */
  abstract T with(T object, DomainMeta meta, Cause cause);

  @Override
  public final Change<T> next(T current, O observed, Cause cause, Revision rev, Instant now) {
    if (observed == null) {
      return current == null ? null
          : new Change<>(WatchEvent.DELETED, with(current, meta(current).withResourceVersion(rev), cause));
    }
    if (current == null) {
      DomainMeta m = new DomainMeta(name(observed), uid(observed), rev, 1, rev, now);
      return new Change<>(WatchEvent.ADDED, build(m, observed, specXml(observed), cause));
    }
    DomainMeta m = meta(current);
    boolean sameXml = XmlCanon.equivalent(storedXml(current), specXml(observed));
    String xml = sameXml ? storedXml(current) : specXml(observed);
    DomainMeta renamed = new DomainMeta(name(observed), m.uuid(), m.resourceVersion(), m.generation(),
        m.creationRevision(), m.creationTimestamp(), m.labels(), m.annotations());
    if (build(renamed, observed, xml, Cause.NONE).equals(with(current, m, Cause.NONE))) {
      return null;
    }
    DomainMeta next = new DomainMeta(name(observed), m.uuid(), rev, sameXml ? m.generation() : m.generation() + 1,
        m.creationRevision(), m.creationTimestamp(), m.labels(), m.annotations());
    return new Change<>(WatchEvent.MODIFIED, build(next, observed, xml, cause));
  }
}
