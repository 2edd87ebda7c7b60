package io.virtrev.libvirt;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import io.virtrev.api.source.StorageVolumeObservation;
import java.util.ArrayList;
import java.util.List;

/**
 * The volume reads and writes of {@link LibvirtStorageSource}, through {@link StorageNative}, each on a
 * pool looked up by uuid: a missing pool fails with VIR_ERR_NO_STORAGE_POOL, a missing volume with
 * VIR_ERR_NO_STORAGE_VOL, an inactive pool with VIR_ERR_OPERATION_INVALID. Handles are freed before
 * returning. Callers hold the session's read lock.
 */
final class StorageVolumes {
  /** virStorageVolType, indexed by its value. */
  private static final List<String> TYPES = List.of("file", "block", "dir", "network", "netdir", "ploop");
  private static final StorageNative LIB = StorageNative.INSTANCE;

  private interface VolumeCall {
    int apply(Pointer vol);
  }

  private StorageVolumes() {}

  /** Every volume of the pool; those deleted between the listing and their read are skipped. */
  static List<StorageVolumeObservation> list(NativeConnect connect, String poolUuid) throws NativeCallException {
    return StoragePools.withPool(connect, poolUuid, pool -> {
      PointerByReference array = new PointerByReference();
      int n = LIB.virStoragePoolListAllVolumes(pool, array, 0);
      if (n < 0) {
        throw NativeCallException.lastError("virStoragePoolListAllVolumes");
      }
      Pointer[] vols = StorageNative.takeArray(array, n);
      List<StorageVolumeObservation> out = new ArrayList<>(n);
      try {
        for (Pointer vol : vols) {
          try {
            out.add(read(vol, pool));
          } catch (NativeCallException e) {
            if (e.code() != LibvirtErrors.NO_STORAGE_VOL) {
              throw e;
            }
          }
        }
        return out;
      } finally {
        for (Pointer vol : vols) {
          LIB.virStorageVolFree(vol);
        }
      }
    });
  }

  /** The volume {@code name} of the pool; NO_STORAGE_VOL if there is none. */
  static StorageVolumeObservation lookupAndRead(NativeConnect connect, String poolUuid, String name)
      throws NativeCallException {
    return StoragePools.withPool(connect, poolUuid, pool -> {
      Pointer vol = lookup(pool, name);
      try {
        return read(vol, pool);
      } finally {
        LIB.virStorageVolFree(vol);
      }
    });
  }

  /**
   * {@code virStorageVolCreateXML} without flags (see {@link StorageNative#VOL_CREATE_VALIDATE}), then reads the
   * volume through the new handle.
   */
  static StorageVolumeObservation create(NativeConnect connect, String poolUuid, String xml)
      throws NativeCallException {
    return StoragePools.withPool(connect, poolUuid, pool -> {
      Pointer vol = LIB.virStorageVolCreateXML(pool, xml, 0);
      if (vol == null) {
        throw NativeCallException.lastError("virStorageVolCreateXML");
      }
      try {
        return read(vol, pool);
      } finally {
        LIB.virStorageVolFree(vol);
      }
    });
  }

  static void delete(NativeConnect connect, String poolUuid, String name) throws NativeCallException {
    act(connect, poolUuid, name, "virStorageVolDelete", vol -> LIB.virStorageVolDelete(vol, 0));
  }

  static void resize(NativeConnect connect, String poolUuid, String name, long capacity)
      throws NativeCallException {
    act(connect, poolUuid, name, "virStorageVolResize",
        vol -> LIB.virStorageVolResize(vol, capacity, StorageNative.VOL_RESIZE_SHRINK));
  }

  /** libvirt's name of a virStorageVolType in lower case; a newer value becomes {@code unknown-<n>}. */
  static String typeName(int type) {
    return type >= 0 && type < TYPES.size() ? TYPES.get(type) : "unknown-" + type;
  }

  private static void act(NativeConnect connect, String poolUuid, String name, String call, VolumeCall apply)
      throws NativeCallException {
    StoragePools.withPool(connect, poolUuid, pool -> {
      Pointer vol = lookup(pool, name);
      try {
        if (apply.apply(vol) < 0) {
          throw NativeCallException.lastError(call);
        }
        return null;
      } finally {
        LIB.virStorageVolFree(vol);
      }
    });
  }

  private static Pointer lookup(Pointer pool, String name) throws NativeCallException {
    Pointer vol = LIB.virStorageVolLookupByName(pool, name);
    if (vol == null) {
      throw NativeCallException.lastError("virStorageVolLookupByName");
    }
    return vol;
  }

  /**
   * Reads the volume behind a borrowed handle, of the borrowed {@code pool}: names, uuid and key are local
   * accessors; info, path and XML one RPC each.
   */
  private static StorageVolumeObservation read(Pointer vol, Pointer pool) throws NativeCallException {
    String poolUuid = StorageNative.uuidString(pool);
    String poolName = LIB.virStoragePoolGetName(pool);
    String name = LIB.virStorageVolGetName(vol);
    String key = LIB.virStorageVolGetKey(vol);
    if (name == null || poolName == null || poolUuid == null) {
      throw NativeCallException.lastError("reading the names of volume " + name + " of pool " + poolName);
    }
    Memory info = StorageNative.info(StorageNative.VOL_INFO_SIZE);
    if (LIB.virStorageVolGetInfo(vol, info) < 0) {
      throw NativeCallException.lastError("virStorageVolGetInfo");
    }
    String path = StorageNative.takeString(LIB.virStorageVolGetPath(vol));
    if (path == null) {
      throw NativeCallException.lastError("virStorageVolGetPath");
    }
    String xml = StorageNative.takeString(LIB.virStorageVolGetXMLDesc(vol, 0));
    if (xml == null) {
      throw NativeCallException.lastError("virStorageVolGetXMLDesc");
    }
    return new StorageVolumeObservation(poolUuid, poolName, name, key, path, xml, typeName(info.getInt(0)),
        info.getLong(8), info.getLong(16));
  }
}
