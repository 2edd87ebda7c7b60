package io.virtrev.api.source;

import io.virtrev.api.Uids;

/**
 * One read of a storage volume: everything the versioned object is built from. A volume belongs to its
 * pool ({@code poolUuid}, lower-case canonical; {@code poolName}) and is named uniquely within it; libvirt
 * gives it no uuid, so its uid is {@link Uids#storageVolume}. {@code key} is libvirt's host-unique key
 * (for a {@code dir} pool, the file's path), {@code path} where the volume is reached, {@code xml} libvirt's
 * {@code <volume>} document, {@code type} libvirt's {@code virStorageVolType} name in lower case
 * ({@code file}, {@code block}, {@code dir}, {@code network}, {@code netdir}, {@code ploop}); sizes in bytes.
 */
public record StorageVolumeObservation(
    String poolUuid,
    String poolName,
    String name,
    String key,
    String path,
    String xml,
    String type,
    long capacity,
    long allocation) {

  public StorageVolumeObservation {
    if (poolUuid == null || poolName == null || name == null || xml == null || type == null) {
      throw new IllegalArgumentException("poolUuid, poolName, name, xml and type are required");
    }
  }

  /** The volume's uid ({@link Uids#storageVolume}). */
  public String uid() {
    return Uids.storageVolume(poolUuid, name);
  }
}
