package io.virtrev.libvirt;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import io.virtrev.api.source.StoragePoolObservation;
import java.util.ArrayList;
import java.util.List;

/**
 * The pool reads and writes of {@link LibvirtStorageSource}, through {@link StorageNative}. Every failure
 * carries libvirt's exact error number and message (read on the calling thread right after the failing
 * call); every handle is freed before returning, after its error was read.
 *
 * <p>A read is not atomic (info, two XMLs, persistence, autostart are one RPC each): a pool that changes
 * meanwhile yields a mix, which the next event or resync corrects. "Active" is decided by the state read
 * here. Callers hold the session's read lock, so the connection outlives every call.
 */
final class StoragePools {
  /** virStoragePoolState, indexed by its value. */
  private static final List<String> STATES = List.of("inactive", "building", "running", "degraded", "inaccessible");
  private static final StorageNative LIB = StorageNative.INSTANCE;

  /** One call on a borrowed pool pointer; returns 0 or -1 like libvirt. */
  interface PoolCall {
    int apply(Pointer pool);
  }

  /** A read of a borrowed pool pointer. */
  interface PoolRead<T> {
    T apply(Pointer pool) throws NativeCallException;
  }

  private StoragePools() {}

  /** Every pool; those that vanish between the listing and their read are skipped. */
  static List<StoragePoolObservation> listAll(NativeConnect connect) throws NativeCallException {
    PointerByReference array = new PointerByReference();
    int n = LIB.virConnectListAllStoragePools(connect.pointer(), array, 0);
    if (n < 0) {
      throw NativeCallException.lastError("virConnectListAllStoragePools");
    }
    Pointer[] pools = StorageNative.takeArray(array, n);
    List<StoragePoolObservation> out = new ArrayList<>(n);
    try {
      for (Pointer pool : pools) {
        try {
          out.add(read(pool));
        } catch (NativeCallException e) {
          if (e.code() != LibvirtErrors.NO_STORAGE_POOL) {
            throw e;
          }
        }
      }
      return out;
    } finally {
      for (Pointer pool : pools) {
        LIB.virStoragePoolFree(pool);
      }
    }
  }

  /** Reads the pool behind a borrowed handle. */
  static StoragePoolObservation read(Pointer pool) throws NativeCallException {
    String uuid = StorageNative.uuidString(pool);
    String name = LIB.virStoragePoolGetName(pool);
    if (uuid == null || name == null) {
      throw NativeCallException.lastError(uuid == null ? "virStoragePoolGetUUIDString" : "virStoragePoolGetName");
    }
    Memory info = StorageNative.info(StorageNative.POOL_INFO_SIZE);
    if (LIB.virStoragePoolGetInfo(pool, info) < 0) {
      throw NativeCallException.lastError("virStoragePoolGetInfo");
    }
    String state = stateName(info.getInt(0));
    String configXml = configXml(pool);
    String liveXml = "inactive".equals(state) ? null : xml(pool, 0);
    int persistent = LIB.virStoragePoolIsPersistent(pool);
    if (persistent < 0) {
      throw NativeCallException.lastError("virStoragePoolIsPersistent");
    }
    IntByReference autostart = new IntByReference();
    if (LIB.virStoragePoolGetAutostart(pool, autostart) < 0) {
      throw NativeCallException.lastError("virStoragePoolGetAutostart");
    }
    return new StoragePoolObservation(uuid, name, configXml, liveXml, state, persistent == 1,
        autostart.getValue() != 0, info.getLong(8), info.getLong(16), info.getLong(24));
  }

  /** libvirt's name of a virStoragePoolState in lower case; a newer value becomes {@code unknown-<n>}. */
  static String stateName(int state) {
    return state >= 0 && state < STATES.size() ? STATES.get(state) : "unknown-" + state;
  }

  /** Looks {@code uuid} up (one RPC) and reads it; NO_STORAGE_POOL if there is none. */
  static StoragePoolObservation lookupAndRead(NativeConnect connect, String uuid) throws NativeCallException {
    return withPool(connect, uuid, StoragePools::read);
  }

  /**
   * {@code virStoragePoolDefineXML} (with VALIDATE if asked), then reads the pool back through the handle
   * the define returned.
   */
  static StoragePoolObservation define(NativeConnect connect, String xml, boolean validate)
      throws NativeCallException {
    Pointer pool = LIB.virStoragePoolDefineXML(connect.pointer(), xml,
        validate ? StorageNative.POOL_DEFINE_VALIDATE : 0);
    if (pool == null) {
      throw NativeCallException.lastError("virStoragePoolDefineXML");
    }
    try {
      return read(pool);
    } finally {
      LIB.virStoragePoolFree(pool);
    }
  }

  /** Looks {@code uuid} up and applies one call to it. */
  static void act(NativeConnect connect, String uuid, String name, PoolCall call) throws NativeCallException {
    withPool(connect, uuid, pool -> {
      if (call.apply(pool) < 0) {
        throw NativeCallException.lastError(name);
      }
      return null;
    });
  }

  /** Looks {@code uuid} up, applies {@code read}, and frees the reference (after any error was read). */
  static <T> T withPool(NativeConnect connect, String uuid, PoolRead<T> read) throws NativeCallException {
    Pointer pool = LIB.virStoragePoolLookupByUUIDString(connect.pointer(), uuid);
    if (pool == null) {
      throw NativeCallException.lastError("virStoragePoolLookupByUUIDString");
    }
    try {
      return read.apply(pool);
    } finally {
      LIB.virStoragePoolFree(pool);
    }
  }

  /**
   * The persistent definition. libvirt 9.0's test driver refuses {@code VIR_STORAGE_XML_INACTIVE} (invalid
   * argument, code 8): there the plain XML stands in for it, which for a running pool redefined meanwhile
   * is the running definition until the pool stops (the only driver where the config XML can lag).
   */
  private static String configXml(Pointer pool) throws NativeCallException {
    try {
      return xml(pool, StorageNative.XML_INACTIVE);
    } catch (NativeCallException e) {
      if (e.code() != LibvirtErrors.INVALID_ARG) {
        throw e;
      }
      return xml(pool, 0);
    }
  }

  private static String xml(Pointer pool, int flags) throws NativeCallException {
    String xml = StorageNative.takeString(LIB.virStoragePoolGetXMLDesc(pool, flags));
    if (xml == null) {
      throw NativeCallException.lastError("virStoragePoolGetXMLDesc");
    }
    return xml;
  }
}
