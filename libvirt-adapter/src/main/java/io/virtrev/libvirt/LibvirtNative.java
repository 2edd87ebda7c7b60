package io.virtrev.libvirt;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
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

  /** virDomainEventID values (libvirt-domain.h). */
  int EVENT_ID_REBOOT = 1;
  int EVENT_ID_DEVICE_REMOVED = 15;
  int EVENT_ID_DEVICE_ADDED = 19;
  int EVENT_ID_METADATA_CHANGE = 23;

  /** VIR_UUID_STRING_BUFLEN: 36 characters and the terminating NUL. */
  int UUID_STRING_BUFLEN = 37;

  /** virConnectDomainEventGenericCallback (REBOOT). */
  interface GenericCallback extends Callback {
    void invoke(Pointer conn, Pointer dom, Pointer opaque);
  }

  /** virConnectDomainEventDeviceAddedCallback and ...DeviceRemovedCallback. */
  interface DeviceCallback extends Callback {
    void invoke(Pointer conn, Pointer dom, String devAlias, Pointer opaque);
  }

  /** virConnectDomainEventMetadataChangeCallback. */
  interface MetadataCallback extends Callback {
    void invoke(Pointer conn, Pointer dom, int type, String nsuri, Pointer opaque);
  }

  /** Returns a callback id >= 0, or -1. {@code cb} must stay strongly reachable until deregistered. */
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

  int virDomainFree(Pointer dom);

  /** This thread's last error, owned by libvirt; null if none. */
  virError virGetLastError();
}
