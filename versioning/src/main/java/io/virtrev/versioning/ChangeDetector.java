package io.virtrev.versioning;

import io.virtrev.api.Domain;
import io.virtrev.api.DomainMeta;
import io.virtrev.api.DomainSpec;
import io.virtrev.api.DomainStatus;
import io.virtrev.api.LibvirtEvent;
import io.virtrev.api.Revision;
import io.virtrev.api.WatchEvent;
import io.virtrev.api.source.DomainObservation;
import java.time.Instant;
import java.util.Objects;

/**
 * Decides whether an observation is a change, and builds the next version of the object. Pure.
 *
 * <p>A revision is due iff something observable changed: config XML or live XML (compared
 * canonically), name, persistence, autostart, state, reason or id; or a reboot event arrived, which
 * changes nothing else but must still be visible. Any other event alone (for example libvirt echoing a
 * change already seen) creates no revision.
 *
 * <p>The new object's provenance ({@code status.lastEvent}, {@code events}, {@code eventsOmitted},
 * {@code request}) is the {@link Cause} of this read and nothing else: never carried over from the
 * stored object, so a revision found by a resync has none, and a DELETED object carries the cause of the
 * deletion, not its last state's.
 *
 * <p>Labels and annotations are read from the XML ({@link ObjectMetaXml}) whenever it changed, so an
 * edit by {@code virsh metadata} or {@code virsh edit} is a revision like any other XML change; the
 * generation counts changes of the config XML apart from them.
 */
final class ChangeDetector {
  private ChangeDetector() {}

  /** A change to commit: its watch type and the object with the new revision. */
  record Change(String type, Domain object) {}

  /**
   * @param current the stored object, or null if the store has none with this uuid
   * @param observed what the source reports now, or null if the source has no such domain
   * @param cause what led to this read: its events and request (may be {@link Cause#NONE}: a resync)
   * @param rev the revision the change would get
   * @param now when the change is committed: the creation time of an ADDED object
   * @return the change, or null if nothing observable changed
   */
  static Change detect(Domain current, DomainObservation observed, Cause cause, Revision rev, Instant now) {
    if (observed == null) {
      if (current == null) {
        return null;
      }
      DomainStatus s = current.status();
      DomainStatus gone = cause.status(s.state(), s.reason(), s.id(), s.liveXml());
      return new Change(WatchEvent.DELETED,
          Domain.of(current.metadata().withResourceVersion(rev), current.spec(), gone));
    }
    if (current == null) {
      ObjectMetaXml.Maps maps = ObjectMetaXml.read(metaXml(observed.configXml(), observed.liveXml()));
      DomainMeta meta = new DomainMeta(observed.name(), observed.uuid(), rev, 1, rev, now, maps.labels(),
          maps.annotations());
      return new Change(WatchEvent.ADDED, Domain.of(meta, specOf(observed, observed.configXml()), statusOf(observed, observed.liveXml(), cause)));
    }
    boolean configChanged = !same(current.spec().xml(), observed.configXml(), current.metadata());
    boolean liveChanged = !same(current.status().liveXml(), observed.liveXml(), current.metadata());
    boolean rebooted = cause.has(LibvirtEvent.REBOOT);
    DomainSpec spec = specOf(observed, configChanged ? observed.configXml() : current.spec().xml());
    DomainStatus status = statusOf(observed, liveChanged ? observed.liveXml() : current.status().liveXml(), cause);
    boolean otherChanged = !observed.name().equals(current.name())
        || !spec.equals(current.spec())
        || !sameObserved(status, current.status());
    if (!configChanged && !liveChanged && !otherChanged && !rebooted) {
      return null;
    }
    DomainMeta m = current.metadata();
    // Labels and annotations are metadata: a change of them alone does not bump the generation.
    boolean specChanged = configChanged && ObjectMetaXml.specDiffers(current.spec().xml(), observed.configXml());
    ObjectMetaXml.Maps maps = configChanged || liveChanged
        ? ObjectMetaXml.read(metaXml(spec.xml(), status.liveXml()))
        : new ObjectMetaXml.Maps(m.labels(), m.annotations());
    DomainMeta meta = new DomainMeta(observed.name(), m.uuid(), rev,
        specChanged ? m.generation() + 1 : m.generation(), m.creationRevision(), m.creationTimestamp(),
        maps.labels(), maps.annotations());
    return new Change(WatchEvent.MODIFIED, Domain.of(meta, spec, status));
  }

  /**
   * Whether the XML {@code stored} holds what libvirt's {@code observed} holds. An object read back from
   * the store (its rows are the served form, {@link io.virtrev.api.ServedXml}) has no virtrev element in
   * its XML but has its labels and annotations in {@code meta}: it is the same if the rest of the XML is
   * equivalent and the element holds exactly those (so a restart makes no revision for a labelled domain).
   */
  private static boolean same(String stored, String observed, DomainMeta meta) {
    if (XmlCanon.equivalent(stored, observed)) {
      return true;
    }
    if (stored == null || observed == null || stored.contains(ObjectMetaXml.NAMESPACE)
        || !observed.contains(ObjectMetaXml.NAMESPACE)) {
      return false;
    }
    return ObjectMetaXml.read(observed).equals(new ObjectMetaXml.Maps(meta.labels(), meta.annotations()))
        && XmlCanon.equivalent(stored, io.virtrev.api.ServedXml.withoutObjectMeta(observed));
  }

  /** Where labels and annotations are read from: the config XML, or the live XML of a transient domain. */
  private static String metaXml(String configXml, String liveXml) {
    return configXml != null ? configXml : liveXml;
  }

  /** The same state, reason, id and live XML: provenance is not a change. */
  private static boolean sameObserved(DomainStatus a, DomainStatus b) {
    return a.state().equals(b.state()) && a.reason().equals(b.reason()) && Objects.equals(a.id(), b.id())
        && Objects.equals(a.liveXml(), b.liveXml());
  }

  private static DomainSpec specOf(DomainObservation o, String xml) {
    return new DomainSpec(xml, o.persistent(), o.autostart());
  }

  private static DomainStatus statusOf(DomainObservation o, String liveXml, Cause cause) {
    return cause.status(o.state(), o.reason(), o.id(), liveXml);
  }
}
