package io.virtrev.libvirt;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.libvirt.jna.virError;

/**
 * The few libvirt C functions libvirt-java 0.5.4 lacks (or cannot undo), bound by JNA on
 * {@code libvirt.so.0}. Signatures follow libvirt 9.0's headers. Every pointer argument is borrowed:
 * the caller keeps the connection or domain alive for the duration of the call.
 */
interface LibvirtNative extends Library {

  LibvirtNative INSTANCE =
      Native.load("libvirt.so.0", LibvirtNative.class,
          Map.of(Library.OPTION_STRING_ENCODING, "UTF-8"));

  /** VIR_UUID_STRING_BUFLEN: 36 characters and the terminating NUL. */
  int UUID_STRING_BUFLEN = 37;

  /** VIR_DOMAIN_DEFINE_VALIDATE (virDomainDefineFlags): validate the XML against the schema. */
  int DEFINE_VALIDATE = 1;

  /**
   * Returns a callback id >= 0, or -1. {@code cb} (a {@link DomainEventNative} callback type matching
   * {@code eventID}) must stay strongly reachable until deregistered.
   */
  int virConnectDomainEventRegisterAny(
      Pointer conn, Pointer dom, int eventID, Callback cb, Pointer opaque, Pointer freecb);

  int virConnectDomainEventDeregisterAny(Pointer conn, int callbackID);

  /** Local accessor (no RPC); the string is copied before the call returns. */
  String virDomainGetName(Pointer dom);

  /** Local accessor (no RPC); fills {@code buf} with {@link #UUID_STRING_BUFLEN} bytes. */
  int virDomainGetUUIDString(Pointer dom, byte[] buf);

  /** A new reference the caller frees with {@link #virDomainFree}, or null. */
  Pointer virDomainLookupByUUIDString(Pointer conn, String uuid);

  int virDomainGetState(Pointer dom, IntByReference state, IntByReference reason, int flags);

  /** Local accessor (no RPC): the id the handle was created with, (unsigned) -1 if it was inactive. */
  int virDomainGetID(Pointer dom);

  /** A string the caller frees with {@link Native#free}, or null on error. */
  Pointer virDomainGetXMLDesc(Pointer dom, int flags);

  /** 1, 0, or -1 on error. */
  int virDomainIsPersistent(Pointer dom);

  int virDomainGetAutostart(Pointer dom, IntByReference autostart);

  /**
   * The number of domains matching {@code flags}, or -1. {@code domains} receives a NULL-terminated
   * array the caller frees with {@link Native#free}, after freeing each domain with {@link #virDomainFree}.
   */
  int virConnectListAllDomains(Pointer conn, PointerByReference domains, int flags);

  /** virConnectListAllDomainsFlags. */
  int LIST_PERSISTENT = 4;
  int LIST_AUTOSTART = 1024;

  /** VIR_DOMAIN_XML_INACTIVE. */
  int XML_INACTIVE = 2;

  /** VIR_DOMAIN_XML_SECURE: include secrets (graphics passwords, disk cookies); read-write connections only. */
  int XML_SECURE = 1;

  int virDomainFree(Pointer dom);

  /** A new reference the caller frees with {@link #virDomainFree}, or null. */
  Pointer virDomainDefineXMLFlags(Pointer conn, String xml, int flags);

  /** The remaining functions return 0 on success, -1 on failure (see {@link #virGetLastError}). */
  int virDomainUndefineFlags(Pointer dom, int flags);

  int virDomainCreate(Pointer dom);

  int virDomainShutdown(Pointer dom);

  int virDomainDestroy(Pointer dom);

  int virDomainSuspend(Pointer dom);

  int virDomainResume(Pointer dom);

  int virDomainReboot(Pointer dom, int flags);

  int virDomainReset(Pointer dom, int flags);

  /**
   * This thread's last error, owned by libvirt; null if none. Every public libvirt entry point
   * (virDomainFree included) resets it first: read it before any other libvirt call.
   */
  virError virGetLastError();

  // ---- storage pool events (libvirt-storage.h) ----

  /** virStoragePoolEventID values. */
  int STORAGE_POOL_EVENT_ID_LIFECYCLE = 0;
  int STORAGE_POOL_EVENT_ID_REFRESH = 1;

  /** virConnectStoragePoolEventLifecycleCallback: virStoragePoolEventLifecycleType and a detail (0 in 9.0). */
  interface StoragePoolLifecycleCallback extends Callback {
    void invoke(Pointer conn, Pointer pool, int event, int detail, Pointer opaque);
  }

  /** virConnectStoragePoolEventGenericCallback (REFRESH). */
  interface StoragePoolGenericCallback extends Callback {
    void invoke(Pointer conn, Pointer pool, Pointer opaque);
  }

  /** Returns a callback id >= 0, or -1. {@code cb} must stay strongly reachable until deregistered. */
  int virConnectStoragePoolEventRegisterAny(
      Pointer conn, Pointer pool, int eventID, Callback cb, Pointer opaque, Pointer freecb);

  int virConnectStoragePoolEventDeregisterAny(Pointer conn, int callbackID);

