package io.virtrev.api.source;

import io.virtrev.api.Uids;
import java.time.Instant;

/**
 * One read of a domain snapshot from the hypervisor: everything the versioned object is built from.
 * {@code xml} is libvirt's snapshot XML ({@code virDomainSnapshotGetXMLDesc}, without secrets);
 * {@code parent} the name of its parent snapshot, null for a root; {@code current} whether it is the
 * domain's current snapshot; {@code state} and {@code creationTime} are the XML's {@code <state>} and
 * {@code <creationTime>}. The domain uuid is in lower-case canonical form.
 */
public record SnapshotObservation(
    String domainUuid,
    String domainName,
    String name,
    String xml,
    String parent,
    boolean current,
    String state,
    Instant creationTime) {

  public SnapshotObservation {
    if (domainUuid == null || domainName == null || name == null || xml == null || state == null
        || creationTime == null) {
      throw new IllegalArgumentException("domainUuid, domainName, name, xml, state and creationTime are required: "
          + domainUuid + ", " + domainName + ", " + name + ", state " + state + ", created " + creationTime);
    }
  }

  /** The snapshot's uid ({@link Uids#domainSnapshot}): libvirt gives snapshots no uuid. */
  public String uid() {
    return Uids.domainSnapshot(domainUuid, name);
  }
}
