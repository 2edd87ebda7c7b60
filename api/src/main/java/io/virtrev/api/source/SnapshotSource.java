package io.virtrev.api.source;

import java.util.List;
import java.util.Optional;

/**
 * The port through which the versioning module observes and changes a hypervisor's domain snapshots
 * (libvirt's {@code virDomainSnapshot}). Owned by its consumer; {@code libvirt-adapter} implements it on
 * the same libvirt connection as its {@link DomainSource}, and {@code src-test-fixtures} on an in-memory
 * model that can drop events, change silently and lose the connection. A snapshot belongs to its domain:
 * it is addressed by the domain's uuid and its own name (unique within the domain); its uid is
 * {@link SnapshotObservation#uid()}.
 *
 * <p>Contract (as {@link DomainSource}'s):
 * <ul>
 *   <li>Connection and events belong to the {@link DomainSource} whose connection this port shares: it
 *       has no {@code start} or {@code close}, and {@link SourceListener#onConnected()} after a reconnect
 *       means snapshots must be resynced too.
 *   <li><b>libvirt emits no snapshot event</b> (libvirt 9.0 has no snapshot event id; measured on
 *       qemu:///system with {@code virsh event --all}): creating, reverting to and deleting a snapshot,
 *       and virsh doing so behind the daemon's back, reach the consumer only as the <em>domain</em>
 *       events some of them cause. Measured on a running QEMU domain: a create emits
 *       {@code suspended/paused} then {@code resumed/unpaused} (QEMU's savevm pauses the guest; also two
 *       {@code migration-iteration} events); a revert of a running domain to a running snapshot emits
 *       {@code stopped/from_snapshot}, {@code started/from_snapshot}, {@code resumed/from_snapshot},
 *       {@code defined/from_snapshot} (of a shut-off domain: the last three); a delete emits nothing. So
 *       the consumer re-reads a domain's snapshots after each of its own writes, on a domain event, and
 *       on every resync; a change made with virsh that emits nothing is found by the resync only.
 *   <li>Reads are synchronous and may block on the hypervisor; they are never called with a lock held.
 *       They are not atomic: a snapshot changed during a read (its parent or current flag) is read
 *       again by the consumer's next re-read.
 *   <li>Reads and writes while disconnected throw {@link SourceException} of kind {@code CONNECTION}.
 *   <li>Writes are single libvirt calls; the consumer re-reads afterwards.
 *   <li>A string that is not a uuid names no domain: {@link #get} is empty for it, the rest throw
 *       {@code NOT_FOUND}.
 * </ul>
 * Thread-safe: every method may be called from any thread.
 */
public interface SnapshotSource {

  /** Every snapshot of every domain the hypervisor knows. A domain that vanishes meanwhile is skipped. */
  List<SnapshotObservation> listAll();

  /**
   * Every snapshot of the domain with this uuid (lower-case canonical form); empty if it has none.
   *
   * @throws SourceException NOT_FOUND if the hypervisor has no such domain, CONNECTION
   */
  List<SnapshotObservation> list(String domainUuid);

  /** The snapshot {@code name} of the domain {@code domainUuid}; empty if there is no such domain or snapshot. */
  Optional<SnapshotObservation> get(String domainUuid, String name);

  /**
   * The domain's current snapshot (the last one taken or reverted to); empty if it has none (none taken
   * yet, or the current one was deleted with no parent to take its place).
   *
   * @throws SourceException NOT_FOUND if the hypervisor has no such domain, CONNECTION
   */
  Optional<SnapshotObservation> current(String domainUuid);

  /**
   * Takes a snapshot of the domain as {@code xml} (a {@code <domainsnapshot>} document) describes
   * ({@code virDomainSnapshotCreateXML}); without a {@code <name>}, libvirt names it after the current
   * time in seconds. The new snapshot becomes current, with the previous current one as its parent. Of a
   * running domain it saves memory and disks (QEMU's internal snapshot: every disk must be qcow2); of a
   * shut-off domain its disks only (libvirtd then runs {@code qemu-img}; a domain without a disk has
   * nothing to snapshot: INVALID_CONFIG). With {@code validate}, libvirt checks the XML against its
   * schema first ({@code VIR_DOMAIN_SNAPSHOT_CREATE_VALIDATE}), so unknown elements are refused; without,
   * they are silently dropped. Returns the snapshot as libvirt stored it, read right after the create.
   *
   * @throws SourceException NOT_FOUND (no such domain); INVALID_XML (malformed: libvirt's code 27 or 35;
   *     schema-invalid with code 92); INVALID_CONFIG (what the domain cannot snapshot, e.g. a raw disk
   *     or no disk at all); OTHER with libvirt's code 9 for a name the domain already has; CONNECTION
   */
  SnapshotObservation create(String domainUuid, String xml, boolean validate);

  /** {@link #create(String, String, boolean)} with validation. */
  default SnapshotObservation create(String domainUuid, String xml) {
    return create(domainUuid, xml, true);
  }

  /**
   * Checks {@code xml} as {@link #create(String, String, boolean)} with the same {@code validate} would,
   * without creating anything (dry runs): malformed XML always, and with {@code validate} what libvirt's
   * RELAX NG schema ({@code domainsnapshot.rng}) refuses. What only the create finds (a name clash, a disk
   * that cannot be snapshotted) is not found. Needs no connection.
   *
   * @throws SourceException INVALID_XML with code 27 (malformed) or 92 (schema-invalid); OTHER if the
   *     check itself cannot run (the schema is missing): never a silent pass
   */
  void validate(String xml, boolean validate);

  /**
   * Reverts the domain to the snapshot ({@code virDomainRevertToSnapshot}): its definition, disks and
   * (for a running snapshot) memory become the snapshot's, and the snapshot becomes current. Emits the
   * domain's lifecycle events (see above); the domain's XML changes with it, so the consumer re-reads
   * the domain too.
   *
   * @throws SourceException NOT_FOUND (no such domain or snapshot), OPERATION_INVALID / INVALID_CONFIG /
   *     OTHER as libvirt reports (e.g. an external snapshot: libvirt 9.0 cannot revert to one), CONNECTION
   */
  void revert(String domainUuid, String name);

  /**
   * Deletes the snapshot ({@code virDomainSnapshotDelete}); with {@code children}, all its descendants
   * too ({@code VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN}). Without, its children are re-parented to its
   * parent (roots if it had none). If the current snapshot is deleted, its (surviving) parent becomes
   * current, or none. Emits no event.
   *
   * @throws SourceException NOT_FOUND (no such domain or snapshot), OTHER / INVALID_CONFIG as libvirt
   *     reports (libvirt 9.0 cannot delete an external snapshot's data), CONNECTION
   */
  void delete(String domainUuid, String name, boolean children);
}