  /** The lower-case uuid of {@code dom} (local accessor, no RPC), or null if libvirt refuses. */
  static String uuidString(Pointer dom) {
    byte[] buf = new byte[UUID_STRING_BUFLEN];
    if (INSTANCE.virDomainGetUUIDString(dom, buf) < 0) {
      return null;
    }
    return new String(buf, 0, UUID_STRING_BUFLEN - 1, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
  }

  // ---- virtual networks (libvirt-network.h, libvirt 9.0) ----

  /** virNetworkEventID: the only network event id libvirt 9.0 has. */
  int NETWORK_EVENT_ID_LIFECYCLE = 0;

  /** VIR_NETWORK_DEFINE_VALIDATE (virNetworkDefineFlags, since 7.7.0): validate the XML against the schema. */
  int NETWORK_DEFINE_VALIDATE = 1;

  /** VIR_NETWORK_XML_INACTIVE (virNetworkXMLFlags): the persistent definition, not the live one. */
  int NETWORK_XML_INACTIVE = 1;

  /** virConnectNetworkEventLifecycleCallback: virNetworkEventLifecycleType and a detail (always 0 in 9.0). */
  interface NetworkLifecycleCallback extends Callback {
    void invoke(Pointer conn, Pointer net, int event, int detail, Pointer opaque);
  }

  /** Returns a callback id >= 0, or -1. {@code cb} must stay strongly reachable until deregistered. */
  int virConnectNetworkEventRegisterAny(
      Pointer conn, Pointer net, int eventID, Callback cb, Pointer opaque, Pointer freecb);

  int virConnectNetworkEventDeregisterAny(Pointer conn, int callbackID);

  /** Local accessor (no RPC); the string is copied before the call returns. */
  String virNetworkGetName(Pointer net);

  /** Local accessor (no RPC); fills {@code buf} with {@link #UUID_STRING_BUFLEN} bytes. */
  int virNetworkGetUUIDString(Pointer net, byte[] buf);

  /** A new reference the caller frees with {@link #virNetworkFree}, or null. */
  Pointer virNetworkLookupByUUIDString(Pointer conn, String uuid);

  /** A new reference the caller frees with {@link #virNetworkFree}, or null. */
  Pointer virNetworkDefineXMLFlags(Pointer conn, String xml, int flags);

  /** A string the caller frees with {@link Native#free}, or null on error. */
  Pointer virNetworkGetXMLDesc(Pointer net, int flags);

  /** 1, 0, or -1 on error. */
  int virNetworkIsActive(Pointer net);

  /** 1, 0, or -1 on error. */
  int virNetworkIsPersistent(Pointer net);

  int virNetworkGetAutostart(Pointer net, IntByReference autostart);

  /**
   * The number of networks, or -1. {@code nets} receives a NULL-terminated array the caller frees with
   * {@link Native#free}, after freeing each network with {@link #virNetworkFree}. Flags 0: all networks.
   */
  int virConnectListAllNetworks(Pointer conn, PointerByReference nets, int flags);

  int virNetworkFree(Pointer net);

  /** The lower-case uuid of {@code net} (local accessor, no RPC), or null if libvirt refuses. */
  static String networkUuidString(Pointer net) {
    byte[] buf = new byte[UUID_STRING_BUFLEN];
    if (INSTANCE.virNetworkGetUUIDString(net, buf) < 0) {
      return null;
    }
    return new String(buf, 0, UUID_STRING_BUFLEN - 1, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
  }

  // ---- domain snapshots (libvirt-domain-snapshot.h, libvirt 9.0); libvirt has no snapshot events ----

  /** VIR_DOMAIN_SNAPSHOT_CREATE_VALIDATE (virDomainSnapshotCreateFlags, since 5.6.0): validate against the schema. */
  int SNAPSHOT_CREATE_VALIDATE = 1 << 9;

  /** VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN (virDomainSnapshotDeleteFlags): the snapshot and all its descendants. */
  int SNAPSHOT_DELETE_CHILDREN = 1;

  /**
   * The number of snapshots of {@code dom}, or -1. {@code snaps} receives a NULL-terminated array the caller
   * frees with {@link Native#free}, after freeing each snapshot with {@link #virDomainSnapshotFree}.
   * Flags 0: every snapshot.
   */
  int virDomainListAllSnapshots(Pointer dom, PointerByReference snaps, int flags);

  /** A new reference the caller frees with {@link #virDomainSnapshotFree}, or null (VIR_ERR_NO_DOMAIN_SNAPSHOT). */
  Pointer virDomainSnapshotLookupByName(Pointer dom, String name, int flags);

  /** A new reference, or null: VIR_ERR_NO_DOMAIN_SNAPSHOT when the domain has no current snapshot. */
  Pointer virDomainSnapshotCurrent(Pointer dom, int flags);

  /** A new reference, or null: VIR_ERR_NO_DOMAIN_SNAPSHOT when the snapshot is a root. */
  Pointer virDomainSnapshotGetParent(Pointer snap, int flags);

  /** 1, 0, or -1 on error. */
  int virDomainSnapshotIsCurrent(Pointer snap, int flags);

  /** Local accessor (no RPC): the string is owned by the snapshot and copied before the call returns. */
  String virDomainSnapshotGetName(Pointer snap);

  /** A string the caller frees with {@link Native#free}, or null on error. */
  Pointer virDomainSnapshotGetXMLDesc(Pointer snap, int flags);

  /** A new reference the caller frees with {@link #virDomainSnapshotFree}, or null. */
  Pointer virDomainSnapshotCreateXML(Pointer dom, String xml, int flags);

  int virDomainSnapshotFree(Pointer snap);
}
