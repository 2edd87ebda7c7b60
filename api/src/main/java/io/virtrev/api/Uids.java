package io.virtrev.api;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The uids of objects libvirt gives no UUID of their own: a name-based (version 3) UUID of the kind, the
 * owner's uuid and the object's name, so the same object always has the same uid and a recreated one
 * (same owner, same name) gets it back. Stateless.
 */
public final class Uids {
  private Uids() {}

  /**
   * The uid of snapshot {@code name} of the domain {@code domainUuid} (lower-case canonical form):
   * {@code UUID.nameUUIDFromBytes(("domainsnapshots/" + domainUuid + "/" + name).getBytes(UTF_8))}.
   */
  public static String domainSnapshot(String domainUuid, String name) {
    if (domainUuid == null || name == null) {
      throw new IllegalArgumentException("domainUuid and name are required: " + domainUuid + ", " + name);
    }
    return UUID.nameUUIDFromBytes((DomainSnapshot.RESOURCE + "/" + domainUuid + "/" + name)
        .getBytes(StandardCharsets.UTF_8)).toString();
  }
}
