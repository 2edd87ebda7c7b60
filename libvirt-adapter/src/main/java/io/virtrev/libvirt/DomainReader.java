package io.virtrev.libvirt;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import io.virtrev.api.source.DomainObservation;
import java.nio.charset.StandardCharsets;

/**
 * Reads one {@link DomainObservation} through the project's JNA binding, with as few round trips to
 * libvirtd as the API allows: name, uuid and id are local accessors; the state, the config XML, the
 * live XML (active domains only), persistence and autostart are one RPC each, and a listing that
 * already knows persistence and autostart for every domain (two filtered list calls) skips those two.
 *
 * <p>The reads are not atomic: a domain that changes meanwhile yields a mix of before and after, which
 * the next event or resync corrects. A domain that vanishes meanwhile fails with VIR_ERR_NO_DOMAIN.
 * "Active" is decided by the state read here (not the handle's id, which dates from the lookup or
 * listing), so state and live XML come from the same moment as far as libvirt allows.
 */
final class DomainReader {
  private static final LibvirtNative LIB = LibvirtNative.INSTANCE;

  /** What a listing already knows about a domain; null fields are read. */
  record Known(Boolean persistent, Boolean autostart) {
    static final Known NOTHING = new Known(null, null);
  }

  private DomainReader() {}

  /**
   * Caller holds the session's read lock; {@code dom} stays owned (and freed) by the caller.
   *
   * @throws NativeCallException libvirt's error, with its code (VIR_ERR_NO_DOMAIN if it vanished)
   */
  static DomainObservation read(Pointer dom, Known known) throws NativeCallException {
    String uuid = LibvirtNative.uuidString(dom);
    String name = LIB.virDomainGetName(dom);
    if (uuid == null || name == null) {
      throw NativeCallException.lastError(uuid == null ? "virDomainGetUUIDString" : "virDomainGetName");
    }
    DomainStates.State state = DomainStates.read(dom);
    boolean active = !"shutoff".equals(state.state());
    String configXml = xml(dom, LibvirtNative.XML_INACTIVE);
    String liveXml = active ? xml(dom, 0) : null;
    boolean persistent = known.persistent() != null ? known.persistent() : persistent(dom);
    boolean autostart = known.autostart() != null ? known.autostart() : autostart(dom);
    Integer id = null;
    if (active) {
      int raw = LIB.virDomainGetID(dom);
      id = raw >= 0 ? raw : null; // -1: the handle predates the start; the next read has it
    }
    return new DomainObservation(uuid, name, configXml, liveXml, persistent, autostart, state.state(),
        state.reason(), id);
  }

  /** Looks {@code uuid} up (one RPC) and reads it. */
  static DomainObservation lookupAndRead(NativeConnect connect, String uuid) throws NativeCallException {
    Pointer dom = LIB.virDomainLookupByUUIDString(connect.pointer(), uuid);
    if (dom == null) {
      throw NativeCallException.lastError("virDomainLookupByUUIDString");
    }
    try {
      return read(dom, Known.NOTHING);
    } finally {
      LIB.virDomainFree(dom);
    }
  }

  /**
   * The config XML with its secrets ({@code VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_INACTIVE}), looked up
   * by uuid (two RPCs). Only for carrying secrets into an update: never stored, logged or served.
   */
  static String lookupAndReadSecureConfig(NativeConnect connect, String uuid) throws NativeCallException {
    Pointer dom = LIB.virDomainLookupByUUIDString(connect.pointer(), uuid);
    if (dom == null) {
      throw NativeCallException.lastError("virDomainLookupByUUIDString");
    }
    try {
      return xml(dom, LibvirtNative.XML_INACTIVE | LibvirtNative.XML_SECURE);
    } finally {
      LIB.virDomainFree(dom);
    }
  }

  private static String xml(Pointer dom, int flags) throws NativeCallException {
    Pointer p = LIB.virDomainGetXMLDesc(dom, flags);
    if (p == null) {
      throw NativeCallException.lastError("virDomainGetXMLDesc");
    }
    try {
      return p.getString(0, StandardCharsets.UTF_8.name());
    } finally {
      Native.free(Pointer.nativeValue(p));
    }
  }

  private static boolean persistent(Pointer dom) throws NativeCallException {
    int r = LIB.virDomainIsPersistent(dom);
    if (r < 0) {
      throw NativeCallException.lastError("virDomainIsPersistent");
    }
    return r == 1;
  }

  private static boolean autostart(Pointer dom) throws NativeCallException {
    IntByReference value = new IntByReference();
    if (LIB.virDomainGetAutostart(dom, value) < 0) {
      throw NativeCallException.lastError("virDomainGetAutostart");
    }
    return value.getValue() != 0;
  }
}
