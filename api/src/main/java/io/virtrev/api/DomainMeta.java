package io.virtrev.api;

/**
 * Identity and versioning of a domain. The uuid is the identity: a rename keeps the uuid and is a
 * MODIFIED change. {@code generation} counts changes of the config XML (the desired state) and starts
 * at 1; {@code resourceVersion} is the revision of the object's last change of any kind.
 */
public record DomainMeta(
    String name, String uuid, Revision resourceVersion, long generation, Revision creationRevision) {

  public DomainMeta withResourceVersion(Revision rv) {
    return new DomainMeta(name, uuid, rv, generation, creationRevision);
  }
}
