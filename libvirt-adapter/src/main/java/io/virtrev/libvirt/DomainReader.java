package io.virtrev.libvirt;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import io.virtrev.api.source.DomainObservation;
import java.nio.charset.StandardCharsets;

/**
 * Reads one {@link DomainObservation} through the project's JNA binding, with as few round trips to
 * libvirtd as the API allows, issued side by side: name, uuid and id are local accessors; the state,
 * the config XML, the live XML (active domains only), persistence and autostart are one RPC each, all
 * started at once on a {@link ParallelCalls} batch, so a read costs about one round trip after the
 * handle's lookup rather than five. A listing that already knows persistence and autostart for every
 * domain (two filtered list calls) skips those two, and starts the reads of a whole step in one batch.
 *
 * <p>"Active" is decided by the state read here, as before: the live XML is fetched alongside the state
 * when the handle says the domain was active at its lookup or listing (its id), and is dropped if the
 * state says shutoff; if the state says active and the handle did not, the live XML is read after the
 * state. So the live XML is present exactly when the state read is not shutoff.
 *
 * <p>The reads are not atomic: a domain that changes meanwhile yields a mix of before and after, which
 * the next event or resync corrects (every call starts after the event that asked for the read, so the
 * read after the last event sees the last change). A domain that vanishes meanwhile fails with
 * VIR_ERR_NO_DOMAIN. Of several failed calls, the one reported is the first in the order state, config
 * XML, live XML (only when needed), persistence, autostart: the one a sequential read would have met.
 */
final class DomainReader {
  private static final LibvirtNative LIB = LibvirtNative.INSTANCE;

  /** What a listing already knows about a domain; null fields are read. */
  record Known(Boolean persistent, Boolean autostart) {
    static final Known NOTHING = new Known(null, null);
  }

  /** A read whose calls were added to a batch; {@link #finish} it after the batch ran. */
  static final class Pending {
    private final Pointer dom;
    private final String uuid;
    private final String name;
    private final ParallelCalls.Result<DomainStates.State> state;
    private final ParallelCalls.Result<String> configXml;
    /** Null unless the handle said active: then fetched alongside the state. */
    private final ParallelCalls.Result<String> liveXml;
    private final Known known;
    private final ParallelCalls.Result<Boolean> persistent;
    private final ParallelCalls.Result<Boolean> autostart;

    private Pending(Pointer dom, Known known, ParallelCalls.Batch batch) throws NativeCallException {
      this.dom = dom;
      this.known = known;
      this.uuid = LibvirtNative.uuidString(dom);
      this.name = LIB.virDomainGetName(dom);
      if (uuid == null || name == null) {
        throw NativeCallException.lastError(uuid == null ? "virDomainGetUUIDString" : "virDomainGetName");
      }
      state = batch.add(() -> DomainStates.read(dom));
      configXml = batch.add(() -> xml(dom, LibvirtNative.XML_INACTIVE));
      liveXml = LIB.virDomainGetID(dom) != -1 ? batch.add(() -> xml(dom, 0)) : null;
      persistent = known.persistent() == null ? batch.add(() -> persistent(dom)) : null;
      autostart = known.autostart() == null ? batch.add(() -> autostart(dom)) : null;
    }

    String uuid() {
      return uuid;
    }

    /**
     * The observation, once the batch ran; may make one more call (the live XML of a domain started
     * since its handle was made). {@code dom} must still be alive.
     *
     * @throws NativeCallException the first failure in the order the class comment gives
     */
    DomainObservation finish() throws NativeCallException {
      DomainStates.State s = state.get();
      boolean active = !"shutoff".equals(s.state());
      String config = configXml.get();
      String live = null;
      if (active) {
        live = liveXml != null ? liveXml.get() : xml(dom, 0);
      }
      boolean isPersistent = persistent != null ? persistent.get() : known.persistent();
      boolean isAutostart = autostart != null ? autostart.get() : known.autostart();
      Integer id = null;
      if (active) {
        int raw = LIB.virDomainGetID(dom);
        id = raw >= 0 ? raw : null; // -1: the handle predates the start; the next read has it
      }
      return new DomainObservation(uuid, name, config, live, isPersistent, isAutostart, s.state(), s.reason(), id);
    }
  }

  private DomainReader() {}

  /**
   * Adds the calls that read {@code dom} to {@code batch} (the state first). Reads the local accessors
   * now. Caller holds the session's read lock and keeps {@code dom} alive until {@link Pending#finish}
   * returned.
   */
  static Pending start(Pointer dom, Known known, ParallelCalls.Batch batch) throws NativeCallException {
    return new Pending(dom, known, batch);
  }

  /**
   * Reads {@code dom} with its calls side by side. Caller holds the session's read lock; {@code dom}
   * stays owned (and freed) by the caller, and no call uses it any more once this returns or throws.
   *
   * @throws NativeCallException libvirt's error, with its code (VIR_ERR_NO_DOMAIN if it vanished)
   */
  static DomainObservation read(Pointer dom, Known known, ParallelCalls calls) throws NativeCallException {
    ParallelCalls.Batch batch = calls.batch();
    Pending pending = start(dom, known, batch);
    batch.run();
    return pending.finish();
  }

  /** Looks {@code uuid} up (one RPC) and reads it. */
  static DomainObservation lookupAndRead(NativeConnect connect, String uuid, ParallelCalls calls)
      throws NativeCallException {
    Pointer dom = LIB.virDomainLookupByUUIDString(connect.pointer(), uuid);
    if (dom == null) {
      throw NativeCallException.lastError("virDomainLookupByUUIDString");
    }
    try {
      return read(dom, Known.NOTHING, calls);
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
