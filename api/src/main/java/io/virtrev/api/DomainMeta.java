package io.virtrev.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Identity and versioning of a domain. The uuid is the identity: a rename keeps the uuid and is a
 * MODIFIED change. {@code generation} counts changes of the config XML (the desired state) and starts
 * at 1; {@code resourceVersion} is the revision of the object's last change of any kind.
 */
@JsonClassDescription("Identity and versioning of a domain (a subset of Kubernetes' ObjectMeta, plus"
    + " libvirt's uuid).")
public record DomainMeta(
    @JsonPropertyDescription("The domain's name in libvirt, unique on the host. A rename keeps the uuid.")
    String name,
    @JsonPropertyDescription("libvirt's UUID of the domain: its identity, kept across renames. Addresses the"
        + " domain in every path as its name does.")
    String uuid,
    @JsonPropertyDescription("The revision of the object's last change of any kind: a store-wide counter,"
        + " opaque to clients (a decimal string). Sent back in a PUT, it makes the update conditional (409"
        + " Conflict if the domain changed since).")
    Revision resourceVersion,
    @JsonPropertyDescription("Counts changes of spec.xml (the desired state), starting at 1.")
    long generation,
    @JsonPropertyDescription("The revision at which the store first saw this domain.")
    Revision creationRevision) {

  public DomainMeta withResourceVersion(Revision rv) {
    return new DomainMeta(name, uuid, rv, generation, creationRevision);
  }
}
