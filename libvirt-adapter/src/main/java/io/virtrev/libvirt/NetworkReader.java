package io.virtrev.libvirt;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import io.virtrev.api.source.NetworkObservation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The network reads of {@link LibvirtNetworkSource}, through {@link LibvirtNative}: libvirt-java 0.5.4
 * has no {@code virConnectListAllNetworks} (only name lists, which race with every change) and its
 * {@code Network} cannot wrap the handle a JNA call returns, so reads work on native handles, the same
 * for a listing, a lookup and a define. Failures carry libvirt's exact code ({@link NativeCallException}).
 *
 * <p>Callers hold the session's read lock, so the connection outlives every call here. Every handle is
 * freed before returning.
 */
final class NetworkReader {
  private static final LibvirtNative LIB = LibvirtNative.INSTANCE;

  private NetworkReader() {}

  /**
   * Reads {@code net} (borrowed: not freed here): name and uuid (local accessors), activity,
   * persistence, autostart, the live XML if active, and the persistent XML: four RPCs, five when active.
   * Not atomic: a change between the calls can make the XML and the flags disagree; the event it emits
   * makes the consumer read again.
   *
   * @throws NativeCallException libvirt's error, with its code (VIR_ERR_NO_NETWORK if it vanished)
   */
  static NetworkObservation read(Pointer net) throws NativeCallException {
    String uuid = LibvirtNative.networkUuidString(net);
    String name = LIB.virNetworkGetName(net);
    if (uuid == null || name == null) {
      throw NativeCallException.lastError(uuid == null ? "virNetworkGetUUIDString" : "virNetworkGetName");
    }
    boolean active = flag(LIB.virNetworkIsActive(net), "virNetworkIsActive");
    boolean persistent = flag(LIB.virNetworkIsPersistent(net), "virNetworkIsPersistent");
    IntByReference autostart = new IntByReference();
    if (LIB.virNetworkGetAutostart(net, autostart) < 0) {
      throw NativeCallException.lastError("virNetworkGetAutostart");
    }
    String liveXml = active ? xml(net, 0) : null;
    String configXml = configXml(net, liveXml);
    return new NetworkObservation(uuid, name, configXml, liveXml, active, persistent, autostart.getValue() != 0);
  }

  /** Looks {@code uuid} up (one RPC) and reads it. */
  static NetworkObservation lookupAndRead(NativeConnect connect, String uuid) throws NativeCallException {
    Pointer net = LIB.virNetworkLookupByUUIDString(connect.pointer(), uuid);
    if (net == null) {
      throw NativeCallException.lastError("virNetworkLookupByUUIDString");
    }
    try {
      return read(net);
    } finally {
      LIB.virNetworkFree(net);
    }
  }

  /**
   * Every network ({@code virConnectListAllNetworks}, then each one read). A network that vanishes
   * between the listing and its read is skipped.
   */
  static List<NetworkObservation> listAll(NativeConnect connect) throws NativeCallException {
    PointerByReference array = new PointerByReference();
    int n = LIB.virConnectListAllNetworks(connect.pointer(), array, 0);
    if (n < 0) {
      throw NativeCallException.lastError("virConnectListAllNetworks");
    }
    Pointer[] nets = n == 0 ? new Pointer[0] : array.getValue().getPointerArray(0, n);
    List<NetworkObservation> out = new ArrayList<>(n);
    try {
      for (Pointer net : nets) {
        try {
          out.add(read(net));
        } catch (NativeCallException e) {
          if (e.code() != LibvirtErrors.NO_NETWORK) {
            throw e;
          }
        }
      }
      return out;
    } finally {
      for (Pointer net : nets) {
        LIB.virNetworkFree(net);
      }
      if (array.getValue() != null) {
        Native.free(Pointer.nativeValue(array.getValue()));
      }
    }
  }

  /**
   * The persistent XML. A driver that keeps no separate persistent definition refuses the flag
   * (libvirt's test driver: VIR_ERR_INVALID_ARG, "unsupported flags"); its one XML is then both, so a
   * redefine of an active network is not visible there until the network stops.
   */
  private static String configXml(Pointer net, String liveXml) throws NativeCallException {
    try {
      return xml(net, LibvirtNative.NETWORK_XML_INACTIVE);
    } catch (NativeCallException e) {
      if (e.code() != LibvirtErrors.INVALID_ARG) {
        throw e;
      }
      return liveXml != null ? liveXml : xml(net, 0);
    }
  }

  private static boolean flag(int value, String call) throws NativeCallException {
    if (value < 0) {
      throw NativeCallException.lastError(call);
    }
    return value == 1;
  }

  private static String xml(Pointer net, int flags) throws NativeCallException {
    Pointer p = LIB.virNetworkGetXMLDesc(net, flags);
    if (p == null) {
      throw NativeCallException.lastError("virNetworkGetXMLDesc");
    }
    try {
      return p.getString(0, StandardCharsets.UTF_8.name());
    } finally {
      Native.free(Pointer.nativeValue(p));
    }
  }
}
