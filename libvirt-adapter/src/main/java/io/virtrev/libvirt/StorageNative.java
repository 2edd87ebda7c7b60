package io.virtrev.libvirt;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * libvirt's storage pool and volume functions, bound by JNA on {@code libvirt.so.0} (libvirt 9.0's
 * {@code libvirt-storage.h}). Why not libvirt-java's {@code StoragePool}/{@code StorageVol}: 0.5.4 has no
 * {@code virConnectListAllStoragePools}/{@code virStoragePoolListAllVolumes} (listing names, then looking
 * each up, races with every define and delete), frees its handles in {@code finalize()}, and reports errors
 * through a different path than {@link DomainWriter}'s; one binding keeps libvirt's exact error numbers and
 * frees every handle explicitly.
 *
 * <p>Every pointer argument is borrowed: the caller keeps the connection (the session's read lock), pool or
 * volume alive for the call. Functions returning {@code int} return -1 on failure (see
 * {@link LibvirtNative#virGetLastError}); pointer-returning ones return null.
 */
interface StorageNative extends Library {

  StorageNative INSTANCE =
      Native.load("libvirt.so.0", StorageNative.class, Map.of(Library.OPTION_STRING_ENCODING, "UTF-8"));

  /** VIR_STORAGE_POOL_DEFINE_VALIDATE (virStoragePoolDefineFlags). */
  int POOL_DEFINE_VALIDATE = 1;
  /**
   * VIR_STORAGE_VOL_CREATE_VALIDATE (virStorageVolCreateFlags; 1 and 2 are PREALLOC_METADATA, REFLINK). Not
   * used: libvirt 9.0 hands it on to {@code virStorageVolDefParseXML}, which refuses it, so a create with it
   * fails with "unsupported flags (0x4)" on every schema-valid document ({@code virsh vol-create --validate}
   * too). {@link LibvirtStorageSource} checks the same schema itself instead.
   */
  int VOL_CREATE_VALIDATE = 1 << 2;
  /** VIR_STORAGE_VOL_RESIZE_SHRINK (virStorageVolResizeFlags). */
  int VOL_RESIZE_SHRINK = 1 << 2;
  /** VIR_STORAGE_XML_INACTIVE (virStorageXMLFlags). */
  int XML_INACTIVE = 1;
  /** sizeof(virStoragePoolInfo) on LP64: int state (padded to 8), then three unsigned long long. */
  int POOL_INFO_SIZE = 32;
  /** sizeof(virStorageVolInfo) on LP64: int type (padded to 8), then two unsigned long long. */
  int VOL_INFO_SIZE = 24;

  /** Returns a count, -1 on error; {@code pools} receives a NULL-terminated array (see {@link #freeArray}). */
  int virConnectListAllStoragePools(Pointer conn, PointerByReference pools, int flags);

  /** A new reference the caller frees with {@link #virStoragePoolFree}, or null. */
  Pointer virStoragePoolLookupByUUIDString(Pointer conn, String uuid);

  Pointer virStoragePoolDefineXML(Pointer conn, String xml, int flags);

  int virStoragePoolUndefine(Pointer pool);

  int virStoragePoolCreate(Pointer pool, int flags);

  int virStoragePoolDestroy(Pointer pool);

  int virStoragePoolRefresh(Pointer pool, int flags);

  int virStoragePoolBuild(Pointer pool, int flags);

  int virStoragePoolSetAutostart(Pointer pool, int autostart);

  int virStoragePoolGetAutostart(Pointer pool, IntByReference autostart);

  /** 1, 0, or -1. */
  int virStoragePoolIsPersistent(Pointer pool);

  /** Fills a {@link #POOL_INFO_SIZE}-byte virStoragePoolInfo. One RPC. */
  int virStoragePoolGetInfo(Pointer pool, Pointer info);

  /** A string the caller frees with {@link Native#free}, or null. */
  Pointer virStoragePoolGetXMLDesc(Pointer pool, int flags);

  /** Local accessor (no RPC). */
  String virStoragePoolGetName(Pointer pool);

  /** Local accessor (no RPC); fills 37 bytes. */
  int virStoragePoolGetUUIDString(Pointer pool, byte[] buf);

  int virStoragePoolFree(Pointer pool);

  /** As {@link #virConnectListAllStoragePools}, of the pool's volumes (freed with {@link #virStorageVolFree}). */
  int virStoragePoolListAllVolumes(Pointer pool, PointerByReference vols, int flags);

  /** A new reference the caller frees with {@link #virStorageVolFree}, or null. */
  Pointer virStorageVolLookupByName(Pointer pool, String name);

  Pointer virStorageVolCreateXML(Pointer pool, String xml, int flags);

  int virStorageVolDelete(Pointer vol, int flags);

  int virStorageVolResize(Pointer vol, long capacity, int flags);

  /** Fills a {@link #VOL_INFO_SIZE}-byte virStorageVolInfo. One RPC. */
  int virStorageVolGetInfo(Pointer vol, Pointer info);

  /** A string the caller frees with {@link Native#free}, or null. */
  Pointer virStorageVolGetXMLDesc(Pointer vol, int flags);

  /** A string the caller frees with {@link Native#free}, or null. One RPC. */
  Pointer virStorageVolGetPath(Pointer vol);

  /** Local accessors (no RPC). */
  String virStorageVolGetName(Pointer vol);

  String virStorageVolGetKey(Pointer vol);

  int virStorageVolFree(Pointer vol);

  /** The lower-case uuid of {@code pool} (local accessor), or null if libvirt refuses. */
  static String uuidString(Pointer pool) {
    byte[] buf = new byte[LibvirtNative.UUID_STRING_BUFLEN];
    if (INSTANCE.virStoragePoolGetUUIDString(pool, buf) < 0) {
      return null;
    }
    return new String(buf, 0, LibvirtNative.UUID_STRING_BUFLEN - 1, StandardCharsets.US_ASCII)
        .toLowerCase(Locale.ROOT);
  }

  /** A libvirt-allocated string, copied and freed; null stays null. */
  static String takeString(Pointer p) {
    if (p == null) {
      return null;
    }
    try {
      return p.getString(0, StandardCharsets.UTF_8.name());
    } finally {
      Native.free(Pointer.nativeValue(p));
    }
  }

  /** The {@code count} handles of a listing's array; frees the array itself (not the handles). */
  static Pointer[] takeArray(PointerByReference array, int count) {
    Pointer base = array.getValue();
    if (base == null) {
      return new Pointer[0];
    }
    try {
      return base.getPointerArray(0, count);
    } finally {
      Native.free(Pointer.nativeValue(base));
    }
  }

  /** A buffer for a virStoragePoolInfo or virStorageVolInfo. */
  static Memory info(int size) {
    Memory m = new Memory(size);
    m.clear();
    return m;
  }
}
