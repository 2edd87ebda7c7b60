package io.virtrev.api;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The uid of objects libvirt gives no UUID of their own: a name-based (version 3) UUID of the kind, the
 * owner's uuid and the object's name, so it is stable across daemon restarts and hosts that see the same
 * owner, and changes when the object is recreated under another owner or name. Every module computes it
 * here, never by hand.
 */
public final class Uids {
  private Uids() {}

  /** The uid of volume {@code name} in the pool with uuid {@code poolUuid} (lower-case canonical). */
  public static String storageVolume(String poolUuid, String name) {
    return of("storagevolumes", poolUuid, name);
  }

  /** The uid of snapshot {@code name} of the domain with uuid {@code domainUuid} (lower-case canonical). */
  public static String domainSnapshot(String domainUuid, String name) {
    return of("domainsnapshots", domainUuid, name);
  }

  private static String of(String kind, String ownerUuid, String name) {
    if (ownerUuid == null || name == null) {
      throw new IllegalArgumentException("owner uuid and name are required: " + ownerUuid + "/" + name);
    }
    return UUID.nameUUIDFromBytes((kind + "/" + ownerUuid + "/" + name).getBytes(StandardCharsets.UTF_8)).toString();
  }
}
