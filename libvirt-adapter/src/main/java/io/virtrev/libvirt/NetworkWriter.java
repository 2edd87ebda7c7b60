package io.virtrev.libvirt;

import com.sun.jna.Pointer;
import io.virtrev.api.source.NetworkObservation;
import org.libvirt.LibvirtException;
import org.libvirt.Network;

/**
 * The network writes of {@link LibvirtNetworkSource}. The define goes through {@link LibvirtNative}
 * ({@code virNetworkDefineXMLFlags} with {@code VIR_NETWORK_DEFINE_VALIDATE}, which libvirt-java 0.5.4
 * lacks) and reads the network back through the handle it returns; the lifecycle calls go through
 * libvirt-java's {@link Network} (looked up by uuid, itself a call that fails with VIR_ERR_NO_NETWORK),
 * whose error codes are exact for every code they raise (all below 105). Every handle is freed
 * explicitly before returning, never left to a finalizer.
 *
 * <p>Callers hold the session's read lock, so the connection outlives every call here.
 */
final class NetworkWriter {
  private static final LibvirtNative LIB = LibvirtNative.INSTANCE;

  /** One libvirt-java call on a looked-up network. */
  private interface NetworkCall {
    void apply(Network net) throws LibvirtException;
  }

  private NetworkWriter() {}

  /**
   * Defines (with validation if {@code validate}) and reads the result back through the define's handle.
   * Malformed XML fails with VIR_ERR_XML_ERROR/XML_DETAIL, schema-invalid XML with
   * VIR_ERR_XML_INVALID_SCHEMA, a name or uuid clash with VIR_ERR_OPERATION_FAILED.
   */
  static NetworkObservation define(NativeConnect connect, String xml, boolean validate) throws NativeCallException {
    Pointer net = LIB.virNetworkDefineXMLFlags(connect.pointer(), xml,
        validate ? LibvirtNative.NETWORK_DEFINE_VALIDATE : 0);
    if (net == null) {
      throw NativeCallException.lastError("virNetworkDefineXMLFlags");
    }
    try {
      return NetworkReader.read(net);
    } finally {
      LIB.virNetworkFree(net);
    }
  }

  static void undefine(NativeConnect connect, String uuid) throws LibvirtException {
    onNetwork(connect, uuid, Network::undefine);
  }

  static void start(NativeConnect connect, String uuid) throws LibvirtException {
    onNetwork(connect, uuid, Network::create);
  }

  static void destroy(NativeConnect connect, String uuid) throws LibvirtException {
    onNetwork(connect, uuid, Network::destroy);
  }

  static void setAutostart(NativeConnect connect, String uuid, boolean autostart) throws LibvirtException {
    onNetwork(connect, uuid, net -> net.setAutostart(autostart));
  }

  /**
   * Looks {@code uuid} up, applies {@code call}, and frees the reference. libvirt-java reads the error
   * inside the failing call, so the free afterwards cannot lose it.
   */
  private static void onNetwork(NativeConnect connect, String uuid, NetworkCall call) throws LibvirtException {
    Network net = connect.networkLookupByUUIDString(uuid);
    try {
      call.apply(net);
    } finally {
      net.free();
    }
  }
}
